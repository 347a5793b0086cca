"""Demo mode: the bundled reference centre server (fundserver) on loopback, with demo data.

`make run` starts the client this way, so the whole flow works on a PC with no network.
"""

from __future__ import annotations

import atexit
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import OfflineError

if TYPE_CHECKING:
    from fundserver.process import FundServerProcess

logger = logging.getLogger(__name__)

# The demo centre's login, as fundserver/demo.py seeds it (a test keeps the two equal). Kept
# here so the window can name it without importing fundserver (and FastAPI) outside demo mode.
DEMO_UNIT_CODE = "100001"
DEMO_PASSWORD = "demo1234"


def start_demo_server(folder: Path) -> FundServerProcess:
    """Start fundserver on a free loopback port; its data is kept in `folder` between runs."""
    from fundserver.process import FundServerProcess, FundServerStartError

    try:
        server = FundServerProcess(folder, seed="demo", with_parent=True)
    except FundServerStartError as exc:
        logger.error("demo server failed: %s", exc)
        raise OfflineError(f"演示服务器未能启动，详见 {folder / 'server.log'}。") from exc
    atexit.register(server.stop)
    logger.info("demo centre server at %s", server.url)
    return server
