"""What a whole document says about its facts: the period a report covers, the company it is about."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.facts.context import document_context, document_subject, report_period, short_company_name
from extractor.models import Page, ParsedDocument, Table, TableCell


def doc(text: str, title: str | None = None, tables: list[Table] | None = None) -> ParsedDocument:
    return ParsedDocument(path="x.pdf", doc_type="pdf", title=title, pages=[Page(number=1, text=text)],
                          tables=tables or [])


@pytest.mark.parametrize(("cover", "period"), [
    ("东北电气发展股份有限公司\n2018年第一季度报告\n2018年04月", "2018-Q1"),
    ("某某科技股份有限公司\n2019年半年度报告", "2019-H1"),
    ("某某银行股份有限公司 2020 年第三季度报告", "2020-Q3"),
    ("比亚迪股份有限公司2023年年度报告全文", "2023"),
    ("某某集团有限公司2021年度报告", "2021"),
    ("关于2020年度财政预算执行情况的报告", None),  # a government report, not a company's
])
def test_report_period_from_the_cover(cover: str, period: str | None) -> None:
    assert report_period(doc(cover)) == period


@pytest.mark.parametrize(("full", "short"), [
    ("东北电气发展股份有限公司", "东北电气"),
    ("比亚迪股份有限公司", "比亚迪"),
    ("龙湖集团控股有限公司", "龙湖集团"),
    ("盐城高新区投资集团有限公司", "盐城高新区投资集团"),
])
def test_short_company_name(full: str, short: str) -> None:
    assert short_company_name(full) == short


def test_subject_of_a_report() -> None:
    # a stated short name wins over the registered name on the cover
    cover = "安徽安利合成革股份有限公司\n2011年年度报告\n股票代码：300218股票简称：安利股份"
    assert document_subject(doc(cover)) == "安利股份"
    # a short name run together with the next label on the cover line
    assert document_subject(doc("证券代码：002594证券简称：比亚迪公告编号：2024-014\n比亚迪股份有限公司2023年年度报告")) == "比亚迪"
    # the name written with its stock code (a research note's title)
    note = doc("证券研究报告|公司点评\n高测股份（688556.SH）：扩产金刚线", title="德邦证券-高测股份(688556)扩产金刚线")
    assert document_subject(note) == "高测股份"
    # the registered name on the cover of a company document, without its legal form
    assert document_subject(doc("东北电气发展股份有限公司\n2018年第一季度报告")) == "东北电气"
    # an exchange announcement's title starts with the short name
    assert document_subject(doc("关于公司2015年年度报告中有关财务事项的说明",
                                title="菲达环保：关于公司2015年年度报告中有关财务事项的说明")) == "菲达环保"
    # a short name given in a table of basic facts
    cells = [TableCell(row=0, col=0, text="股票简称"), TableCell(row=0, col=1, text="东方电子"),
             TableCell(row=0, col=2, text="股票代码"), TableCell(row=0, col=3, text="000682")]
    table = Table(page=1, header_rows=0, n_rows=1, n_cols=4, cells=cells)
    assert document_subject(doc("2022年年度报告", tables=[table])) == "东方电子"


def test_no_subject_for_documents_about_no_company() -> None:
    assert document_subject(doc("杭州市人民政府关于印发数字贸易发展行动计划的通知")) is None
    # a company named "以下简称" in passing is not the document's subject
    text = "2018年第一季度报告\n公司于2017年8月7日收到中国证券监督管理委员会（简称中国证监会）的通知。"
    assert document_subject(doc(text)) is None


def test_real_reports(shared_dir: Path) -> None:
    from extractor.parse import parse_file

    realdocs = shared_dir / "realdocs" / "pdf"
    nedc = document_context(parse_file(realdocs / "nedc_2018q1_report.pdf"))
    assert (nedc.report_period, nedc.subject) == ("2018-Q1", "东北电气")
    byd = document_context(parse_file(realdocs / "byd_2023_key_financials.pdf"))
    assert (byd.report_period, byd.subject) == ("2023", "比亚迪")
    tebon = document_context(parse_file(realdocs / "tebon_research_note_gaoce_2022.pdf"))
    assert (tebon.report_period, tebon.subject) == (None, "高测股份")


def test_a_coded_name_on_the_first_line_of_a_file_without_a_title() -> None:
    """A research note read from a file with no title metadata: its first line is its heading."""
    text = "某某证券-贵州茅台(600519)年报点评：业绩稳健增长\n2024年04月01日\n公司2023年实现营业收入1505.6亿元。"
    assert document_subject(doc(text)) == "贵州茅台"
    assert document_subject(doc("正文第一行\n此前贵州茅台(600519)发布公告。")) is None  # named once, in passing
