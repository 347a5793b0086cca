"""SpreadsheetML 2003 (“XML 电子表格 2003”) saved as .xls: read like any other format, safely."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import BadInputError
from app.services.spreadsheet import TableSpec, read_table, sources

# As Excel 2003 / WPS write it: a title merged across the top, a header, rows with ss:Index
# gaps, an ID that went through a number cell, a date cell, and a row left out (row 6).
EXCEL_2003 = """<?xml version="1.0"{encoding}?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:o="urn:schemas-microsoft-com:office:office"
 xmlns:x="urn:schemas-microsoft-com:office:excel"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:html="http://www.w3.org/TR/REC-html40">
 <DocumentProperties xmlns="urn:schemas-microsoft-com:office:office">
  <Author>人事系统</Author>
 </DocumentProperties>
 <Styles>
  <Style ss:ID="Default" ss:Name="Normal"><Alignment ss:Vertical="Center"/></Style>
  <Style ss:ID="s62"><NumberFormat ss:Format="Short Date"/></Style>
 </Styles>
 <Worksheet ss:Name="说明">
  <Table><Row><Cell><Data ss:Type="String">本文件由人事系统导出</Data></Cell></Row></Table>
 </Worksheet>
 <Worksheet ss:Name="新增职工">
  <Table ss:ExpandedColumnCount="7" ss:ExpandedRowCount="7" x:FullColumns="1" x:FullRows="1">
   <Column ss:Width="60"/>
   <Row>
    <Cell ss:MergeAcross="6"><Data ss:Type="String">2026年11月新增职工名单</Data></Cell>
   </Row>
   <Row>
    <Cell><Data ss:Type="String">姓名</Data></Cell>
    <Cell><Data ss:Type="String">证件类型</Data></Cell>
    <Cell><Data ss:Type="String">证件号码</Data></Cell>
    <Cell><Data ss:Type="String">缴存基数</Data></Cell>
    <Cell><Data ss:Type="String">个人缴存比例</Data></Cell>
    <Cell><Data ss:Type="String">起缴日期</Data></Cell>
    <Cell><Data ss:Type="String">手机号码</Data></Cell>
   </Row>
   <Row>
    <Cell><Data ss:Type="String">张三</Data></Cell>
    <Cell><Data ss:Type="String">身份证</Data></Cell>
    <Cell><Data ss:Type="String">110101199003077777</Data></Cell>
    <Cell><Data ss:Type="Number">5000</Data></Cell>
    <Cell><Data ss:Type="Number">0.12</Data></Cell>
    <Cell ss:StyleID="s62"><Data ss:Type="DateTime">2024-01-05T00:00:00.000</Data></Cell>
    <Cell><Data ss:Type="String">13800138000</Data></Cell>
   </Row>
   <Row>
    <Cell><Data ss:Type="String">李&amp;四</Data></Cell>
    <Cell ss:Index="3"><Data ss:Type="Number">4.10203199001011E+17</Data></Cell>
    <Cell><Data ss:Type="Number">3000.5</Data></Cell>
   </Row>
   <Row ss:Index="6">
    <Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><B>王</B>五</ss:Data></Cell>
    <Cell><Data ss:Type="String">护照</Data></Cell>
    <Cell><Data ss:Type="String">E12345678</Data></Cell>
    <Cell><Data ss:Type="Number">8000</Data></Cell>
   </Row>
  </Table>
 </Worksheet>
</Workbook>
"""


def _write(tmp_path: Path, text: str, *, encoding: str = "utf-8", name: str = "名单.xls") -> Path:
    path = tmp_path / name
    declared = "" if encoding == "utf-8" else f' encoding="{encoding}"'
    path.write_bytes(text.replace("{encoding}", declared).encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "gb2312"])
def test_xml_spreadsheet_saved_as_xls_is_read(
    tmp_path: Path, spec: TableSpec, encoding: str
) -> None:
    result = read_table(_write(tmp_path, EXCEL_2003, encoding=encoding), spec)

    assert result.source_format == "xml2003"
    assert result.header_row == 2  # the merged title above the header is no header
    rows = {row.row_number: row.values for row in result.rows}
    assert list(rows) == [3, 4, 6]  # Excel's row numbers, the row the file skipped included
    assert rows[3] == {
        "name": "张三",
        "id_type": "身份证",
        "id_number": "110101199003077777",
        "base": "5000",
        "ratio": "0.12",
        "start": "2024-01-05",
        "mobile": "13800138000",
    }
    assert rows[4]["name"] == "李&四"
    assert rows[4]["id_type"] == ""  # the cell ss:Index skipped
    assert rows[4]["base"] == "3000.5"
    assert rows[6]["name"] == "王五"  # rich text inside the cell
    assert rows[6]["id_number"] == "E12345678"
    # An ID that went through a number cell is reported, as for .xlsx.
    assert [(p.row, p.column) for p in result.problems] == [(4, "证件号码")]
    assert "科学计数法" in result.problems[0].message


def test_merged_cells_keep_the_columns_after_them_in_place(tmp_path: Path, spec: TableSpec) -> None:
    text = EXCEL_2003.replace(
        '<Cell><Data ss:Type="String">李&amp;四</Data></Cell>',
        '<Cell ss:MergeDown="1"><Data ss:Type="String">李四</Data></Cell>',
    ).replace(
        '<Row ss:Index="6">',
        '<Row><Cell><Data ss:Type="String">护照</Data></Cell></Row><Row>',
    )
    result = read_table(_write(tmp_path, text), spec)

    rows = {row.row_number: row.values for row in result.rows}
    assert rows[4]["name"] == "李四"
    # Column 1 of row 5 is covered by 李四's cell merged down: the next cell is column 2.
    assert (rows[5]["name"], rows[5]["id_type"]) == ("", "护照")
    assert rows[6]["name"] == "王五"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="a"><Table><Row><Cell><Data ss:Type="String">&lol2;</Data></Cell></Row>
 </Table></Worksheet></Workbook>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE w [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="a"><Table><Row><Cell><Data ss:Type="String">&secret;</Data></Cell></Row>
 </Table></Worksheet></Workbook>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entities_are_never_expanded(tmp_path: Path, spec: TableSpec, text: str) -> None:
    with pytest.raises(BadInputError) as caught:
        read_table(_write(tmp_path, text), spec)

    assert "文档类型声明" in caught.value.message
    assert "名单.xls" in caught.value.message


def test_damaged_xml_names_the_file_and_the_line(tmp_path: Path, spec: TableSpec) -> None:
    cut = EXCEL_2003[: EXCEL_2003.index('<Cell><Data ss:Type="String">张三')]

    with pytest.raises(BadInputError) as caught:
        read_table(_write(tmp_path, cut), spec)

    assert "XML 电子表格 2003" in caught.value.message
    assert "已损坏" in caught.value.message
    assert "另存为 .xlsx" in caught.value.message


def test_row_numbers_beyond_excel_are_refused(tmp_path: Path, spec: TableSpec) -> None:
    text = EXCEL_2003.replace('<Row ss:Index="6">', '<Row ss:Index="99999999">')

    with pytest.raises(BadInputError, match="超出了 Excel 的范围"):
        read_table(_write(tmp_path, text), spec)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("名单.xls", EXCEL_2003.replace("{encoding}", "").encode()),
        ("名单.csv", "姓名,证件号码,缴存基数\n张三,110101199003077777,5000\n".encode()),
    ],
)
def test_one_size_limit_for_every_format(
    tmp_path: Path,
    spec: TableSpec,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    content: bytes,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    read_table(path, spec)  # within the limit: read
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", len(content) - 1)

    with pytest.raises(BadInputError, match="超过了可导入的上限"):
        read_table(path, spec)
