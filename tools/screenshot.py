"""Take a screenshot of the main window (for the README and for looking at the layout).

Run under a virtual screen:
    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python tools/screenshot.py OUT.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app import paths
from app.services.context import AppServices
from app.services.session import CentreSession
from app.views.main_window import MainWindow
from app.views.pages import page_factories
from app.views.qt_support import install_fonts, install_style


def _fill_demo(services: AppServices) -> None:
    """A unit profile and a few pending rows, so the page shows what a clerk would see."""
    from app.models import Unit
    from app.services.businesses import SPECS
    from app.services.engine.pending import PendingLists

    unit = services.units.current()
    assert unit is not None
    with services.store.session() as session:
        session.get_one(Unit, unit.id).profile = {"unit_ratio": "0.12", "personal_ratio": "0.12"}
    pending = PendingLists(
        services.store, SPECS["open-account"], unit.id, lambda: services.units.policy(unit.id)
    )
    for name, number, base in (
        ("王建国", "410203198805160013", "6200"),
        ("李秀英", "410205199203081526", "4800.5"),
    ):
        pending.add({"name": name, "id_number": number, "mobile": "13903781234", "base": base})


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png")
    paths.set_data_dir(tempfile.mkdtemp(prefix="gjj-shot-"))
    app = QApplication(sys.argv[:1])
    install_fonts(app)
    install_style(app)
    services = AppServices.open()
    services.units.add("100001", "开封市示范机械厂")
    services.units.add("100002", "开封市第二示范单位")
    window = MainWindow(services, page_factories(services), session=CentreSession(services))
    window.resize(1100, 760)
    window.show()
    if len(sys.argv) > 2:  # a menu entry to open, e.g. open-account
        _fill_demo(services)
        window.tree.setCurrentItem(window.entry_item(sys.argv[2]))

    def shoot() -> None:
        window.grab().save(str(out))
        print(f"saved {out}")
        app.quit()

    QTimer.singleShot(700, shoot)
    app.exec()
    services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
