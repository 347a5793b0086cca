"""The OCR engine: rapidocr-onnxruntime 1.4.4, whose models ship inside its wheel (offline).

Imported only when a card is first read — never at start (onnxruntime alone takes ~0.5 s to
import). If the package is missing, `OcrUnavailableError` says what to install.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Protocol

from PIL import Image

from app.errors import KnownError

logger = logging.getLogger(__name__)

OCR_PACKAGE = "rapidocr-onnxruntime==1.4.4"
MISSING_MESSAGE = (
    "本机缺少身份证识别组件（OCR）。请重新安装完整版客户端，"
    f"或在客户端的 Python 环境中安装：pip install {OCR_PACKAGE}"
)


class OcrUnavailableError(KnownError):
    """The OCR package is not installed (or its runtime cannot load)."""


@dataclass(frozen=True)
class OcrLine:
    """One text line found on the image: its box (4 corner points), text and confidence."""

    box: tuple[tuple[float, float], ...]
    text: str
    score: float

    @property
    def left(self) -> float:
        return min(p[0] for p in self.box)

    @property
    def right(self) -> float:
        return max(p[0] for p in self.box)

    @property
    def top(self) -> float:
        return min(p[1] for p in self.box)

    @property
    def bottom(self) -> float:
        return max(p[1] for p in self.box)

    @property
    def centre_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


class TextEngine(Protocol):
    """What the card reader needs from an OCR engine (tests may pass a fake)."""

    def lines(self, image: Image.Image) -> list[OcrLine]: ...


class RapidOcrEngine:
    """rapidocr-onnxruntime behind `TextEngine`; one model instance, one caller at a time."""

    def __init__(self) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR  # the heavy import, on first use only
        except ImportError as exc:
            logger.warning("OCR package missing: %s", exc.name or exc)
            raise OcrUnavailableError(MISSING_MESSAGE, code="ocr_missing") from exc
        self._ocr: Any = RapidOCR()
        self._lock = threading.Lock()  # onnxruntime sessions are not shared across callers here

    def lines(self, image: Image.Image) -> list[OcrLine]:
        import numpy as np

        array = np.asarray(image.convert("RGB"))[:, :, ::-1]  # RapidOCR expects BGR like cv2
        with self._lock:
            result, _elapsed = self._ocr(array)
        found: list[OcrLine] = []
        for box, text, score in result or ():
            corners = tuple((float(x), float(y)) for x, y in box)
            found.append(OcrLine(corners, str(text), float(score)))
        return found


_engine: RapidOcrEngine | None = None
_engine_lock = threading.Lock()


def default_engine() -> RapidOcrEngine:
    """The shared engine, loaded (models and all) on first call."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = RapidOcrEngine()
        return _engine
