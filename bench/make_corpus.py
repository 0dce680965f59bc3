"""Make a synthetic corpus of Chinese policy documents for the ingest benchmark.

    python bench/make_corpus.py bench/out/corpus-1000 --n 1000

Documents come from templates (notices, action plans, statistical bulletins,
news articles) with varied numbers, units, regions, periods, tables and
lengths: about 70% PDF (1 to 8 A4 pages, drawn with reportlab's STSong-Light
CID font, ruled tables, page numbers) and 30% HTML news pages (some GB18030
with a gb2312 charset, article inside site furniture). A ``manifest.yml``
gives the publisher and source URL of some files. The same ``--seed`` makes
the same files.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from html import escape
from pathlib import Path

CITIES = ["杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市", "舟山市", "台州市", "丽水市"]
DISTRICTS = ["上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区", "临安区"]
METRICS = [
    ("数字贸易进出口额", "亿元"), ("跨境电商进出口额", "亿元"), ("服务贸易出口额", "亿美元"),
    ("数字服务贸易额", "亿元"), ("软件业务收入", "亿元"), ("数字经济核心产业增加值", "亿元"),
    ("实际使用外资", "亿美元"), ("货物贸易进出口总额", "亿元"), ("网络零售额", "亿元"),
    ("离岸服务外包执行额", "万美元"),
]
TOPICS = ["推进数字贸易高质量发展", "加快跨境电子商务发展", "促进服务贸易创新发展", "培育外贸新业态新模式",
          "建设数字自由贸易试验区", "推动数字经济与实体经济深度融合"]
FILLER = [
    "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神，深入实施数字经济创新提质“一号发展工程”。",
    "坚持改革创新、开放合作、安全可控，着力打造全球数字贸易中心，为高水平对外开放提供有力支撑。",
    "加强组织领导，建立健全工作推进机制，明确责任分工，强化督促检查，确保各项任务落到实处。",
    "优化营商环境，深化“放管服”改革，提升贸易便利化水平，降低企业制度性交易成本。",
    "支持企业开拓国际市场，鼓励企业参加境内外重点展会，培育一批具有国际竞争力的龙头企业。",
    "强化人才支撑，完善人才引进和培养机制，加大对数字贸易领域高层次人才的支持力度。",
    "加强数据安全管理，建立数据跨境流动安全评估机制，探索数据分类分级管理制度。",
    "推动跨境电商综合试验区建设，完善线上综合服务平台和线下产业园区功能。",
]
SECTIONS = ["总体要求", "主要目标", "重点任务", "保障措施", "组织实施"]
CN_NUM = "一二三四五六七八九十"
SITES = ["浙江新闻", "杭州网", "中国新闻网", "新华网", "浙江省商务厅"]
NAMES = ["张伟", "李娜", "王磊", "刘洋", "陈静", "杨帆", "赵敏", "周杰"]
TITLES = ["局长", "副局长", "主任", "副市长", "处长"]


def _num(rng: random.Random, lo: float, hi: float, digits: int = 1) -> str:
    return f"{rng.uniform(lo, hi):.{digits}f}"


def sentences(rng: random.Random, region: str, year: int, n: int) -> list[str]:
    """``n`` sentences: about half prose, half figures (amounts, growth, shares, counts, ranks, targets),
    some of them quoted from an official or attributed to a statistics source."""
    out = []
    for _ in range(n):
        metric, unit = rng.choice(METRICS)
        sub = rng.choice(DISTRICTS + CITIES)
        short = region[:2]
        k = rng.randrange(16)
        if k == 7:
            out.append(f"{short}市商务局{rng.choice(TITLES)}{rng.choice(NAMES)}表示，“{year + 1}年全市{metric}"
                       f"有望突破{rng.randrange(100, 5000, 50)}{unit}，{short}将继续走在全省前列。”")
            continue
        if k == 8:
            out.append(f"据{short}海关统计，{year}年前三季度{short}跨境电商进出口{_num(rng, 10, 900, 1)}亿元，"
                       f"增长{_num(rng, 0, 30)}%，规模居全国第{rng.randint(1, 10)}位。")
            continue
        if k == 0:
            out.append(f"{year}年，{region}{metric}达到{_num(rng, 10, 9000, 2)}{unit}，同比增长{_num(rng, -5, 40)}%，"
                       f"占全省的{_num(rng, 3, 60)}%。")
        elif k == 1:
            out.append(f"其中，出口{_num(rng, 5, 3000)}{unit}，增长{_num(rng, 0, 30)}%；进口{_num(rng, 5, 3000)}"
                       f"{unit}，下降{_num(rng, 0, 15)}%。")
        elif k == 2:
            out.append(f"到{year + rng.randint(2, 5)}年，全市{metric}力争突破{rng.randrange(100, 5000, 50)}{unit}，"
                       f"年均增长{rng.randint(5, 20)}%以上。")
        elif k == 3:
            out.append(f"新增省级以上数字贸易示范区{rng.randint(2, 30)}个，培育数字贸易龙头企业{rng.randint(10, 500)}家，"
                       f"带动就业约{_num(rng, 1, 50)}万人。")
        elif k == 4:
            out.append(f"{sub}{metric}{_num(rng, 1, 800, 2)}{unit}，比上年提高{_num(rng, 0.1, 5)}个百分点，"
                       f"居全省第{rng.randint(1, 11)}位。")
        elif k == 5:
            m1 = rng.randint(1, 6)
            out.append(f"{year - 1}年{m1}月至{rng.randint(m1 + 1, 12)}月，{sub}跨境电商出口额"
                       f"{_num(rng, 1, 500, 2)}亿元，是上年同期的{_num(rng, 1.1, 3)}倍。")
        elif k == 6:
            out.append(f"全年共举办各类展会{rng.randint(3, 80)}场，吸引观众{rng.randint(2, 90)}万人次，"
                       f"达成意向交易额{_num(rng, 1, 300)}亿元。")
        else:
            out.append(rng.choice(FILLER))
    return out


def document(rng: random.Random, i: int) -> dict:
    """The content of one document: title, number, date, publisher, sections, tables."""
    region = rng.choice(CITIES)
    year = rng.randint(2019, 2025)
    y1 = year + 1
    kind = rng.choice(["plan", "notice", "bulletin"])
    topic = rng.choice(TOPICS)
    if kind == "plan":
        title = f"{region}{topic}行动方案（{y1}—{y1 + 2}年）"
    elif kind == "notice":
        title = f"关于印发《{region}{topic}若干措施》的通知"
    else:
        title = f"{region}{year}年商务运行情况通报"
    n_pages = rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6, 8])
    sections = []
    for s in range(rng.randint(2, 5)):
        paras = [sentences(rng, region, year, rng.randint(2, 6)) for _ in range(rng.randint(1, 2) * n_pages)]
        sections.append((f"{CN_NUM[s]}、{SECTIONS[s]}", paras))
    tables = []
    for t in range(rng.choice([0, 0, 1, 1, 2])):
        metric, unit = rng.choice(METRICS)
        regions = rng.sample(DISTRICTS, rng.randint(3, 8))
        rows = [["地区", metric, "同比增长（%）", "占比（%）"]]
        for r in regions:
            rows.append([r, _num(rng, 5, 2000, 2), _num(rng, -10, 40), _num(rng, 1, 30)])
        tables.append((f"表{t + 1} {year}年各地区{metric}情况", f"单位：{unit}", rows))
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return {
        "i": i, "title": title, "region": region, "year": year, "kind": kind,
        "number": f"{region[:1]}政办发〔{year}〕{rng.randint(1, 60)}号",
        "publisher": f"{region}人民政府办公厅", "date": f"{year}年{month}月{day}日",
        "iso": f"{year:04d}-{month:02d}-{day:02d}", "sections": sections, "tables": tables,
    }


# ---------------------------------------------------------------- PDF

FONT = "STSong-Light"
W, H = 595.0, 842.0
LEFT, RIGHT, TOP, BOTTOM = 72.0, 523.0, 770.0, 80.0


def _wrap(text: str, size: float, width: float, pdfmetrics) -> list[str]:
    lines, cur, cur_w = [], "", 0.0
    for ch in text:
        w = pdfmetrics.stringWidth(ch, FONT, size)
        if cur_w + w > width and cur:
            lines.append(cur)
            cur, cur_w = "", 0.0
        cur += ch
        cur_w += w
    if cur:
        lines.append(cur)
    return lines


def write_pdf(doc: dict, path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setTitle(doc["title"] if doc["i"] % 3 else "")
    page = [1]
    y = [TOP]

    def new_page() -> None:
        c.setFont(FONT, 9)
        c.drawCentredString(W / 2, 50, f"— {page[0]} —")
        c.showPage()
        page[0] += 1
        y[0] = TOP

    def need(h: float) -> None:
        if y[0] - h < BOTTOM:
            new_page()

    def line(text: str, size: float = 12, x: float = LEFT, center: bool = False) -> None:
        need(size * 1.7)
        c.setFont(FONT, size)
        if center:
            c.drawCentredString(W / 2, y[0], text)
        else:
            c.drawString(x, y[0], text)
        y[0] -= size * 1.7

    def para(text: str, size: float = 12) -> None:
        for k, ln in enumerate(_wrap("\u3000\u3000" + text, size, RIGHT - LEFT, pdfmetrics)):
            line(ln, size)
            del k

    line(doc["number"], 11, center=True)
    y[0] -= 10
    for t in _wrap(doc["title"], 18, RIGHT - LEFT, pdfmetrics):
        line(t, 18, center=True)
    y[0] -= 10
    tables = list(doc["tables"])
    for s, (head, paras) in enumerate(doc["sections"]):
        line(head, 13)
        for p in paras:
            para("".join(p))
        if tables and s % 2 == 1:
            table(c, tables.pop(0), need, y, pdfmetrics)
    for t in tables:
        table(c, t, need, y, pdfmetrics)
    y[0] -= 20
    need(60)
    line(doc["publisher"], 12, x=RIGHT - 12 * len(doc["publisher"]))
    line(doc["date"], 12, x=RIGHT - 12 * len(doc["date"]) + 12)
    c.setFont(FONT, 9)
    c.drawCentredString(W / 2, 50, f"— {page[0]} —")
    c.showPage()
    c.save()


def table(c, spec, need, y, pdfmetrics) -> None:
    caption, unit, rows = spec
    row_h = 20.0
    widths = [90.0, 130.0, 100.0, 90.0]
    need(row_h * (len(rows) + 3))
    c.setFont(FONT, 12)
    c.drawCentredString(W / 2, y[0], caption)
    y[0] -= 18
    c.setFont(FONT, 10)
    c.drawRightString(LEFT + sum(widths), y[0], unit)
    y[0] -= 8
    top = y[0]
    xs = [LEFT]
    for w in widths:
        xs.append(xs[-1] + w)
    c.setLineWidth(0.6)
    for r in range(len(rows) + 1):
        c.line(xs[0], top - r * row_h, xs[-1], top - r * row_h)
    for x in xs:
        c.line(x, top, x, top - row_h * len(rows))
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            size = 10 if pdfmetrics.stringWidth(text, FONT, 10) < widths[k] - 6 else 8
            c.setFont(FONT, size)
            c.drawCentredString((xs[k] + xs[k + 1]) / 2, top - r * row_h - 14, text)
    y[0] = top - row_h * len(rows) - 24


# ---------------------------------------------------------------- HTML


def write_html(doc: dict, path: Path, rng: random.Random) -> None:
    site = rng.choice(SITES)
    gb = doc["i"] % 4 == 0
    body = []
    tables = list(doc["tables"])
    for s, (head, paras) in enumerate(doc["sections"]):
        body.append(f"<p><strong>{escape(head)}</strong></p>")
        body.extend(f"<p>\u3000\u3000{escape(''.join(p))}</p>" for p in paras)
        if tables and s % 2 == 1:
            body.append(_html_table(tables.pop(0)))
    body.extend(_html_table(t) for t in tables)
    nav = "".join(f'<li><a href="/c{k}/">{escape(n)}</a></li>' for k, n in enumerate(["首页", "要闻", "政务", "经济", "视频"]))
    related = "".join(f'<li><a href="/a/{rng.randint(1, 99999)}.html">{escape(rng.choice(FILLER)[:24])}</a></li>'
                      for _ in range(6))
    charset = "gb2312" if gb else "utf-8"
    html = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}">
<title>{escape(doc['title'])}_{escape(site)}</title>
<meta name="publishdate" content="{doc['iso']}">
<meta name="source" content="{escape(doc['publisher'])}">
</head><body>
<div class="header"><ul class="nav">{nav}</ul></div>
<div class="main"><div class="article">
<h1>{escape(doc['title'])}</h1>
<div class="info">来源：{escape(doc['publisher'])}　发布时间：{doc['iso']}</div>
<div class="content">
{chr(10).join(body)}
<p style="text-align:right">{escape(doc['publisher'])}</p>
<p style="text-align:right">{escape(doc['date'])}</p>
</div></div>
<div class="sidebar related"><h3>相关新闻</h3><ul>{related}</ul></div></div>
<div class="footer">版权所有 © {escape(site)}　备案号：浙ICP备{rng.randint(10000000, 99999999)}号</div>
</body></html>
"""
    path.write_bytes(html.encode("gb18030" if gb else "utf-8"))


def _html_table(spec) -> str:
    caption, unit, rows = spec
    head = "".join(f"<th>{escape(c)}</th>" for c in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows[1:])
    return (f"<p style=\"text-align:center\">{escape(caption)}</p><p style=\"text-align:right\">{escape(unit)}</p>"
            f"<table border=\"1\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


# ---------------------------------------------------------------- corpus


def make_one(args: tuple[Path, int, int, float]) -> tuple[str, dict]:
    out, i, seed, pdf_share = args
    rng = random.Random(seed * 1_000_003 + i)
    doc = document(rng, i)
    if rng.random() < pdf_share:
        name = f"pdf/{i:05d}.pdf"
        write_pdf(doc, out / name)
    else:
        name = f"html/{i:05d}.html"
        write_html(doc, out / name, rng)
    meta = {"publisher": doc["publisher"], "source_url": f"https://www.example.gov.cn/art/{doc['year']}/{i}.html"}
    return name, meta if i % 5 == 0 else {}


def make_corpus(out: Path, n: int, *, seed: int = 1, pdf_share: float = 0.7, jobs: int | None = None) -> list[str]:
    """Write ``n`` documents under ``out`` (``pdf/``, ``html/``, ``manifest.yml``); return their paths."""
    import yaml

    out = Path(out)
    (out / "pdf").mkdir(parents=True, exist_ok=True)
    (out / "html").mkdir(parents=True, exist_ok=True)
    tasks = [(out, i, seed, pdf_share) for i in range(n)]
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and n > 20:
        with ProcessPoolExecutor(jobs) as ex:
            made = list(ex.map(make_one, tasks, chunksize=16))
    else:
        made = [make_one(t) for t in tasks]
    manifest = {"documents": {name: meta for name, meta in made if meta}}
    (out / "manifest.yml").write_text(
        "# publisher and source URL of every fifth file (bench/make_corpus.py)\n"
        + yaml.safe_dump(manifest, allow_unicode=True, sort_keys=True), encoding="utf-8")
    return [name for name, _ in made]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="folder to write (created)")
    ap.add_argument("--n", type=int, default=1000, help="number of documents [1000]")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pdf-share", type=float, default=0.7, help="share of PDFs, the rest HTML [0.7]")
    ap.add_argument("--jobs", type=int, default=None, help="processes [cores]")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    names = make_corpus(args.out, args.n, seed=args.seed, pdf_share=args.pdf_share, jobs=args.jobs)
    pdfs = sum(1 for n in names if n.endswith(".pdf"))
    print(f"{len(names)} documents ({pdfs} PDF, {len(names) - pdfs} HTML) in {args.out} "
          f"({time.perf_counter() - t0:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
