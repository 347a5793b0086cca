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
from app.views.main_window import MainWindow
from app.views.qt_support import install_fonts


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png")
    paths.set_data_dir(tempfile.mkdtemp(prefix="gjj-shot-"))
    app = QApplication(sys.argv[:1])
    install_fonts(app)
    services = AppServices.open()
    services.units.add("100001", "开封市示范机械厂")
    services.units.add("100002", "开封市第二示范单位")
    window = MainWindow(services)
    window.resize(1100, 700)
    window.show()

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
