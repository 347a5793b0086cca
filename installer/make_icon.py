"""Draw the application icon (resources/icons/gjj-desk.png and .ico) — run once, output committed.

A blue rounded square with 公积金's 金 in white; drawn, not downloaded, so its origin is plain.
Needs a CJK font: `python installer/make_icon.py /usr/share/fonts/truetype/wqy/wqy-microhei.ttc`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZE = 256


def draw(font_path: str) -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((8, 8, SIZE - 8, SIZE - 8), radius=48, fill=(21, 101, 192, 255))
    font = ImageFont.truetype(font_path, 170)
    pen.text((SIZE / 2, SIZE / 2 + 4), "金", font=font, fill="white", anchor="mm")
    return image


def main() -> int:
    image = draw(sys.argv[1])
    ICONS.mkdir(parents=True, exist_ok=True)
    image.save(ICONS / "gjj-desk.png")
    sizes = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
    image.save(ICONS / "gjj-desk.ico", sizes=sizes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
