"""The OCR engine (onnxruntime, opencv) is loaded when a card is first read, never at start."""

from __future__ import annotations

import os
import subprocess
import sys


def test_opening_the_window_and_the_cli_does_not_import_the_ocr_engine() -> None:
    probe = (
        "import sys\n"
        "import app.cli, app.views.main_window, app.views.business.pending_page\n"
        "heavy = ('rapidocr_onnxruntime', 'onnxruntime', 'cv2')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]"
