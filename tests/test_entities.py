"""People, organisations and places: designations, the gazetteer walk, credits, the spaCy pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.claims import entities as ent
from extractor.claims import names
from extractor.facts.regions import gazetteer


class Home:
    """A document's home, as facts.DocContext carries it."""

    province, city, county, country = "浙江省", "杭州市", None, "中国"


@pytest.mark.parametrize(
    "text, name, organisation, title",
    [
        ("商务部副部长郭婷婷介绍，", "郭婷婷", "商务部", "副部长"),
        ("世界贸易组织副总干事张向晨表示，", "张向晨", "世界贸易组织", "副总干事"),
        ("经济合作与发展组织秘书长马蒂亚斯·科尔曼观察到，", "马蒂亚斯·科尔曼", "经济合作与发展组织", "秘书长"),
        ("对此，阿里巴巴集团公共事务总裁闻佳感受颇深，", "闻佳", "阿里巴巴集团", "公共事务总裁"),
        ("商务部对外贸易司副司长肖露表示，", "肖露", "商务部对外贸易司", "副司长"),
        ("商务部服务贸易和商贸服务业司司长王东堂表示，", "王东堂", "商务部服务贸易和商贸服务业司", "司长"),
        ("阿斯利康中国总经理赖明隆表示，", "赖明隆", "阿斯利康中国", "总经理"),
        ("商务部原副部长蒋耀平表示，", "蒋耀平", "商务部", "原副部长"),
        ("9月9日，浙江省委书记袁家军在省委常委会上强调，", "袁家军", "浙江省委", "书记"),
        ("在网易集团首席执行官丁磊看来，", "丁磊", "网易集团", "首席执行官"),
        # forms the seeds do not have
        ("国家统计局新闻发言人、国民经济综合统计司司长付凌晖表示，", "付凌晖", "国家统计局",
         "新闻发言人、国民经济综合统计司司长"),
        ("杭州市副市长胡伟表示，", "胡伟", "杭州市", "副市长"),
        ("浙江大学教授张三认为，", "张三", "浙江大学", "教授"),
        ("该公司总经理王某表示，", "王某", None, "总经理"),
        ("欧阳明高院士表示，", "欧阳明高", None, "院士"),
        ("据海关总署新闻发言人吕大良介绍，", "吕大良", "海关总署", "新闻发言人"),
    ],
)
def test_designation(text, name, organisation, title):
    found = ent.designations(text)
    assert [(d.name, d.organisation, d.title) for d in found] == [(name, organisation, title)]
    d = found[0]
    assert text[d.name_start : d.name_end] == name


def test_multi_role_designation_keeps_every_role():
    d = ent.designations("亚马逊全球副总裁、亚马逊全球开店亚太区执行总裁戴竫斐同样认为，")[0]
    assert d.name == "戴竫斐"
    assert d.organisation == "亚马逊"
    assert d.organisation + d.title == "亚马逊全球副总裁、亚马逊全球开店亚太区执行总裁"


def test_name_then_title():
    d = ent.designations("习近平主席在2020年服贸会开幕致辞时强调：")[0]
    assert (d.name, d.title, d.organisation) == ("习近平", "主席", None)


@pytest.mark.parametrize(
    "text",
    [
        "委员会主任会议审议通过",  # a title inside an organisation's name
        "企业负责人高度重视出口",  # 高度 is a word, not a name
        "负责人还表示，",  # a verb right after the title
        "专家和学者表示，",
        "全国人大代表了人民",
    ],
)
def test_no_person_after_title(text):
    assert ent.designations(text) == []


def test_dateline_is_a_credit_but_the_sentence_is_not():
    text = "新华社杭州11月25日电（记者张三）商务部副部长郭婷婷25日表示，前三季度出口增长12%。"
    assert not names.is_byline(text)
    spans = [text[a:b] for a, b in names.byline_spans(text)]
    assert "新华社杭州11月25日电（记者张三）" in spans
    assert [(d.name, d.organisation, d.title) for d in ent.designations(text)] == [("郭婷婷", "商务部", "副部长")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("杭州跨境电商进出口增长", [("杭州", "杭州市")]),
        ("浙江外贸企业", [("浙江", "浙江省")]),
        ("全省跨境网络零售出口", [("全省", "浙江省")]),
        ("全市数字贸易额", [("全市", "杭州市")]),
        ("中国对美国、东盟和RCEP成员方出口", [("中国", "中国"), ("美国", "美国"), ("东盟", "东盟"),
                                             ("RCEP成员方", "RCEP成员方")]),
        ("滨江区、萧山区数字贸易", [("滨江区", "滨江区"), ("萧山区", "萧山区")]),
        ("数字化出海口", []),  # 海口 inside a word
    ],
)
def test_places_normalised(text, expected):
    assert [(p.text, p.name) for p in ent.find_places(text, Home())] == expected


def test_place_walk_agrees_with_gazetteer_on_full_names():
    text = "浙江省杭州市和江苏省南京市、广东省深圳市"
    assert [p.text for p in ent.find_places(text)] == [p.surface for p in gazetteer().find(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("根据杭州海关7月21日下午公布的数据", [("杭州海关", "杭州海关")]),
        ("商务部对外贸易司副司长", [("商务部对外贸易司", "商务部对外贸易司")]),
        ("浙江省商务厅副厅长", [("浙江省商务厅", "浙江省商务厅")]),
        ("（责任单位：市商务局、市统计局）", [("市商务局", "杭州市商务局"), ("市统计局", "杭州市统计局")]),
        ("阿里巴巴国际站和网易", [("阿里巴巴国际站", "阿里巴巴国际站"), ("网易", "网易")]),
        ("世界贸易组织统计", [("世界贸易组织", "世界贸易组织")]),
        ("全国第一家数字贸易协会", []),  # 全国 is no seat of an organisation
        ("商务部会同中央网信办", [("商务部", "商务部"), ("中央网信办", "中央网信办")]),
    ],
)
def test_organisations(text, expected):
    assert [(o.text, o.name) for o in ent.find_orgs(text, Home())] == expected


def test_find_entities_labels_without_overlap():
    text = "浙江省商务厅副厅长张钱江表示，杭州海关数据显示杭州出口增长。"
    spans = ent.find_entities(text, Home(), found=ent.designations(text))
    got = [(s.label, s.name) for s in spans]
    assert got == [("ORG", "浙江省商务厅"), ("PERSON", "张钱江"), ("ORG", "杭州海关"), ("PLACE", "杭州市")]
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end <= b.start
    for s in spans:
        assert text[s.start : s.end] == s.text


@pytest.mark.parametrize("module", sorted(Path(ent.__file__).parent.glob("*.py")), ids=lambda p: p.stem)
def test_data_is_in_patterns_not_code(module):
    """Titles, organisations, credit words, unnamed speakers' heads and media live in
    patterns/*.yml, not in literals of the claims stage."""
    import ast

    tree = ast.parse(module.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and node.body
        and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    literals = [n.value for n in ast.walk(tree)
                if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]
    for word in ("副部长", "总经理", "海关总署", "商务部", "记者", "编辑", "集团", "人士", "专家", "方面", "报道",
                 "化名", "上述", "表示"):
        assert not any(word in lit for lit in literals), word


def test_tagger_shares_the_dictionary_tags_and_tags_domain_words_as_jieba_does():
    """The tagger reuses the tags jieba.posseg read for its default tagger instead of reading the
    dictionary again, and tags the user dictionary's words as a tagger of its own would."""
    import jieba
    import jieba.posseg

    from extractor.patterns import patterns_dir

    tagger = names._pos_tokenizer()
    own_tk = jieba.Tokenizer()
    own_tk.load_userdict(str(patterns_dir() / "userdict.txt"))
    own = jieba.posseg.POSTokenizer(own_tk)
    assert tagger.word_tag_tab is not jieba.posseg.dt.word_tag_tab
    texts = ["杭州跨境电商综试区数字贸易进出口额达到1234.5亿元", "商务部副部长郭婷婷表示，前三季度国内生产总值增长5.2%。"]
    for text in texts:
        assert [tuple(p) for p in tagger.lcut(text)] == [tuple(p) for p in own.lcut(text)]
