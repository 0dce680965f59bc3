"""Speakers without a personal name: unnamed people, organisations, other media — each read at
the start of the words before a reporting verb (sentences of our own and from the real pages)."""

from __future__ import annotations

import pytest

from extractor.claims import speakers
from extractor.claims.speakers import Orgs


@pytest.mark.parametrize(
    "zone, title, organisation",
    [
        ("一位接近监管的人士对《棱镜》", "一位接近监管的人士", None),  # qq_finance_data_crackdown
        ("中国银联的一名风险专家对《棱镜》", "中国银联的一名风险专家", "中国银联"),
        ("一家头部助贷平台的高管对《棱镜》", "一家头部助贷平台的高管", None),  # indefinite: names no organisation
        ("有资深业内人士向《红周刊》记者分析", "资深业内人士", None),  # 有 … : someone
        ("该项目业主向记者", "该项目业主", None),
        ("法国总工会负责人", "法国总工会负责人", "法国总工会"),
        ("国家统计局有关负责人", "国家统计局有关负责人", "国家统计局"),
        ("有关专家", "有关专家", None),  # 有关 is no 有
        ("一位不愿具名的基金经理告诉记者", "一位不愿具名的基金经理", None),
        ("某券商首席分析师对第一财经", "某券商首席分析师", None),
        ("多位外贸企业负责人", "多位外贸企业负责人", None),
    ],
)
def test_unnamed_speaker(zone, title, organisation):
    found = speakers.unnamed(zone, Orgs())
    assert found, zone
    sp = found[0] if found[0].title == title else next(s for s in found if s.title == title)
    assert (sp.kind, sp.organisation) == ("anonymous", organisation)
    assert zone[: sp.end].endswith(title)


def test_unnamed_speaker_of_an_organisation_named_before():
    orgs = Orgs()
    orgs.learn("诺贝尔化学奖评审委员会")
    orgs.learn("拼多多")
    assert speakers.unnamed("一名委员会成员", orgs)[0].organisation == "诺贝尔化学奖评审委员会"
    assert speakers.unnamed("一名评审委员", orgs)[0].organisation == "诺贝尔化学奖评审委员会"  # 委员 of 委员会
    assert speakers.unnamed("拼多多全球购相关负责人", orgs)[0].organisation == "拼多多全球购"  # an arm


@pytest.mark.parametrize("zone", ["专家组", "企业", "记者", "他们", "全球化智库"])
def test_no_unnamed_speaker(zone):
    assert speakers.unnamed(zone, Orgs()) == []


@pytest.mark.parametrize(
    "zone, organisation",
    [
        ("龙湖方面于27日对外回应", "龙湖集团"),  # a known company, normalised
        ("亚马逊中国方面回复记者", "亚马逊中国"),
        ("苏宁易购方面", "苏宁易购"),
        ("交通运输部", "交通运输部"),
        ("巴黎大众运输公司", "巴黎大众运输公司"),
        ("同盾科技在第一时间辟谣", "同盾科技"),
        ("诺贝尔化学奖评审委员会", "诺贝尔化学奖评审委员会"),
        ("尼日利亚", "尼日利亚"),  # a country speaking
    ],
)
def test_organisation_speaker(zone, organisation):
    found = speakers.organisation(zone, Orgs())
    assert found and found[0].organisation == organisation and found[0].kind == "organisation"


def test_organisation_short_forms_and_sides():
    orgs = Orgs()
    orgs.learn("诺贝尔化学奖评审委员会")
    assert speakers.organisation("评审委员会", orgs)[0].organisation == "诺贝尔化学奖评审委员会"
    recent = "当地时间7月3日，据当地媒体报道，西雅图华盛顿大学的宿舍区中暴发疫情。"
    assert speakers.organisation("校方", orgs, recent)[0].organisation == "西雅图华盛顿大学"
    assert speakers.organisation("校方", orgs, "美国一大学暴发疫情。")[0].organisation == "校方"  # 一大学 names none
    orgs.learn("拼多多")
    assert speakers.organisation("拼多多已", orgs)[0].organisation == "拼多多"


@pytest.mark.parametrize("zone", ["公司均已按照", "期业绩会", "该平台", "这方面", "各方面", "公司"])
def test_no_organisation_speaker(zone):
    assert speakers.organisation(zone, Orgs()) == []


@pytest.mark.parametrize(
    "zone, source",
    [
        ("彭博社", "彭博社"),
        ("美媒纽约邮报", "纽约邮报"),
        ("纽约时报的", "纽约时报"),
        ("新流财经此前", "新流财经"),
        ("凤凰网对这场示威游行进行了图文直播", "凤凰网"),
        ("有媒体", "媒体"),
        ("当地媒体", "当地媒体"),
        ("路透社", "路透社"),
    ],
)
def test_medium(zone, source):
    sp = speakers.medium(zone)
    assert sp is not None and (sp.kind, sp.source) == ("source", source)


@pytest.mark.parametrize("zone", ["助贷平台高管", "有助贷平台高管", "互联网", "警方通报", "该项目业主"])
def test_no_medium(zone):
    assert speakers.medium(zone) is None


@pytest.mark.parametrize(
    "title, company",
    [
        ("东北电气发展股份有限公司", "东北电气发展股份有限公司"),  # a company report titled with its name
        ("菲达环保：关于公司2015年年度报告中有关财务事项的说明", "菲达环保"),
        ("多地项目连环爆雷狂奔的龙湖集团“暗伤”曝露？", "龙湖集团"),
        ("交通运输部：着力打造京津冀区域综合立体交通网络", None),  # a ministry is no company
        ("美国新冠肺炎确诊病例超278万例", None),
        (None, None),
    ],
)
def test_subject_company(title, company):
    assert speakers.subject_company(title) == company


def test_the_company_speaks_for_its_own_report():
    found = speakers.organisation("公司2017年7月7日发出的公告", Orgs(), "沈阳高压开关有限责任公司起诉。", "东北电气发展股份有限公司")
    assert found[0].organisation == "东北电气发展股份有限公司"
    assert speakers.organisation("公司公告", Orgs(), "", None) == []  # no company named: nobody
