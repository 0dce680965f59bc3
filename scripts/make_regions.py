"""Build patterns/regions.csv from an administrative-division table.

Source: the ``adcodes.csv`` that ships in the MIT-licensed PyPI package
``cpca`` 0.5.5 (``cpca/resources/adcodes.csv``: adcode, name, lon, lat).
Run once when the gazetteer needs refreshing:

    python scripts/make_regions.py path/to/adcodes.csv > patterns/regions.csv
"""

from __future__ import annotations

import csv
import re
import sys

SUFFIXES = ["维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"]
MINORITY = re.compile(r"(.{2,}?)(?:[\u4e00-\u9fff]{1,6}族)+自治[州县]$")


def short_name(name: str, level: str) -> str:
    if level == "province":
        for s in SUFFIXES:
            if name.endswith(s) and len(name) > len(s) + 1:
                return name[: -len(s)]
        return name
    if level == "city":
        if MINORITY.match(name):
            return name  # 自治州: no safe short form
        for s in ("地区", "市", "盟"):
            if name.endswith(s) and len(name) > len(s) + 1:
                return name[: -len(s)]
    return name


def main(path: str) -> None:
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    by_code = {r["adcode"][:6]: r["name"] for r in rows}
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["adcode", "name", "short", "level", "province", "city"])
    for r in sorted(rows, key=lambda r: r["adcode"]):
        code = r["adcode"][:6]
        if code.endswith("0000"):
            level = "province"
        elif code.endswith("00"):
            level = "city"
        else:
            level = "district"
        province = by_code.get(code[:2] + "0000", "")
        city = by_code.get(code[:4] + "00", "") if level == "district" else (r["name"] if level == "city" else "")
        if level == "province":
            province = r["name"]
        name = r["name"]
        if level == "city" and name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        out.writerow([code, name, short_name(name, level), level, province, city])


if __name__ == "__main__":
    main(sys.argv[1])
