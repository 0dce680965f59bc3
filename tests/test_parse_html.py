"""News HTML and Markdown: decoding, article extraction, metadata, tables, real pages."""

from __future__ import annotations

import difflib
import re
from functools import cache
from pathlib import Path

import pytest

from extractor.errors import EmptyDocument
from extractor.models import ParsedDocument
from extractor.parse.html import decode_html, extract_article, parse_html, strip_site_suffix
from extractor.parse.markdown import markdown_to_html, parse_markdown_text, split_front_matter

ROOT = Path(__file__).resolve().parent.parent
CORPUS_MD = ROOT / "corpus" / "002_66e1a6b4825c6e33.md"


@pytest.fixture
def real(shared_dir: Path) -> Path:
    """The real news pages of ../shared."""
    return shared_dir / "realdocs" / "html"


@pytest.fixture
def sina(shared_dir: Path) -> Path:
    """A Sina news page (GB2312) whose article is also corpus/002 as Markdown."""
    return shared_dir / "fixtures" / "sina-news-gb2312.html"


def _compact(s: str) -> str:
    return re.sub(r"\s+", "", s)


@cache
def _parse(path: Path) -> ParsedDocument:
    return parse_html(path)


def _page(body: str, head: str = "<title>标题</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


ARTICLE = "".join(
    f"<p>\u3000\u3000第{i}段：今年上半年，浙江省进出口2.26万亿元，同比增长17.3%，其中出口1.66万亿元，增长20.3%。</p>"
    for i in range(1, 6)
)


# --- decoding --------------------------------------------------------------------------------

TEXT = "浙江跨境电商出口同比增长23.8%"


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (f'<meta charset="gb2312"><p>{TEXT}</p>'.encode("gbk"), "GBK bytes, gb2312 declared"),
        (f'<meta charset="gb2312"><p>{TEXT}</p>'.encode(), "UTF-8 bytes, gb2312 declared"),
        (f'<meta http-equiv="Content-Type" content="text/html; charset=GBK"><p>{TEXT}</p>'.encode("gb18030"), "http-equiv"),
        (f"<p>{TEXT}</p>".encode(), "no meta, UTF-8"),
        (f"<p>{TEXT}</p>".encode("gbk"), "no meta, GBK"),
        (b"\xef\xbb\xbf" + f'<meta charset="gbk"><p>{TEXT}</p>'.encode(), "UTF-8 BOM beats meta"),
        (f"<p>{TEXT}</p>".encode("utf-16"), "UTF-16 BOM"),
        (f'<meta charset="iso-8859-1"><p>{TEXT}</p>'.encode("gbk"), "GBK mislabelled Latin-1"),
        (f'<?xml version="1.0" encoding="gb2312"?><p>{TEXT}</p>'.encode("gbk"), "XML declaration"),
    ],
)
def test_decode_html(data: bytes, why: str) -> None:
    assert TEXT in decode_html(data), why


def test_decode_html_gb18030_only_characters() -> None:
    # 䶮 is outside GBK: a page declaring gb2312 must still decode it (GB18030 superset)
    data = '<meta charset="gb2312"><p>䶮·数据</p>'.encode("gb18030")
    assert "䶮·数据" in decode_html(data)


def test_decode_html_with_a_few_bad_bytes_keeps_the_text() -> None:
    data = f'<meta charset="utf-8"><p>{TEXT}</p>'.encode() + b"\xff"
    assert TEXT in decode_html(data)


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("qq_finance_data_crackdown.html", "第三方数据行业"),
        ("hexun_jingjinji_transport.html", "着力打造京津冀区域综合立体交通网络"),
        ("sina_tech_google_acquisitions.html", "170亿美元"),
        ("163_gbk_protest_us.html", "彼得·梁"),
        ("sohu_gbk_nobel_2012.html", "诺贝尔化学奖"),
    ],
)
def test_real_pages_decode(real: Path, name: str, phrase: str) -> None:
    text = decode_html((real / name).read_bytes())
    assert phrase in text and "\ufffd" not in text


# --- the fixture against the corpus copy of the same article -----------------------------------


def test_fixture_matches_corpus_markdown(sina: Path) -> None:
    html_doc = _parse(sina)
    md_doc = parse_markdown_text(CORPUS_MD.read_text(encoding="utf-8"), CORPUS_MD)
    a = [_compact(p) for p in html_doc.pages[0].text.split("\n")]
    b = [_compact(p) for p in md_doc.pages[0].text.split("\n")]
    assert len(a) == len(b) == 11
    assert a == b or difflib.SequenceMatcher(None, "\n".join(a), "\n".join(b)).ratio() >= 0.98
    assert a[0] == "上半年浙江跨境电商出口同比增长23.8%，比总体的出口增速快出3.5个百分点"


def test_fixture_has_no_boilerplate(sina: Path) -> None:
    text = _parse(sina).text
    for junk in ("新浪首页", "热门：A股", "相关阅读", "前7月全国进出口增长10.4%", "6月社会消费品零售总额",
                 "版权所有", "SINA Corporation", "广告", "第一财经\n", "2022年07月21日"):
        assert junk not in text, junk
    assert "\u3000" not in text and "\xa0" not in text


def test_fixture_metadata(sina: Path) -> None:
    doc = _parse(sina)
    assert doc.doc_type == "html" and doc.page_count == 1 and doc.pages[0].number is None
    assert doc.title == "上半年浙江出口增长两成，跨境电商贡献大"
    assert doc.published == "2022-07-21"
    assert doc.author == "新浪财经"
    assert doc.title not in doc.pages[0].text  # the title is not prepended here


def test_corpus_markdown_metadata() -> None:
    doc = parse_markdown_text(CORPUS_MD.read_text(encoding="utf-8"), CORPUS_MD)
    assert doc.title == "上半年浙江出口增长两成，跨境电商贡献大"
    assert doc.published == "2022-07-21"
    assert doc.author == "新浪财经"
    assert doc.metadata["categories"] == "金融, 新浪财经, 新浪财经-国內"
    text = doc.pages[0].text
    assert "尽在新浪财经APP" not in text and "责任编辑" not in text
    assert text.endswith("也是浙江制造企业接下来的优势蓝海所在。")


# --- every real page --------------------------------------------------------------------------

REAL_CASES = [
    ("163_finance_longfor_h1.html", "龙湖实现合约销售金额1056.2亿元", ["免费下载网易官方手机邮箱应用", "任正非"]),
    ("163_gbk_delayed_retirement.html", "渐进式的延迟退休方案或将采用1年延迟3个月的方式推行",
     ["网易财经App下载", "丈夫为失明妻子打造浪漫花园"]),
    ("163_gbk_protest_us.html", "全美国约10000人举行了示威游行", ["下载网易新闻客户端", "走进郭沫若纪念馆"]),
    ("163_utf8_protest_us_twin.html", "全美国约10000人举行了示威游行", ["下载网易新闻客户端", "走进郭沫若纪念馆"]),
    ("163_tech_amazon_pinduoduo.html", "亚马逊海外购“限时快闪店”正式登陆拼多多", ["香港区议会选举结束", "我的LOFTER"]),
    ("163_us_covid_cases.html", "美国新冠肺炎确诊病例超过278万例，为2780916例", ["俄罗斯“核重建”隐身与高超并举"]),
    ("chinanews_domestic_demand.html", "占全球人口比重达18%", ["中新网新浪法人微博", "京ICP备05004340号"]),
    ("deqing_gov_fixed_asset_investment.html", "全县固定资产投资完成246.79亿元", ["战略规划和区域发展", "浙公网安备"]),
    ("guancha_ic_imports_2018.html", "2018年中国进口集成电路4176亿块，价值3121亿美元",
     ["海尔回应4名员工午睡被开除", "沪公网安备"]),
    ("hexun_jingjinji_transport.html", "形成相邻城市间基本实现“1.5小时交通圈”", ["跟帖用户自律公约", "责任编辑", "长城影视"]),
    ("qq_finance_data_crackdown.html", "第三方数据行业的整顿仍将持续", ["返回腾讯网首页", "北京平价茅台开售千人排队"]),
    ("sina_finance_bond_bubble.html", "每月购买约300亿欧元资产", ["新浪财经意见反馈留言板", "百位牛人在线解读", "115.395"]),
    ("sina_tech_google_acquisitions.html", "为收购硬件、软件和广告技术公司而花费的资金总额已达170亿美元",
     ["谷歌32亿美元收购Nest：正式进军智能家居市场", "查看最新行情"]),
    ("sohu_gbk_nobel_2012.html", "获得2012年度诺贝尔化学奖", ["我来说两句", "高中化学研究性课题"]),
    ("xinhua_france_strike.html", "工会发起的第二轮向政府施压行动", ["雄安等13地区试点", "沙特2020年财政支出预计达2720亿美元"]),
]


def test_every_real_page_is_covered(real: Path) -> None:
    assert {p.name for p in real.glob("*.html")} == {c[0] for c in REAL_CASES}


@pytest.mark.parametrize(("name", "phrase", "absent"), REAL_CASES, ids=[c[0] for c in REAL_CASES])
def test_real_page_article(real: Path, name: str, phrase: str, absent: list[str]) -> None:
    doc = _parse(real / name)
    text = _compact(doc.text)
    assert phrase in text
    for junk in absent:
        assert _compact(junk) not in text, junk
    assert doc.title and doc.published
    assert all(line.strip() == line and line for line in doc.pages[0].text.split("\n"))


@pytest.mark.parametrize(
    ("name", "published", "title"),
    [
        ("xinhua_france_strike.html", "2019-12-10", "法国全国大罢工再次严重影响交通"),
        ("hexun_jingjinji_transport.html", "2019-09-26", "交通运输部：着力打造京津冀区域综合立体交通网络"),
        ("deqing_gov_fixed_asset_investment.html", "2016-11-22", "1-10月德清县固定资产投资结构趋稳趋优"),
        ("sina_tech_google_acquisitions.html", "2014-01-16", "谷歌两年花170亿美元并购超五大公司总和"),
        ("163_gbk_protest_us.html", "2016-02-21", "美华人为梁彼得请愿签名 43城万人游行声援(图)"),
        ("qq_finance_data_crackdown.html", "2019-09-23", None),
        ("guancha_ic_imports_2018.html", "2019-09-07", None),
    ],
)
def test_real_page_metadata(real: Path, name: str, published: str, title: str | None) -> None:
    doc = _parse(real / name)
    assert doc.published == published
    if title:
        assert doc.title == title


def test_encoding_twins_give_the_same_article(real: Path) -> None:
    gbk = _parse(real / "163_gbk_protest_us.html")
    utf8 = _parse(real / "163_utf8_protest_us_twin.html")
    assert gbk.pages[0].text == utf8.pages[0].text
    assert (gbk.title, gbk.published) == (utf8.title, utf8.published)


# --- extraction rules on small pages -----------------------------------------------------------


def test_boilerplate_lines_and_blocks_are_dropped() -> None:
    body = (
        '<div class="nav"><a href="/">首页</a><a href="/n">新闻</a><a href="/f">财经频道导航</a></div>'
        f'<div id="article">{ARTICLE}'
        "<p>责任编辑：张三</p><p>（编辑：李四）</p><p>扫描二维码，关注微信公众号</p>"
        '<div class="share"><a>分享到微博</a><a>微信</a></div>'
        "<p>本文版权所有，未经授权不得转载。</p>"
        '<div><h3>相关阅读</h3><ul><li><a href="/1">前7月全国进出口增长10.4%</a></li>'
        '<li><a href="/2">6月社零增长3.1%</a></li></ul></div></div>'
        '<div class="footer">Copyright © 2022 新闻网</div>'
    )
    art = extract_article(_page(body))
    assert len(art.paragraphs) == 5
    text = art.text
    for junk in ("首页", "责任编辑", "李四", "二维码", "分享", "版权", "相关阅读", "10.4%", "Copyright"):
        assert junk not in text, junk
    assert art.paragraphs[0].startswith("第1段：")  # U+3000 indentation stripped


def test_br_separated_paragraphs() -> None:
    body = '<div class="content">' + "<br>".join(
        f"\u3000\u3000第{i}段，出口增长{i}%，进口增长{i + 1}%，总体平稳向好。" for i in range(1, 6)
    ) + "</div>"
    art = extract_article(_page(body))
    assert art.paragraphs == [f"第{i}段，出口增长{i}%，进口增长{i + 1}%，总体平稳向好。" for i in range(1, 6)]


def test_scripts_styles_comments_are_ignored() -> None:
    body = f"<div><script>var a='脚本文字，不应出现。';</script><style>.x{{}}</style><!-- 注释，不应出现。 -->{ARTICLE}</div>"
    text = extract_article(_page(body)).text
    assert "脚本" not in text and "注释" not in text and ".x" not in text


def test_title_and_date_near_the_title() -> None:
    head = "<title>浙江出口增长两成_财经频道_某某网</title>"
    body = (
        "<div class='top'>2020年01月01日 星期三</div>"
        "<h1>浙江出口增长两成</h1><div class='info'>2022年07月21日 10:44 来源：第一财经 作者：王五</div>"
        f"<div class='article'>{ARTICLE}</div>"
    )
    art = extract_article(_page(body, head))
    assert art.title == "浙江出口增长两成"
    assert art.published == "2022-07-21"
    assert art.publisher == "第一财经" and art.author == "王五"
    assert "来源" not in art.text and "2022年07月21日" not in art.text


def test_meta_date_and_og_title() -> None:
    head = (
        '<meta property="og:title" content="浙江出口增长两成 | 某某网">'
        '<meta name="publishdate" content="2021-03-04 08:00:00"><title>别的标题</title>'
    )
    art = extract_article(_page(f"<div>{ARTICLE}</div>", head))
    assert art.title == "浙江出口增长两成" and art.published == "2021-03-04"


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("上半年浙江出口增长两成，跨境电商贡献大|跨境电商_新浪财经_新浪网", "上半年浙江出口增长两成，跨境电商贡献大"),
        ("交通运输部：着力打造京津冀区域综合立体交通网络-股票频道-和讯网", "交通运输部：着力打造京津冀区域综合立体交通网络"),
        ("【中国稳健前行】坚定实施扩大内需战略 -中新网", "【中国稳健前行】坚定实施扩大内需战略"),
        ("1-10月德清县固定资产投资结构趋稳趋优", "1-10月德清县固定资产投资结构趋稳趋优"),
        ("杭州印发数字贸易强市三年行动计划", "杭州印发数字贸易强市三年行动计划"),
    ],
)
def test_strip_site_suffix(raw: str, title: str) -> None:
    assert strip_site_suffix(raw) == title


def test_html_tables() -> None:
    body = (
        f"<div class='article'>{ARTICLE}<p>表1 浙江省分地区进出口</p><p>单位：亿元</p>"
        "<table><thead><tr><th rowspan='2'>地区</th><th colspan='2'>2023年</th></tr>"
        "<tr><th>进出口</th><th>增长%</th></tr></thead>"
        "<tbody><tr><td>杭州</td><td>1203.6</td><td>16.0</td></tr>"
        "<tr><td>宁波</td><td>2336.4</td><td>9.4</td></tr></tbody></table>"
        "<table><caption>表2 结构</caption><tr><td>项目</td><td>占比</td></tr>"
        "<tr><td rowspan='2'>出口</td><td>55%</td></tr><tr><td>45%</td></tr></table>"
        "<p>以上数据来自海关统计，仅供参考，同比口径已作调整。</p></div>"
    )
    art = extract_article(_page(body))
    assert len(art.tables) == 2
    t1, t2 = art.tables
    assert (t1.method, t1.n_rows, t1.n_cols, t1.header_rows, t1.unit) == ("html", 4, 3, 2, "亿元")
    assert t1.caption == "表1 浙江省分地区进出口"
    assert t1.grid() == [
        ["地区", "2023年", "2023年"],
        ["地区", "进出口", "增长%"],
        ["杭州", "1203.6", "16.0"],
        ["宁波", "2336.4", "9.4"],
    ]
    assert t2.caption == "表2 结构" and t2.header_rows == 1
    assert t2.grid() == [["项目", "占比"], ["出口", "55%"], ["出口", "45%"]]
    assert "1203.6" not in art.text and "杭州" not in art.text  # tables are not page text
    assert art.paragraphs[-1].startswith("以上数据来自海关统计")


def test_layout_tables_are_read_as_text() -> None:
    body = f"<table><tr><td><a href='/'>首页</a></td></tr><tr><td><table><tr><td>{ARTICLE}</td></tr></table></td></tr></table>"
    art = extract_article(_page(body))
    assert not art.tables and len(art.paragraphs) == 5


def test_empty_page_raises(tmp_path: Path) -> None:
    p = tmp_path / "e.html"
    p.write_text(_page("<div><script>var a=1</script></div>"), encoding="utf-8")
    with pytest.raises(EmptyDocument):
        parse_html(p)


# --- markdown ------------------------------------------------------------------------------------


def test_split_front_matter() -> None:
    assert split_front_matter("---\ntitle: 标题\ndate: 2024-05-01\n---\n正文") == (
        {"title": "标题", "date": __import__("datetime").date(2024, 5, 1)},
        "正文",
    )
    assert split_front_matter("\n---\n---\n正文")[1] == "正文"
    assert split_front_matter("正文\n---\na: 1\n---\n")[0] == {}
    # not YAML: read leniently
    assert split_front_matter("---\ntitle: a: b: [\n---\nx")[0] == {"title": "a: b: ["}


def test_markdown_text_body() -> None:
    md = (
        "---\ntitle: 杭州印发数字贸易强市三年行动计划\ndate: 2024-05-01\nauthor: [张三, 李四]\n"
        "tags:\n  - 数字贸易\n---\n\n"
        "# 杭州印发数字贸易强市三年行动计划\n\n"
        "杭州市近日印发推进数字贸易强市三年行动计划。根据计划，到2026年\n全市数字贸易额将达到4300亿元。\n"
        "第二段，**跨境电商**进出口额达到1920亿元，详见[原文](http://x)。\n\n"
        "- 数字贸易上市企业达到180家\n\n"
        "| 指标 | 2026年 |\n|---|---|\n| 数字贸易额（亿元） | 4300 |\n| 企业（家） | 180 |\n"
    )
    doc = parse_markdown_text(md, "plan.md")
    assert doc.title == "杭州印发数字贸易强市三年行动计划"
    assert doc.published == "2024-05-01" and doc.author == "张三, 李四"
    assert doc.metadata["tags"] == "数字贸易"
    assert doc.pages[0].text.split("\n") == [
        "杭州市近日印发推进数字贸易强市三年行动计划。根据计划，到2026年全市数字贸易额将达到4300亿元。",
        "第二段，跨境电商进出口额达到1920亿元，详见原文。",
        "数字贸易上市企业达到180家",
    ]
    assert len(doc.tables) == 1 and doc.tables[0].grid()[1] == ["数字贸易额（亿元）", "4300"]


def test_markdown_to_html_escapes_text() -> None:
    assert markdown_to_html("a < b & c") == "<p>a &lt; b &amp; c</p>"


def test_markdown_rfc2822_date() -> None:
    doc = parse_markdown_text(f"---\ndate: Thu, 21 Jul 2022 10:44:54 GMT\n---\n<div>{ARTICLE}</div>", "a.md")
    assert doc.published == "2022-07-21" and doc.doc_type == "html" and len(doc.pages[0].text.split("\n")) == 5


def test_front_matter_title_repeated_in_body_is_dropped() -> None:
    doc = parse_markdown_text(f"---\ntitle: 浙江出口增长两成\n---\n<p>浙江出口增长两成</p>{ARTICLE}", "a.md")
    assert doc.title == "浙江出口增长两成" and len(doc.pages[0].text.split("\n")) == 5


def test_layout_table_with_short_cells_keeps_the_article() -> None:
    # a government-style layout table: short navigation cells around one article cell
    nav = "".join(f"<tr><td><a href='/{i}'>栏目{i}</a></td><td><a href='/x{i}'>链接{i}</a></td></tr>" for i in range(12))
    cell = "1-10月，全县固定资产投资完成246.79亿元，同比增长15.3%。其中第三产业投资完成119.90亿元，同比增长15.2%。"
    art = extract_article(_page(f"<table>{nav}<tr><td>正文</td><td>{cell}</td></tr></table>"))
    assert not art.tables and art.paragraphs == [cell]


def test_the_canonical_link_is_the_source_url() -> None:
    page = ('<html><head><title>月报</title><link rel="canonical" href="https://www.example.gov.cn/a/1.html">'
            "</head><body><p>全年地区生产总值增长5.2%，总量达到8765亿元，比上年增加312亿元。</p></body></html>")
    assert parse_html(Path("a.html"), page.encode()).source_url == "https://www.example.gov.cn/a/1.html"
    og = page.replace("<title>", '<meta property="og:url" content="https://m.example.gov.cn/1"><title>')
    assert parse_html(Path("a.html"), og.encode()).source_url == "https://m.example.gov.cn/1"  # og:url first
