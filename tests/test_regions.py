import re

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.facts.regions import document_places, gazetteer, resolve


def names(text: str) -> list[str]:
    return [p.name for p in gazetteer().find(text)]


def test_short_and_full_names_normalise():
    assert names("杭州数字服务贸易") == ["杭州市"]
    assert names("浙江省国际数字贸易") == ["浙江省"]
    assert names("浙江跨境电商") == ["浙江省"]
    assert names("宁波、温州、金华") == ["宁波市", "温州市", "金华市"]


def test_country_world_macro_and_organisations():
    assert names("全国第二") == ["中国"]
    assert names("我国数字贸易") == ["中国"]
    assert names("全球数字服务出口") == ["全球"]
    assert names("东部地区可数字化交付") == ["东部地区"]
    assert names("阿里巴巴国际站浙江大区") == ["阿里巴巴国际站", "浙江省"]
    assert names("美国GDP") == ["美国"]


def test_ambiguous_short_names_are_not_places():
    assert names("阿里国际") == ["阿里巴巴"]  # the company, not 阿里地区
    assert "朝阳市" not in names("朝阳产业")


class Home:
    province, city, county, country = "浙江省", "杭州市", "德清县", "中国"


def test_self_reference_resolves_against_the_document():
    assert resolve(gazetteer().find("占全省比重")[0], Home) == "浙江省"
    assert resolve(gazetteer().find("全市实现")[0], Home) == "杭州市"
    assert resolve(gazetteer().find("全县固定资产投资")[0], Home) == "德清县"


def test_national_words_follow_the_documents_country():
    class France(Home):
        country = "法国"

    assert resolve(gazetteer().find("全国高铁")[0], France) == "法国"
    assert resolve(gazetteer().find("我国出口")[0], France) == "中国"


def test_document_places_from_title():
    assert document_places("杭州市推进数字贸易强市三年行动计划", "") == ("浙江省", "杭州市", None, "中国", "杭州市")
    assert document_places(None, "上半年浙江出口增长两成")[4] == "浙江省"
    assert document_places(None, "数字贸易蓬勃发展")[4] == "中国"


def test_document_home_from_the_opening_text_is_the_place_named_most():
    head = ("作者(1.美国加州大学洛杉矶分校；2.中国科学院，北京100101)摘要：京津冀城市群是创新的重要驱动力。"
            "本文分析京津冀城市群创业投资的分布，揭示京津冀城市群的影响机制。")
    assert document_places(None, head)[4] == "京津冀"
    # a foreign country is the home only when nothing in China is named
    assert document_places(None, "英国央行加息后，美国国债收益率上升，美国股市下跌。")[4] == "美国"
    assert document_places(None, "美国加征关税。宁波出口承压，宁波港吞吐量下降。")[4] == "宁波市"


def test_a_region_group_in_the_title_yields_to_a_city():
    assert document_places("推进京津冀协同发展北京市实施方案", "")[4] == "北京市"
    assert document_places("京津冀协同发展报告", "")[4] == "京津冀"
    assert document_places("法国多地举行罢工", "")[3:] == ("法国", "法国")
    assert document_places("德清县1-10月固定资产投资", "")[2] == "德清县"


def test_a_place_named_once_in_passing_is_no_home_unless_the_text_says_our_province():
    assert document_places(None, "数据业大整顿\n从9月上旬开始，先是杭州的两家数据公司被带走调查。")[4] == "中国"
    assert document_places(None, "数字赋能双循环\n我省应牢牢把握数字赋能的机遇。\n浙江省国际数字贸易协会")[4] == "浙江省"
    assert document_places(None, "杭州出口增长\n全市外贸平稳。")[4] == "杭州市"  # the first line names it


_SURFACES = sorted(gazetteer().entries)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_SURFACES), st.text(alphabet="省市县区中国江州南北东西的和与 1", max_size=3)),
                max_size=12))
def test_the_scan_finds_what_one_alternation_of_every_surface_finds(parts: list[str]) -> None:
    """Leftmost, longest, non-overlapping: the same matches as ``re`` with the surfaces longest first."""
    text = "".join(parts)
    alternation = re.compile("|".join(re.escape(s) for s in sorted(_SURFACES, key=len, reverse=True)))
    expected = [(m.start(), m.end(), m.group()) for m in alternation.finditer(text)]
    assert list(gazetteer().matches(text)) == expected
