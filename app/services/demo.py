"""Demo mode: the bundled reference centre server (fundserver) on loopback, with demo data.

`make run` starts the client this way, so the whole flow works on a PC with no network.
"""

from __future__ import annotations

import atexit
import logging
from pathlib import Path

from app.errors import OfflineError
from fundserver.demo import DEMO_PASSWORD, DEMO_UNIT_CODE
from fundserver.process import FundServerProcess, FundServerStartError

logger = logging.getLogger(__name__)

__all__ = ["DEMO_PASSWORD", "DEMO_UNIT_CODE", "start_demo_server"]


def start_demo_server(folder: Path) -> FundServerProcess:
    """Start fundserver on a free loopback port; its data is kept in `folder` between runs."""
    try:
        server = FundServerProcess(folder, seed="demo")
    except FundServerStartError as exc:
        logger.error("demo server failed: %s", exc)
        raise OfflineError(f"演示服务器未能启动，详见 {folder / 'server.log'}。") from exc
    atexit.register(server.stop)
    logger.info("demo centre server at %s", server.url)
    return server
