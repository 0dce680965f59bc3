"""Where a figure comes from (claims/sources.py): the source named for a statistic."""

from __future__ import annotations

import pytest

from extractor.claims.sources import source_of


@pytest.mark.parametrize(
    "text, source",
    [
        ("据商务部统计，2022年文化产品进出口总额达2217亿美元。", "商务部"),
        ("根据杭州海关7月21日下午公布的数据，上半年进出口增长5%。", "杭州海关"),
        ("海关最新数据显示，1-9月出口增长3%。", "海关"),
        ("据Wind资讯数据，龙湖销售毛利率下滑4.51个百分点。", "Wind资讯"),
        # the 据 of 数据 / 依据 starts no source
        ("而数据公司擅长利用大数据搭建风控模型。", None),
        ("数据行业总想自己去拿数据，这个逻辑本身就有问题。", None),
        ("依据律师出具的法律意见，公司预计负债3774万元。", None),
    ],
)
def test_source_of(text, source):
    assert source_of(text)[0] == source


def test_an_abbreviated_title_is_the_report_named_before():
    titles = ["《中国数字贸易发展报告2022》"]
    assert source_of("《报告》显示，数字贸易企业超过200家。", titles)[0] == "《中国数字贸易发展报告2022》"
