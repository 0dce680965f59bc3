"""Attributions: every speaker kind, statements over several sentences, organisations right,
credits never speakers — on sentences of our own and on the real pages of ../shared/realdocs."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.claims.statements import extract_claims
from extractor.facts.segment import sentences as split
from extractor.facts.sentence import extract_facts
from extractor.models import Claim, Page, ParsedDocument


def said(*paragraphs: str, pdf: bool = False) -> tuple[list[Claim], list]:
    """The attributions of a document made of ``paragraphs``, and its facts."""
    doc = ParsedDocument(path="x.pdf" if pdf else "x.txt", doc_type="pdf" if pdf else "text",
                         published="2024-03-01", pages=[Page(number=1 if pdf else None, text="\n".join(paragraphs))])
    sents = split(doc.pages)
    facts = extract_facts(doc, sents)
    return [c for c in extract_claims(doc, sents, facts) if c.claim_type == "attribution"], facts


def who(c: Claim) -> tuple:
    return c.speaker_kind, c.speaker, c.speaker_title, c.organisation, c.source


# -- every kind of speaker ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # named people: organisation + title + name, a foreign name with ·, a transliterated one
        ("国家统计局新闻发言人付凌晖表示，前三季度GDP增长5.2%。", ("person", "付凌晖", "新闻发言人", "国家统计局", None)),
        ("美联储主席杰罗姆·鲍威尔表示，通胀仍然过高。", ("person", "杰罗姆·鲍威尔", "主席", "美联储", None)),
        ("德国总理默克尔表示，欧盟将继续支持多边贸易体制。", ("person", "默克尔", "总理", "德国", None)),
        ("观察者网专栏作者洪希伯表示，此次游行是良好开端。", ("person", "洪希伯", "专栏作者", "观察者网", None)),
        ("《咬文嚼字》主编黄安靖表示，今年的评选坚持两个标准。", ("person", "黄安靖", "主编", "《咬文嚼字》", None)),
        # unnamed people, with their organisation when they name one
        ("一位接近监管的人士对记者表示，整顿还将继续。", ("anonymous", None, "一位接近监管的人士", None, None)),
        ("中国银联的一名风险专家对《棱镜》提到，爬虫本身无好坏之分。",
         ("anonymous", None, "中国银联的一名风险专家", "中国银联", None)),
        ("有社保专家指出，还需要明确最终的退休年龄。", ("anonymous", None, "社保专家", None, None)),
        ("龙湖方面相关负责人向记者表示，该项目不受相关条款约束。", ("anonymous", None, "龙湖方面相关负责人", "龙湖集团", None)),
        ("一名从业者感慨：“整顿还在继续。”", ("anonymous", None, "一名从业者", None, None)),
        ("有关部门负责人介绍，全年目标可以完成。", ("anonymous", None, "有关部门负责人", None, None)),
        ("一位业内人士对该项目负责人表示，整改已经开始。", ("anonymous", None, "一位业内人士", None, None)),
        ("正如习近平总书记所说，发展是第一要务。", ("person", "习近平", "总书记", None, None)),
        ("中金公司研报指出，明年GDP增长5%。", ("organisation", None, None, "中金公司", None)),
        # organisations
        ("苏宁易购方面回应称，门店经营一切正常。", ("organisation", None, None, "苏宁易购", None)),
        ("万科集团公告称，前三季度销售额2000亿元。", ("organisation", None, None, "万科集团", None)),
        ("记者从交通运输部获悉，前三季度完成交通投资2.8万亿元。", ("organisation", None, None, "交通运输部", None)),
        ("警方通报称，涉事司机已被控制。", ("organisation", None, None, "警方", None)),
        # other media
        ("据路透社报道，欧盟将于下月公布新的关税方案。", ("source", None, None, None, "路透社")),
        ("据美媒纽约邮报报道，全美约10000人参加了游行。", ("source", None, None, None, "纽约邮报")),
        ("据美联社记者报道，现场有数千人参加集会。", ("source", None, None, None, "美联社")),  # a reporter quoted
    ],
)
def test_speaker_kinds(text, expected):
    claims, _ = said(text)
    assert [who(c) for c in claims] == [expected]


def test_a_medium_named_before_a_speaker_is_the_source():
    claims, _ = said("据财联社9月26日消息，今日从交通运输部举行的新闻发布会获悉，下一步将着力打造综合立体交通网络。")
    assert [who(c) for c in claims] == [("organisation", None, None, "交通运输部", "财联社")]


def test_people_referred_to_later():
    claims, _ = said("美联储主席杰罗姆·鲍威尔表示，通胀仍然过高。", "鲍威尔还指出，利率将在更长时间内保持高位。",
                     "商务部部长李明表示，外贸运行总体平稳。", "李部长说，今年出口有望增长5%。", "他强调，要稳住外贸基本盘。")
    assert [(c.speaker, c.organisation) for c in claims] == [
        ("杰罗姆·鲍威尔", "美联储"), ("杰罗姆·鲍威尔", "美联储"), ("李明", "商务部"), ("李明", "商务部"), ("李明", "商务部")]


@pytest.mark.parametrize(
    "paragraphs, expected",
    [
        # title and organisation in any order
        (["付凌晖（国家统计局新闻发言人）表示，经济回升向好。"], ("付凌晖", "国家统计局", "新闻发言人")),
        (["商务部郭婷婷副部长表示，数字贸易蓬勃发展。"], ("郭婷婷", "商务部", "副部长")),
        (["浙江大学张三教授认为，数字贸易将保持增长。"], ("张三", "浙江大学", "教授")),
        # referred to by a title
        (["商务部副部长郭婷婷出席论坛。", "这位副部长表示，数字贸易发展迅速。"], ("郭婷婷", "商务部", "副部长")),
    ],
)
def test_title_and_organisation_in_any_order(paragraphs, expected):
    claims, _ = said(*paragraphs)
    assert [(c.speaker, c.organisation, c.speaker_title) for c in claims] == [expected]


def test_the_company_named_before_announces():
    claims, _ = said("万科企业股份有限公司发布三季度报告。", "公司公告称，前三季度销售额2000亿元。")
    assert [who(c) for c in claims] == [("organisation", None, None, "万科企业股份有限公司", None)]
    assert said("公司公告称，前三季度销售额2000亿元。")[0] == []  # no company named: nobody


def test_pronouns_and_demonstratives_refer_to_unnamed_speakers_too():
    claims, _ = said("国家统计局有关负责人表示，CPI同比上涨0.2%。", "该负责人还说，核心CPI保持稳定。",
                     "一位接近监管的人士对记者表示，整顿还将继续。", "在他看来，这个逻辑本身就有问题。")
    assert [(c.speaker_kind, c.speaker_title, c.organisation) for c in claims] == [
        ("anonymous", "国家统计局有关负责人", "国家统计局"), ("anonymous", "该负责人", "国家统计局"),
        ("anonymous", "一位接近监管的人士", None), ("anonymous", "一位接近监管的人士", None)]


def test_pseudonym_and_a_quote_before_her_verb():
    claims, _ = said("在一家助贷平台做中层的孙丹（化名）最近准备跳槽了。", "“行业人人自危。”她对《棱镜》表示。")
    c = claims[0]
    assert (c.speaker, c.text) == ("孙丹", "“行业人人自危。”")
    assert (c.sentence_index, c.sentence_end_index) == (1, 2)


def test_the_subject_of_the_clause_before_speaks():
    claims, _ = said("龙湖集团董事长吴亚军正在展望公司的未来发展。",
                     "十年前带领龙湖集团赴港上市的吴亚军，在前不久召开的中期业绩会上表示，“龙湖没有故事”。",
                     "坦帕市市长简·卡斯特接受了电视采访。",
                     "卡斯特已经下令要求民众佩戴口罩，并认为没有理由反对在全州范围颁发口罩强制令。")
    assert [(c.speaker, c.organisation, c.sentence_index) for c in claims] == [
        ("吴亚军", "龙湖集团", 1), ("简·卡斯特", "坦帕市", 3)]


def test_a_quote_after_the_speakers_clause():
    claims, _ = said("人社部部长尹蔚民在发布会上表示，方案将于今年推出。",
                     "对于渐进式推进方式，尹蔚民也举出了具体的例子，“比如五年以后，可能你是60岁零3个月退休。”")
    assert [(c.speaker, c.sentence_index) for c in claims] == [("尹蔚民", 0), ("尹蔚民", 1)]
    assert claims[1].text.startswith("“比如五年以后")


def test_name_split_by_a_pdf_line_break():
    claims, facts = said("商务部副部长郭", "婷婷表示，今年前三季度出口增长12%。", pdf=True)
    assert [who(c) for c in claims] == [("person", "郭婷婷", "副部长", "商务部", None)]
    assert [facts[n].quote for n in claims[0].fact_indexes] == ["12%"]


# -- organisations right ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, organisation",
    [
        ("信息 中国人力资源和社会保障部部长尹蔚民表示，方案将于今年推出。", "人力资源和社会保障部"),  # a dateline glued
        ("会上我们听取了神鹰集团党委书记黄河的介绍，各板块均正常经营。", "神鹰集团"),
        ("房屋查验咨询师、名仕宜居验房公司高级工程师王清华向《红周刊》记者表示，两口距离应在2米以上。",
         "名仕宜居验房公司"),
        ("美国投资公司派杰(Piper Jaffray)分析师吉恩·蒙斯特(Gene Munster)在接受彭博社采访时称，谷歌还会收购。",
         "派杰"),
        ("佛罗里达州坦帕市市长简·卡斯特表示，没有反对戴口罩的理由。", "佛罗里达州坦帕市"),
    ],
)
def test_the_speakers_own_organisation(text, organisation):
    claims, _ = said(text)
    assert [c.organisation for c in claims] == [organisation]


def test_a_statement_is_not_given_to_who_did_not_speak():
    claims, _ = said("截至发稿时，拼多多未对此事作出回应，亚马逊中国方面回复记者表示，双方合作正常。")
    assert [(c.organisation, c.text) for c in claims] == [("亚马逊中国", "双方合作正常。")]


def test_two_speakers_in_one_paragraph_are_two_claims():
    claims, _ = said("法国总工会负责人表示，罢工将是无限期的。但法国总理菲利普8日在接受采访时表示，改革将推行到底。")
    assert [(c.speaker_kind, c.speaker, c.organisation) for c in claims] == [
        ("anonymous", None, "法国总工会"), ("person", "菲利普", "法国")]


# -- statement spans -------------------------------------------------------------------------------


def test_a_statement_runs_over_its_paragraph_with_its_figures():
    claims, facts = said("中国半导体行业协会副理事长魏少军表示，2018年设计业销售收入为2519.3亿元，增长21.5%。"
                         "其中，芯片制造业增速最高达到25.6%。封测业销售额第一次超过2000亿元。",
                         "中国集成电路产业应以产品为中心。")
    c = claims[0]
    assert (c.sentence_index, c.sentence_end_index) == (0, 2)
    assert [facts[n].quote for n in c.fact_indexes] == ["2519.3亿元", "21.5%", "25.6%", "2000亿元"]


def test_a_quote_over_paragraphs_belongs_to_the_speaker_after_it():
    claims, facts = said("商务部副部长王东说，今年外贸开局良好。", "“一季度出口增长8%，好于预期。",
                         "“二季度我们将推出更多稳外贸措施。”王东说。")
    assert [(c.sentence_index, c.sentence_end_index) for c in claims] == [(0, None), (1, 3)]
    assert [facts[n].quote for n in claims[1].fact_indexes] == ["8%"]


def test_a_colon_at_the_end_runs_on_through_the_list():
    claims, _ = said("主编黄安靖表示，与往年相比，今年的流行语以下几个方面的特征比较突出：",
                     "一、年度特征明显，折射社会生活面貌。", "二、创新特征明显，凸显语言创造力。", "这些流行语来自网络。")
    assert (claims[0].sentence_index, claims[0].sentence_end_index) == (0, 2)


def test_reports_and_the_reporters_own_words_end_a_statement():
    claims, _ = said("据澎湃新闻报道，龙湖方面为此已新增成本数千万元。《红周刊》记者注意到，龙湖的营业支出增速很快。",
                     "王清华分析称，上述安装是偷工减料。记者了解到，整改已经开始。")
    assert [(c.speaker_kind, c.sentence_end_index) for c in claims] == [("source", None), ("person", None)]


# -- not speakers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "新京报讯（记者陆一夫）11月25日，新京报记者登录拼多多全球购页面发现，双方已达成合作。",
        "新浪科技讯北京时间1月16日凌晨消息，谷歌过去两年花费170亿美元收购。",
        "本报告仅供德邦证券股份有限公司（以下简称“本公司”）的客户使用。",
        "记者了解到，涉事项目合同约定以精装房交付。",
        "据《棱镜》了解，很多数据公司已暂停服务。",
        "截至发稿时，拼多多未对此事作出回应。",
        "传统国际贸易理论认为，制造业应转移到国外。",
        "（德清县发改局）",
        "责任编辑：徐梅",
        "会议指出，要加快发展数字贸易。",
        "数据显示，1-9月出口增长3%。",
        "分析认为，经济将企稳。",
        "他们认为，前景向好。",
        "可以说，这是一个好的开始。",
        "公司均已按照反馈意见通知书要求进行了回复，目前该事项正在中国证监会继续审核中。",
    ],
)
def test_not_an_attribution(text):
    assert said(text)[0] == []


# -- the real pages ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(shared_dir: Path):
    """A few real news pages through the whole pipeline."""
    from extractor.ingest.pipeline import extract_file, sha256_file

    out = {}
    for name in ("qq_finance_data_crackdown.html", "sohu_gbk_nobel_2012.html", "163_tech_amazon_pinduoduo.html",
                 "xinhua_france_strike.html"):
        path = shared_dir / "realdocs" / "html" / name
        r = extract_file(path, name, sha256_file(path), path.stat().st_size)
        assert r.status == "ok", r.error
        out[name.split("_")[0] if name.startswith("qq") else name.split(".")[0]] = r
    return out


def test_real_unnamed_sources(real):
    kinds = [c.speaker_kind for c in real["qq"].claims if c.claim_type == "attribution"]
    assert kinds.count("anonymous") >= 12 and "source" in kinds
    assert not any(c.speaker == "的孙丹" for c in real["qq"].claims)


def test_real_organisations_and_their_short_forms(real):
    orgs = [c.organisation for c in real["sohu_gbk_nobel_2012"].claims if c.claim_type == "attribution"]
    assert orgs.count("诺贝尔化学奖评审委员会") >= 4 and "诺奖评审委员会" in orgs  # 评审委员会说: the full name
    amazon = [(c.organisation, c.sentence_index) for c in real["163_tech_amazon_pinduoduo"].claims
              if c.claim_type == "attribution"]
    assert ("亚马逊中国", 2) in amazon and ("拼多多", 2) not in amazon


def test_real_dateline_reporter_is_no_speaker(real):
    for r in real.values():
        for c in r.claims:
            assert not any(w in (c.speaker or "") + (c.speaker_title or "") for w in ("记者", "编辑"))
    france = [who(c) for c in real["xinhua_france_strike"].claims if c.claim_type == "attribution"]
    assert ("anonymous", None, "法国总工会负责人", "法国总工会", None) in france
    assert not any(c[1] == "唐霁" for c in france)  # 新华社巴黎12月9日电（记者唐霁）
