"""The document's own date and where it was read."""

import pytest

from extractor.facts.context import document_context, document_date, report_period
from extractor.facts.periods import date_line, period_end, title_date
from extractor.models import Page, ParsedDocument


def doc(text: str, *, title: str | None = None, doc_type: str = "pdf", **kw) -> ParsedDocument:
    return ParsedDocument(path="x", doc_type=doc_type, title=title, pages=[Page(number=1, text=text)], **kw)


def test_a_date_the_parser_or_manifest_gave_wins():
    d = doc("正文\n2019年5月1日", date="2020-08-05", date_source="manifest")
    assert document_date(d) == ("2020-08-05", "manifest")
    assert document_date(doc("正文", published="2019-09-09")) == ("2019-09-09", "metadata")


def test_a_bare_date_line_on_the_cover():
    d = doc("东北电气发展股份有限公司\n2018年第一季度报告\n2018年04月\n第一节重要提示\n" + "正文。" * 400)
    assert document_date(d) == ("2018-04", "cover")


def test_a_date_inside_a_sentence_or_a_table_row_is_not_the_documents():
    text = "公司于2017年8月7日收到通知书。\n2017年10月19日www.cninfo.com.cn\n" + "正文。" * 600
    assert document_date(doc(text)) == (None, None)


def test_the_signature_date_at_the_end():
    d = doc("正文。" * 600 + "\n杭州市人民政府办公厅\n2024年4月23日")
    assert document_date(d) == ("2024-04-23", "signature")
    d = doc("正文。" * 600 + "\n浙江国际数字贸易协会\n二〇二〇年八月五日")
    assert document_date(d) == ("2020-08-05", "signature")


def test_the_report_period_a_title_names():
    assert document_date(doc("主要会计数据", title="比亚迪股份有限公司2023年年度报告")) == ("2023-12", "report_period")
    assert document_date(doc("2022年半年度报告摘要\n正文")) == ("2022-06", "report_period")


@pytest.mark.parametrize(
    "text, period",
    [("2018年第一季度报告", "2018-Q1"), ("2019年三季报", "2019-Q3"), ("2022年半年度报告", "2022-H1"),
     ("2023年年度报告", "2023"), ("2023年度报告", "2023"), ("2021年年报", "2021"), ("2020年报告显示", None)],
)
def test_report_periods(text, period):
    assert report_period(doc(text)) == period


def test_period_ends():
    assert [period_end(p) for p in ("2018-Q1", "2022-H1", "2023", "2023-07")] == ["2018-03", "2022-06", "2023-12", "2023-07"]


def test_a_date_stamp_or_year_in_the_title():
    assert title_date("德邦证券-高测股份(688556)扩产金刚线-220719") == "2022-07-19"
    assert title_date("2023年这些词语很流行- 新华网") == "2023"
    assert document_date(doc("正文", title="研究报告-20230105")) == ("2023-01-05", "title")


def test_the_pdf_creation_date_only_when_not_later_than_the_text():
    printed = doc("2023年数字贸易进出口额增长。", metadata={"CreationDate": "D:20261121221236+00'00'"})
    assert document_date(printed) == (None, None)  # printed long after: not the document's date
    made = doc("2023年数字贸易进出口额增长。", metadata={"CreationDate": "D:20240105120000+08'00'"})
    assert document_date(made) == ("2024-01-05", "file_metadata")


def test_date_lines():
    assert date_line("封面\n发布日期：2022年7月19日\n正文") == "2022-07-19"
    assert date_line("公司于2022年7月19日发布公告") is None
    assert date_line("a\n2021-03-05\nb\n2022-01-02", last=True) == "2022-01-02"


def test_the_context_carries_year_and_month():
    ctx = document_context(doc("目前公司产能约47GW。", date="2022-07-19", date_source="cover"))
    assert (ctx.year, ctx.month, ctx.date_source) == (2022, 7, "cover")


def test_a_period_inside_a_cited_title_is_not_the_documents():
    """A research note lists earlier notes (《…23Q1业绩超预期》) above its own date line."""
    text = ("买入（维持）\n当前价格(元)：10.50\n相关研究\n1.《某某科技（600000）：23Q1业绩超预期》，2023.4.29\n"
            "2.《行业周报：二季度需求回暖》\n2023年08月15日\n总市值(百万元)：1,234.5\n")
    ctx = document_context(doc(text))
    assert (ctx.date, ctx.period) == ("2023-08-15", "2023-08")
