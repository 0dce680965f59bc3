"""Claims: attributions, targets, firsts, rankings and statistics — on the seed documents and on
hand-written sentences of the same genre — and how they are stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.claims.statements import extract_claims
from extractor.claims.units import build_units
from extractor.facts.segment import sentences as split
from extractor.facts.sentence import extract_facts
from extractor.models import Claim, Entity, Page, ParsedDocument

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
needs_seeds = pytest.mark.skipif(not (CORPUS / "manifest.yml").exists(), reason="seed corpus not available")

# (document, speaker, organisation, title, figures its claims must hold)
ATTRIBUTIONS = [
    ("001", "郭婷婷", "商务部", "副部长", {"3727.1亿美元", "3.4%", "2.11万亿元", "9.8%", "第十一位", "首位"}),
    ("001", "张向晨", "世界贸易组织", "副总干事", {"8.1%", "3.82万亿美元", "54%"}),
    ("001", "马蒂亚斯·科尔曼", "经济合作与发展组织", "秘书长", {"3.2%"}),
    ("001", "闻佳", "阿里巴巴集团", "公共事务总裁", {"3400万个", "15%", "28%"}),
    ("001", "肖露", "商务部对外贸易司", "副司长", {"1倍"}),
    ("001", "戴竫斐", "亚马逊", "全球副总裁、亚马逊全球开店亚太区执行总裁", set()),
    ("001", "丁磊", "网易集团", "首席执行官", set()),
    ("001", "王东堂", "商务部服务贸易和商贸服务业司", "司长", set()),
    ("001", "夏欣才", "中国（浙江）影视产业国际合作区管委会", "副主任", set()),
    ("001", "赖明隆", "阿斯利康中国", "总经理", set()),
    ("001", "蒋耀平", "商务部", "原副部长", set()),
    ("002", "张钱江", "浙江省商务厅", "副厅长", {"1640.4亿元", "16.9%", "1192.7亿元", "23.8%", "4万多家", "40亿美金"}),
    ("002", "秦奋", "阿里巴巴国际站行业和商家业务部", "负责人", {"100%"}),
    ("003", "袁家军", "浙江省委", "书记", set()),
]
# Names that appear on the seeds only in credits: a reporter, a photographer, an editor.
CREDITED = {"冯其予", "吉亚矫", "徐昱", "刘岭逸", "李昂", "罗国正"}


@pytest.fixture(scope="module")
def seeds() -> dict:
    """Every seed document through the real pipeline (parse → sentences → facts → claims)."""
    from extractor.ingest.pipeline import extract_file, load_manifest, sha256_file

    manifest = load_manifest(CORPUS)
    out = {}
    for path in sorted(CORPUS.iterdir()):
        if path.name[:3].isdigit():
            r = extract_file(path, path.name, sha256_file(path), path.stat().st_size, manifest.get(path.name))
            assert r.status == "ok", r.error
            out[path.name[:3]] = r
    return out


def figures(result, claims) -> set[str]:
    return {result.facts[n].quote for c in claims for n in c.fact_indexes}


@needs_seeds
@pytest.mark.parametrize("doc, speaker, organisation, title, quotes", ATTRIBUTIONS, ids=[a[1] for a in ATTRIBUTIONS])
def test_seed_attribution(seeds, doc, speaker, organisation, title, quotes):
    r = seeds[doc]
    said = [c for c in r.claims if c.claim_type == "attribution" and c.speaker == speaker]
    assert said, f"no attribution for {speaker}"
    for c in said:
        assert (c.organisation, c.speaker_title) == (organisation, title)
        assert c.verb and c.text
        assert any(e.label == "PERSON" and e.name == speaker for e in c.entities)
    # the figures are linked to the statement (or to the ranking clause said inside it)
    assert quotes <= figures(r, [c for c in r.claims if c.speaker == speaker])


@needs_seeds
def test_seed_quotes_run_across_sentences(seeds):
    r = seeds["001"]
    by = {(c.speaker, c.verb): c for c in r.claims if c.claim_type == "attribution"}
    first = by[("郭婷婷", "介绍")]  # “近年来…。”在…上，商务部副部长郭婷婷介绍，2022年…；跨境电商…。
    assert first.text.startswith("“近年来，我国数字贸易蓬勃发展")
    assert "2.11万亿元" in first.text and first.sentence_end_index > first.sentence_index
    said = by[("郭婷婷", "说")]  # a four-line quote, then 郭婷婷说。
    assert said.text.startswith("“世界知识产权组织发布的全球创新指数排名显示")
    assert said.text.endswith("均居世界首位。”")
    assert by[("张向晨", "认为")].text.startswith("“虽然数字贸易正步入快车道")  # name known from before
    assert by[("肖露", "表示")].text.startswith("“今年前三季度")
    assert by[("丁磊", "看来")].text.startswith("“贸易本质上是一种资源互换。”")  # 在…看来
    assert "国际数字商业已成为公司增速最快的业务板块" in by[("闻佳", "告诉记者")].text  # 她告诉记者


@needs_seeds
def test_seed_frames_and_pronouns(seeds):
    r = seeds["002"]
    verbs = {(c.speaker, c.verb) for c in r.claims if c.claim_type == "attribution"}
    assert ("张钱江", "介绍") in verbs  # 据张钱江介绍
    assert ("秦奋", "观察") in verbs  # 根据秦奋的观察
    assert ("秦奋", "说") in verbs  # 他以浙江的外贸企业为例说


@needs_seeds
def test_seed_speakers_are_exactly_the_people_quoted(seeds):
    named = {(doc, c.speaker) for doc, r in seeds.items() for c in r.claims
             if c.claim_type == "attribution" and c.speaker}
    expected = {(doc, speaker) for doc, speaker, *_ in ATTRIBUTIONS} | {("003", "习近平")}
    assert named == expected


@needs_seeds
def test_no_byline_credit_or_editor_is_a_speaker(seeds):
    for r in seeds.values():
        for c in r.claims:
            assert c.speaker not in CREDITED
            for field in (c.speaker, c.speaker_title, c.organisation):
                assert not any(w in (field or "") for w in ("记者", "编辑", "摄", "供图", "通讯员"))
            assert not any(e.label == "PERSON" and e.name in CREDITED for e in c.entities)
    # the credit lines are there to be mistaken
    text = "\n".join(s.text for s in seeds["001"].sentences)
    assert "本报记者冯其予" in text and "新华社记者" in text and "摄" in text


@needs_seeds
def test_seed_004_goals_are_targets_with_deadline_and_figures(seeds):
    r = seeds["004"]
    targets = [c for c in r.claims if c.claim_type == "target"]
    assert targets and all(c.deadline == "2026" for c in targets)
    assert {"4300亿元", "300个", "1500家", "60%", "20%", "10万家", "900个", "1万亿元", "110万吨", "5项",
            "180家", "1200家"} <= figures(r, targets)
    texts = [c.text for c in targets]
    assert any(t.startswith("到2026年，全球数字贸易博览会") for t in texts)  # the goal without figures
    assert "全市数字贸易出口保持两位数增长；" in texts  # a goal in the 发展目标 section
    # every figure the text states as a target is in a target claim
    target_facts = {n for n, f in enumerate(r.facts) if f.modality == "target" and f.method != "table"}
    assert target_facts <= {n for c in targets for n in c.fact_indexes}
    assert not any("有效期" in t for t in texts)  # the plan's term is no target


@needs_seeds
def test_seed_003_firsts(seeds):
    firsts = [c for c in seeds["003"].claims if c.claim_type == "first_or_only"]
    subjects = {c.subject for c in firsts}
    assert {"数字贸易协会", "省级数字贸易分析报告", "数字贸易企业百强榜单", "数字贸易研究院",
            "省级数字贸易标准化技术委员会"} <= subjects
    headings = [c for c in firsts if c.text.startswith(("（一）", "（二）", "（三）", "（四）", "（五）"))]
    assert len(headings) == 5 and all("全国第一" in c.text for c in headings)
    assert any(c.subject == "数字贸易行业协会" and "唯一一家" in c.text for c in firsts)
    assert any(c.subject == "跨境电子商务综合试验区" for c in seeds["000"].claims if c.claim_type == "first_or_only")


@needs_seeds
def test_seed_002_rankings(seeds):
    r = seeds["002"]
    ranks = {c.subject: c for c in r.claims if c.claim_type == "ranking"}
    c = ranks["进出口、出口和进口规模"]
    assert [r.facts[n].quote for n in c.fact_indexes] == ["第三位", "第二位", "第六位"]
    assert "出口规模" in ranks and figures(r, [ranks["出口规模"]]) == {"全国第二"}
    rank_001 = {c.subject for c in seeds["001"].claims if c.claim_type == "ranking"}
    assert "中国创新能力" in rank_001


@needs_seeds
def test_seed_statistic_sources(seeds):
    def stat(doc: str, quote: str) -> Claim:
        r = seeds[doc]
        return next(c for c in r.claims if any(r.facts[n].quote == quote for n in c.fact_indexes))

    assert (stat("002", "2.26万亿元").source, stat("002", "2.26万亿元").organisation) == ("杭州海关", "杭州海关")
    assert stat("002", "12.3%").source == "南京海关"  # 对比7月18日南京海关发布的数据
    assert stat("001", "1241.8亿美元").organisation == "商务部"  # 商务部数据显示
    assert stat("001", "861.5亿美元").source == "商务部"  # carried to 其中，… in the same paragraph
    assert stat("001", "2217亿美元").source == "商务部"  # 据商务部统计
    assert stat("001", "1.7万亿元").source == "海关"  # 海关最新数据显示
    assert stat("001", "8.1%").source == "世界贸易组织"  # 根据世界贸易组织统计, inside a statement
    assert stat("001", "200家").source == "《中国数字贸易发展报告2022》"  # 《报告》显示
    assert stat("000", "1234.1亿元").source is None


@needs_seeds
def test_seed_claims_are_consistent(seeds):
    for r in seeds.values():
        linked = [n for c in r.claims for n in c.fact_indexes]
        assert len(linked) == len(set(linked))  # a fact belongs to one claim
        assert all(0 <= n < len(r.facts) and r.facts[n].method != "table" for n in linked)
        indexes = {s.index for s in r.sentences}
        for c in r.claims:
            assert c.sentence_index in indexes and c.text
            assert c.sentence_end_index is None or c.sentence_end_index > c.sentence_index
            for e in c.entities:
                s = r.sentences[e.sentence_index]
                page = next(p.text for p in r.document.pages if p.number == s.page)
                assert page[e.char_start : e.char_end] == e.text
        # every figure read from running text is stated by some claim
        running = {n for n, f in enumerate(r.facts) if f.method != "table"}
        assert running == set(linked)


@needs_seeds
def test_seed_entities_normalised(seeds):
    names = {(e.label, e.text, e.name) for r in seeds.values() for c in r.claims for e in c.entities}
    for expected in [("ORG", "杭州海关", "杭州海关"), ("ORG", "商务部对外贸易司", "商务部对外贸易司"),
                     ("ORG", "世界贸易组织", "世界贸易组织"), ("ORG", "网易", "网易"),
                     ("ORG", "阿里巴巴国际站", "阿里巴巴国际站"), ("PLACE", "杭州", "杭州市"),
                     ("PLACE", "浙江", "浙江省"), ("PLACE", "RCEP成员方", "RCEP成员方"), ("PLACE", "美国", "美国"),
                     ("PLACE", "全市", "杭州市"), ("PERSON", "郭婷婷", "郭婷婷")]:
        assert expected in names, expected


# -- the same genre, written by hand ------------------------------------------------


def claims_of(*paragraphs: str, title: str | None = None, published: str = "2024-03-01", pdf: bool = False):
    doc = ParsedDocument(path="x.txt", doc_type="pdf" if pdf else "text", title=title, published=published,
                         pages=[Page(number=1 if pdf else None, text="\n".join(paragraphs))])
    sentences = split(doc.pages)
    facts = extract_facts(doc, sentences)
    return extract_claims(doc, sentences, facts), facts


def one(claims, kind: str) -> Claim:
    found = [c for c in claims if c.claim_type == kind]
    assert len(found) == 1, [(c.claim_type, c.text) for c in claims]
    return found[0]


@pytest.mark.parametrize(
    "text, speaker, organisation, title, verb",
    [
        ("商务部新闻发言人束珏婷表示，今年前10个月跨境电商进出口2.1万亿元。", "束珏婷", "商务部", "新闻发言人", "表示"),
        ("在李强总理看来，中国经济长期向好的基本面没有改变。", "李强", None, "总理", "看来"),
        ("据浙江大学教授张三介绍，全省跨境电商企业超过3万家。", "张三", "浙江大学", "教授", "介绍"),
        ("“今年出口增长5%。”王五说。", "王五", None, None, "说"),  # an unknown name: the tagger
        ("新华社杭州11月25日电（记者张三）商务部副部长郭婷婷25日表示，前三季度出口增长12%。",
         "郭婷婷", "商务部", "副部长", "表示"),
        ("（记者 张三 通讯员 李四）杭州市商务局局长王某在接受采访时表示，全市数字贸易额突破3000亿元。",
         "王某", "杭州市商务局", "局长", "表示"),
        ("商务部表示，将继续推动跨境电商健康发展。", None, "商务部", None, "表示"),
        ("业内人士认为，数字贸易将保持较快增长。", None, None, "业内人士", "认为"),
    ],
)
def test_attribution_forms(text, speaker, organisation, title, verb):
    c = one(claims_of(text)[0], "attribution")
    assert (c.speaker, c.organisation, c.speaker_title, c.verb) == (speaker, organisation, title, verb)


def test_pronoun_takes_the_last_person_named():
    claims, _ = claims_of("海关总署新闻发言人吕大良表示，前三季度货物贸易进出口总值30.8万亿元。",
                          "他指出，我国外贸展现出较强韧性。")
    said = [c for c in claims if c.claim_type == "attribution"]
    assert [(c.speaker, c.verb) for c in said] == [("吕大良", "表示"), ("吕大良", "指出")]
    assert said[1].organisation == "海关总署"


def test_quote_split_around_the_speaker():
    claims, facts = claims_of("“我们对前景充满信心，”李四表示，“今年订单增长了两成。”")
    c = one(claims, "attribution")
    assert c.text == "“我们对前景充满信心，”“今年订单增长了两成。”"
    assert [facts[n].quote for n in c.fact_indexes] == ["两成"]


@pytest.mark.parametrize(
    "text",
    [
        "本报记者 张三 李四",
        "新华社记者 王五 摄",
        "责任编辑：赵六",
        "记者表示，现场气氛热烈。",
        "他们表示，将加大投入。",  # nobody in particular
        "“这是最好的时代。”他说。",  # a pronoun with nobody before it
        "会议强调，要加快发展数字贸易。",
        "企业负责人对此表示感谢。",  # 表示 without a statement
        "据了解，全市已有跨境电商企业1200家。",
    ],
)
def test_no_attribution(text):
    assert [c for c in claims_of(text)[0] if c.claim_type == "attribution"] == []


def test_target_deadline_and_figures():
    claims, facts = claims_of("到2025年，全省跨境电商进出口额力争达到5000亿元。")
    c = one(claims, "target")
    assert c.deadline == "2025" and [facts[n].quote for n in c.fact_indexes] == ["5000亿元"]
    claims, facts = claims_of("全省力争到2027年数字贸易进出口额突破1万亿元，年均增长15%以上。")
    c = one(claims, "target")
    assert c.deadline == "2027" and {facts[n].quote for n in c.fact_indexes} == {"1万亿元", "15%"}


def test_target_section_carries_its_deadline():
    claims, _ = claims_of("一、主要目标", "到2027年，全市数字贸易实现高质量发展。", "（一）规模扩大。",
                          "全市数字贸易额达到5000亿元。", "2023年全市数字贸易额比上年增长10%。", "表1 主要指标",
                          "二、重点任务", "建设一批数字贸易平台。", title="某市数字贸易发展规划")
    targets = [c for c in claims if c.claim_type == "target"]
    assert [c.text for c in targets] == ["到2027年，全市数字贸易实现高质量发展。", "全市数字贸易额达到5000亿元。"]
    assert {c.deadline for c in targets} == {"2027"}


@pytest.mark.parametrize(
    "text",
    [
        "跨境电商占我国货物贸易进出口比重已从2015年的1%增长到2022年的5%。",  # a past change
        "2005年至2022年，全球数字服务出口额年均增长8.1%。",  # a past span
        "协会于2020年4月正式成立。",
        "到2019年底，收益率可能在1.125%至1.625%之间。",  # a forecast
    ],
)
def test_not_a_target(text):
    assert [c for c in claims_of(text)[0] if c.claim_type == "target"] == []


def test_firsts_and_rankings():
    claims, facts = claims_of("2015年，国务院在杭州设立了全国首个跨境电子商务综合试验区。",
                              "2019年以来，我省跨境电商出口规模连续三年位居全国第二。",
                              "首批试点企业共有20家。")
    first = one(claims, "first_or_only")
    assert first.subject == "跨境电子商务综合试验区"
    rank = one(claims, "ranking")
    assert rank.subject == "我省跨境电商出口规模"
    assert [facts[n].quote for n in rank.fact_indexes] == ["全国第二"]
    # 首批 without a scope is no boast; its figure is a plain statistic
    assert one(claims, "statistic").text == "首批试点企业共有20家。"


def test_ranking_subject_from_the_start_of_its_sentence():
    claims, facts = claims_of("绍兴市数字经济核心产业增加值283.39亿元，比上年提高1.3个百分点，居全省第6位。")
    rank = one(claims, "ranking")
    assert rank.subject == "绍兴市数字经济核心产业增加值"
    assert rank.text.startswith("绍兴市") and [facts[n].quote for n in rank.fact_indexes] == ["第6位"]
    assert "283.39亿元" in [facts[n].quote for n in one(claims, "statistic").fact_indexes]


def test_statement_runs_on_through_its_paragraph_but_not_past_a_new_source():
    claims, facts = claims_of("浙江省商务厅副厅长张钱江表示，跨境电商已成为外贸新业态。按照初步测算，上半年全省跨境电商出口"
                              "1192.7亿元。商务部数据显示，全国跨境电商出口增长10%。")
    said = one(claims, "attribution")
    assert [facts[n].quote for n in said.fact_indexes] == ["1192.7亿元"]
    stat = one(claims, "statistic")
    assert stat.source == "商务部" and [facts[n].quote for n in stat.fact_indexes] == ["10%"]


def test_pdf_lines_that_do_not_end_are_read_together():
    claims, facts = claims_of("阿里巴巴集团公共事务总裁闻佳感受颇深，她告诉记者，今年前三季", "度，订单同比增长28%。",
                              pdf=True)
    c = one(claims, "attribution")
    assert c.speaker == "闻佳" and c.sentence_end_index == 1
    assert [facts[n].quote for n in c.fact_indexes] == ["28%"]


def test_units_keep_headings_apart():
    doc = ParsedDocument(path="x.pdf", doc_type="pdf",
                         pages=[Page(number=1, text="推动建立全球规则\n在全球贸易增长动力不足的背景下，数字贸易快速发展。"
                                                    "\n今年前三季\n度，订单增长28%。")])
    units = build_units(split(doc.pages))
    assert [u.text for u in units] == ["推动建立全球规则", "在全球贸易增长动力不足的背景下，数字贸易快速发展。",
                                       "今年前三季度，订单增长28%。"]


def test_empty_document():
    assert extract_claims(ParsedDocument(path="x", doc_type="text"), [], []) == []


# -- storage --------------------------------------------------------------------------


def _claims_for(sample) -> list[Claim]:
    s0, s1 = sample["sentences"]
    e0 = Entity(label="PLACE", text="杭州", name="杭州市", sentence_index=0, char_start=s0.char_start + 5,
                char_end=s0.char_start + 7)
    e1 = Entity(label="PLACE", text="浙江", name="浙江省", sentence_index=1, char_start=s1.char_start,
                char_end=s1.char_start + 2)
    return [
        Claim(claim_type="statistic", text=s0.text, sentence_index=0, page=1, source="杭州海关",
              organisation="杭州海关", fact_indexes=[0, 1], entities=[e0]),
        Claim(claim_type="attribution", text=s1.text, sentence_index=1, page=1, speaker="张三", speaker_title="副厅长",
              organisation="浙江省商务厅", verb="表示", fact_indexes=[2], entities=[e1, e1]),
        Claim(claim_type="target", text=s1.text, sentence_index=0, sentence_end_index=1, page=1, deadline="2026",
              entities=[e0, e1]),
    ]


def _save(store, sample, claims):
    return store.save_document(sample["doc"], path=sample["doc"].path, sha256="a" * 64, size_bytes=10,
                               sentences=sample["sentences"], facts=sample["facts"], claims=claims)


def _dump(store) -> dict:
    return {t: [tuple(r.values()) for r in store.db.query(f"select * from [{t}] order by rowid")]
            for t in ("claims", "entities", "claim_entities", "facts")}


def test_store_claims_entities_and_fact_links(store, sample):
    doc_id = _save(store, sample, _claims_for(sample))
    db = store.db
    rows = list(db.query("select * from claims order by id"))
    assert [r["claim_type"] for r in rows] == ["statistic", "attribution", "target"]
    assert rows[0]["doc_id"] == doc_id and rows[2]["deadline"] == "2026"
    sentence_ids = [r["id"] for r in db.query("select id from sentences order by idx")]
    assert rows[2]["sentence_id"] == sentence_ids[0] and rows[2]["sentence_end_id"] == sentence_ids[1]
    assert rows[0]["sentence_end_id"] is None
    assert db.execute("select count(*) from entities").fetchone()[0] == 2  # each entity once
    links = db.execute("select claim_id, entity_id from claim_entities order by 1, 2").fetchall()
    assert len(links) == 4  # the repeated entity of claim 2 is linked once
    facts = db.execute("select quote, claim_id from facts order by id").fetchall()
    assert facts == [("578.06亿元", rows[0]["id"]), ("12.5%", rows[0]["id"]), ("23.8%", rows[1]["id"]),
                     ("1203.6", None), ("9.4", None)]
    assert db.execute("pragma foreign_key_check").fetchall() == []


def test_store_re_ingest_is_identical_and_delete_removes_everything(store, sample):
    _save(store, sample, _claims_for(sample))
    before = _dump(store)
    _save(store, sample, _claims_for(sample))
    assert _dump(store) == before
    _save(store, sample, [])  # claims gone on re-ingest without them
    assert store.db.execute("select count(*) from claims").fetchone()[0] == 0
    assert store.db.execute("select count(*) from facts where claim_id is not null").fetchone()[0] == 0
    _save(store, sample, _claims_for(sample))
    assert store.delete_document(sample["doc"].path)
    for table in ("claims", "entities", "claim_entities", "facts"):
        assert store.db.execute(f"select count(*) from [{table}]").fetchone()[0] == 0


@pytest.mark.parametrize("bad", [{"fact_indexes": [99]}, {"sentence_index": 7}])
def test_store_rejects_inconsistent_claims_and_keeps_nothing(store, sample, bad):
    claims = _claims_for(sample)
    claims[1] = claims[1].model_copy(update=bad)
    with pytest.raises(ValueError):
        _save(store, sample, claims)
    assert store.db.execute("select count(*) from documents").fetchone()[0] == 0
    assert store.db.execute("select count(*) from claims").fetchone()[0] == 0
