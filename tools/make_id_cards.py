"""Synthetic 居民身份证 fronts with ground truth, for the OCR tests and bench/idcard_bench.py.

    python tools/make_id_cards.py OUT_DIR [--count 200] [--seed 16]

Draws the card's layout with Pillow and the CJK font CI installs (fonts-wqy-microhei): random
names (rare characters and minority names with ·), random valid ID numbers (some ending in X),
addresses; then degrades a share of them: rotated a little, 90°/180°, blurred, photocopied
(grey, low contrast, speckles), JPEG-compressed. Writes the images and `truth.json`:
[{"file", "name", "sex", "ethnicity", "birth", "address", "id_number", "kind"}].
The check digit is computed here from GB 11643 itself, never from the product's code.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
CARD_W, CARD_H = 856, 540  # 85.6 × 54 mm at 254 dpi
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔"  # noqa: E501
DOUBLE_SURNAMES = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩然子轩梓涵欣怡雨泽晨阳博思远佳琪俊杰嘉怡诗雅天翊睿瑾瑜"  # noqa: E501
RARE = "喆堃犇淼昇玥珺赟璟翀彧頔龑燊垚焱鑫瑄琇晗昱旻暐炜祎禕祺喦甦靓玮珏瑛璐曌婧嫣"
MINORITY_NAMES = [
    "买买提·艾力",
    "阿依古丽·吐尔逊",
    "热依拉·阿不都",
    "艾尔肯·吾斯曼",
    "古丽娜尔·买买提",
    "巴特尔·额尔敦",
    "扎西·次仁",
    "迪丽拜尔·艾山",
]
ETHNICITIES = ["汉"] * 12 + ["回", "满", "壮", "蒙古", "维吾尔", "藏", "苗", "土家", "朝鲜"]
# Real county codes (province, city, county) with a matching address prefix.
REGIONS = [
    ("410202", "河南省开封市龙亭区"),
    ("410203", "河南省开封市顺河回族区"),
    ("410204", "河南省开封市鼓楼区"),
    ("410205", "河南省开封市禹王台区"),
    ("410105", "河南省郑州市金水区"),
    ("410302", "河南省洛阳市老城区"),
    ("110105", "北京市朝阳区"),
    ("310104", "上海市徐汇区"),
    ("440305", "广东省深圳市南山区"),
    ("330106", "浙江省杭州市西湖区"),
    ("650102", "新疆维吾尔自治区乌鲁木齐市天山区"),
    ("510107", "四川省成都市武侯区"),
]
STREETS = ["西门大街", "中山路", "解放路", "人民路", "建设路", "自由路", "金明大道", "黄河路"]
VILLAGES = ["王庄村", "李寨村", "杏花营镇", "柳园口乡", "大李庄", "水稻乡"]


def gb11643(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


@dataclass
class Card:
    file: str
    name: str
    sex: str
    ethnicity: str
    birth: str  # ISO date
    address: str
    id_number: str
    kind: str  # clean / tilted / rot90 / rot180 / blurred / photocopy / jpeg


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size)


def _has_glyph(font: ImageFont.FreeTypeFont, ch: str) -> bool:
    # A character the font lacks draws as the same box as any other missing one.
    missing = font.getmask("\U000f0000").getbbox()
    return font.getmask(ch).getbbox() != missing


def random_name(rng: random.Random, rare: str) -> str:
    roll = rng.random()
    if roll < 0.06:
        return rng.choice(MINORITY_NAMES)
    surname = rng.choice(DOUBLE_SURNAMES) if roll < 0.12 else rng.choice(SURNAMES)
    pool = GIVEN + rare if rng.random() < 0.4 else GIVEN
    given = "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2))))
    if rare and rng.random() < 0.25:
        given = given[:-1] + rng.choice(rare)
    return surname + given


def random_person(rng: random.Random, rare: str, want_x: bool) -> tuple[str, ...]:
    code, prefix = rng.choice(REGIONS)
    while True:
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 56))
        seq = f"{rng.randrange(0, 1000):03d}"
        first17 = code + born.strftime("%Y%m%d") + seq
        check = gb11643(first17)
        if (check == "X") == want_x:
            break
    sex = "男" if int(seq[-1]) % 2 else "女"
    if rng.random() < 0.7:
        address = f"{prefix}{rng.choice(STREETS)}{rng.randrange(1, 300)}号"
        if rng.random() < 0.6:
            address += f"{rng.randrange(1, 30)}号楼{rng.randrange(1, 6)}单元{rng.randrange(1, 30)}0{rng.randrange(1, 5)}室"  # noqa: E501
    else:
        address = f"{prefix}{rng.choice(VILLAGES)}{rng.randrange(1, 200)}号"
    name = random_name(rng, rare)
    eth = rng.choice(("维吾尔", "蒙古", "藏")) if "·" in name else rng.choice(ETHNICITIES)
    return name, sex, eth, born.isoformat(), address, first17 + check


def _background(rng: random.Random) -> Image.Image:
    card = Image.new("RGB", (CARD_W, CARD_H), (236, 242, 246))
    draw = ImageDraw.Draw(card)
    for _ in range(40):  # the faint guilloche-like pattern
        x, y = rng.randrange(CARD_W), rng.randrange(CARD_H)
        r = rng.randrange(40, 220)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=(214, 226, 236), width=1)
    draw.rounded_rectangle((0, 0, CARD_W - 1, CARD_H - 1), radius=28, outline=(180, 190, 200))
    # The photo: a grey silhouette on the right.
    draw.rectangle((560, 70, 800, 370), fill=(222, 228, 232))
    draw.ellipse((620, 110, 740, 250), fill=(150, 156, 162))
    draw.pieslice((580, 240, 780, 460), 180, 360, fill=(150, 156, 162))
    return card


def _wrap(text: str, per_line: int) -> list[str]:
    return [text[i : i + per_line] for i in range(0, len(text), per_line)]


def draw_card(person: tuple[str, ...], rng: random.Random) -> Image.Image:
    name, sex, eth, birth, address, number = person
    card = _background(rng)
    draw = ImageDraw.Draw(card)
    label, value, digits = _font(26), _font(32), _font(36)
    blue, ink = (40, 110, 170), (20, 20, 20)
    draw.text((50, 50), "姓  名", font=label, fill=blue)
    draw.text((150, 44), name, font=value, fill=ink)
    draw.text((50, 120), "性  别", font=label, fill=blue)
    draw.text((150, 114), sex, font=value, fill=ink)
    draw.text((250, 120), "民  族", font=label, fill=blue)
    draw.text((350, 114), eth, font=value, fill=ink)
    born = date.fromisoformat(birth)
    draw.text((50, 190), "出  生", font=label, fill=blue)
    draw.text((150, 184), f"{born.year}", font=value, fill=ink)
    draw.text((240, 190), "年", font=label, fill=blue)
    draw.text((285, 184), f"{born.month}", font=value, fill=ink)
    draw.text((330, 190), "月", font=label, fill=blue)
    draw.text((375, 184), f"{born.day}", font=value, fill=ink)
    draw.text((420, 190), "日", font=label, fill=blue)
    draw.text((50, 260), "住  址", font=label, fill=blue)
    for i, line in enumerate(_wrap(address, 12)[:3]):
        draw.text((150, 254 + 44 * i), line, font=value, fill=ink)
    draw.text((50, 440), "公民身份号码", font=label, fill=blue)
    draw.text((260, 432), " ".join([number[:6], number[6:14], number[14:]]), font=digits, fill=ink)
    return card


def _on_page(card: Image.Image, rng: random.Random, margin: int = 60) -> Image.Image:
    page = Image.new("RGB", (card.width + 2 * margin, card.height + 2 * margin), (250, 250, 250))
    page.paste(card, (margin + rng.randrange(-20, 20), margin + rng.randrange(-20, 20)))
    return page


def degrade(page: Image.Image, kind: str, rng: random.Random) -> Image.Image:
    """The card as a clerk's scanner or phone might deliver it."""
    if kind == "tilted":
        angle = rng.choice((-1, 1)) * rng.uniform(2, 8)
        return page.rotate(angle, expand=True, fillcolor=(250, 250, 250), resample=Image.BICUBIC)
    if kind == "rot90":
        return page.transpose(rng.choice((Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270)))
    if kind == "rot180":
        return page.transpose(Image.Transpose.ROTATE_180)
    if kind == "blurred":
        return page.filter(ImageFilter.GaussianBlur(rng.uniform(1.0, 1.8)))
    if kind == "photocopy":
        grey = page.convert("L").point(lambda v: 110 + int(v * 0.45))
        noise = Image.effect_noise(grey.size, 18).point(lambda v: v - 128)
        return Image.blend(grey, noise.convert("L"), 0.12).convert("RGB")
    return page


KINDS = ["clean"] * 4 + ["tilted", "rot90", "rot180", "blurred", "photocopy", "jpeg"]


def make_cards(out: Path, count: int, seed: int, kinds: list[str] | None = None) -> list[Card]:
    """Write `count` cards into `out` (PNG, JPEG for the "jpeg" kind) and truth.json."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    font = _font(32)
    rare = "".join(ch for ch in RARE if _has_glyph(font, ch))
    cards: list[Card] = []
    for i in range(count):
        kind = (kinds or KINDS)[i % len(kinds or KINDS)]
        person = random_person(rng, rare, want_x=i % 11 == 5)
        image = degrade(_on_page(draw_card(person, rng), rng), kind, rng)
        if kind == "jpeg":
            name = f"card{i:03d}.jpg"
            image.save(out / name, quality=rng.randrange(25, 45))
        else:
            name = f"card{i:03d}.png"
            image.save(out / name)
        n, sex, eth, birth, address, number = person
        cards.append(Card(name, n, sex, eth, birth, address, number, kind))
    (out / "truth.json").write_text(
        json.dumps([asdict(c) for c in cards], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return cards


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="生成带标准答案的模拟身份证正面图片")
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args(argv)
    cards = make_cards(args.out, args.count, args.seed)
    print(f"{len(cards)} 张 → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
