"""Plain-text parsing: decoding, line endings, paragraph joining, size."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from extractor.errors import EmptyDocument, UndecodableText
from extractor.parse.text import decode_text, parse_text, sniff_bom, split_paragraphs

TEXT = "浙江省国际数字贸易进出口1234.1亿元，同比增长34.73%。"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        TEXT.encode("gb18030"),
        TEXT.encode("gbk"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with BOM
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-32"),
    ],
)
def test_decode_text(data: bytes) -> None:
    assert decode_text(data) == TEXT


def test_sniff_bom() -> None:
    assert sniff_bom(b"\xef\xbb\xbfabc") == ("utf-8", 3)
    assert sniff_bom(b"\xff\xfe\x00\x00") == ("utf-32-le", 4)
    assert sniff_bom(b"\xff\xfea\x00") == ("utf-16-le", 2)
    assert sniff_bom(b"abc") is None


def test_undecodable() -> None:
    with pytest.raises(UndecodableText):
        decode_text(b"abc \xff\xff\xff\x80 def")


def test_line_endings_and_paragraphs() -> None:
    text = "第一段。\r\n第二段。\r第三段。\n"
    assert split_paragraphs(text) == ["第一段。", "第二段。", "第三段。"]


def test_wrapped_lines_join() -> None:
    text = (
        "今年以来，新冠肺炎疫情肆虐全球，世界经济陷入深度\n"
        "衰退，中国经济发展面临的外部环境愈加复杂多变。上半年\n"
        "浙江省国际数字贸易进出口为 1234.1 亿元。\n"
        "\n"
        "一、数字内容贸易\n"
        "上半年浙江数字服务贸易进出口 649.14 亿元，同比增长\n"
        "46.27%。\n"
    )
    assert split_paragraphs(text) == [
        "今年以来，新冠肺炎疫情肆虐全球，世界经济陷入深度衰退，中国经济发展面临的外部环境愈加复杂多变。"
        "上半年浙江省国际数字贸易进出口为 1234.1 亿元。",
        "一、数字内容贸易",
        "上半年浙江数字服务贸易进出口 649.14 亿元，同比增长46.27%。",
    ]


def test_indented_lines_and_list_markers_start_paragraphs() -> None:
    text = (
        "\u3000\u3000第一段的内容写得很长很长很长很长很长很长很长很长很长很长\n"
        "\u3000\u3000第二段的内容写得也很长很长很长很长很长很长很长很长很长\n"
        "（一）总体要求写得很长很长很长很长很长很长很长很长很长很长很长\n"
        "1. 工作目标写得很长很长很长很长很长很长很长很长很长很长很长很长\n"
    )
    paras = split_paragraphs(text)
    assert len(paras) == 4
    assert paras[0].startswith("第一段") and paras[3].startswith("1. 工作目标")


def test_one_paragraph_per_line_is_kept() -> None:
    # A line ending in "，" is not joined when it is much shorter than the file's long lines.
    lines = [
        "据统计，今年上半年浙江省进出口2.26万亿元，同比增长17.3%，其中出口1.66万亿元，增长20.3%，进口5947.4亿元。",
        "短标题",
        "跨境电商出口1192.7亿元，同比增长了23.8%，",
        "这意味着增速快出3.5个百分点。",
    ]
    assert split_paragraphs("\n".join(lines)) == lines


def test_latin_words_join_with_a_space() -> None:
    text = "The exports of Zhejiang province grew by twenty percent in the\nfirst half of the year, driven by e-commerce.\n"
    assert split_paragraphs(text) == [
        "The exports of Zhejiang province grew by twenty percent in the first half of the year, driven by e-commerce."
    ]


def test_double_spaced_text_is_unwrapped() -> None:
    text = "今年以来，新冠肺炎疫情肆虐全球，世界经济陷入深度\n\n衰退，中国经济发展面临的外部环境愈加复杂多变。\n\n" * 3
    assert split_paragraphs(text) == [
        "今年以来，新冠肺炎疫情肆虐全球，世界经济陷入深度衰退，中国经济发展面临的外部环境愈加复杂多变。"
    ] * 3


def test_parse_text_document(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(("\u3000\u3000" + TEXT + "\r\n\r\n" + "ＡＢＣ公司增长５％。").encode("gb18030"))
    doc = parse_text(p)
    assert doc.doc_type == "text" and doc.path == str(p)
    assert [pg.number for pg in doc.pages] == [None]
    assert doc.pages[0].text == TEXT + "\nABC公司增长5%。"


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", "\u3000\u3000\n".encode(), b"\xef\xbb\xbf \n"])
def test_empty_text(tmp_path: Path, data: bytes) -> None:
    p = tmp_path / "e.txt"
    p.write_bytes(data)
    with pytest.raises(EmptyDocument):
        parse_text(p)


def test_enormous_line_and_file_are_fast(tmp_path: Path) -> None:
    # one 6 MB line, then 3 MB of short wrapped lines: both must stay linear
    line = TEXT * 100_000
    wrapped = ("浙江省国际数字贸易进出口为\n1234.1亿元，同比增长。\n\n") * 60_000
    p = tmp_path / "big.txt"
    p.write_bytes((line + "\n\n" + wrapped).encode("utf-8"))
    t0 = time.perf_counter()
    doc = parse_text(p)
    assert time.perf_counter() - t0 < 5.0
    paras = doc.pages[0].text.split("\n")
    assert paras[0] == line and len(paras) == 60_001
    assert paras[1] == "浙江省国际数字贸易进出口为1234.1亿元，同比增长。"
