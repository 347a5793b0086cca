"""`read-id`: a scanned PDF of card fronts → fields, confidence and the number's verdict."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import img2pdf
import pytest

from app.cli import run
from app.services.idcard import engine as engine_module
from tests.id_cards import cards


def test_read_id_reads_every_page_of_a_pdf_upright_or_upside_down(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truth = cards(tmp_path / "cards", ["clean", "rot180"])
    pdf = tmp_path / "stack.pdf"
    pdf.write_bytes(img2pdf.convert([str(tmp_path / "cards" / c["file"]) for c in truth]))

    code = run(["read-id", str(pdf), "--json"])
    out, _ = capsys.readouterr()

    pages = json.loads(out)
    assert code == 0
    assert [p["fields"]["id_number"]["value"] for p in pages] == [c["id_number"] for c in truth]
    assert [p["fields"]["name"]["value"] for p in pages] == [c["name"] for c in truth]
    assert [p["id_number_passed"] for p in pages] == [True, True]
    assert pages[1]["rotation"] == 180
    assert pages[0]["fields"]["birth"]["value"] == truth[0]["birth"]
    assert 0 < pages[0]["fields"]["name"]["confidence"] <= 1


def test_read_id_without_the_ocr_package_says_what_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # import now fails
    monkeypatch.setattr(engine_module, "_engine", None)
    image = tmp_path / "card.png"
    image.write_bytes(b"not read before the engine is")

    code = run(["read-id", str(image)])
    _, err = capsys.readouterr()

    assert code == 2
    assert "pip install rapidocr-onnxruntime==1.4.4" in err
    assert "重新安装完整版客户端" in err


def test_read_id_names_a_file_that_is_no_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class NoEngine:
        def lines(self, image: object) -> list[object]:
            raise AssertionError("no page to read")

    monkeypatch.setattr(engine_module, "_engine", NoEngine())
    text = tmp_path / "名单.txt"
    text.write_text("张三", encoding="utf-8")

    code = run(["read-id", str(text)])
    _, err = capsys.readouterr()

    assert code == 1
    assert "名单.txt 不是可识别的图片或PDF文件" in err
