"""Small PDFs drawn with reportlab (CJK via the built-in STSong-Light CID font)."""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
W, H = 595.0, 842.0
LEFT, RIGHT = 72.0, 523.0

BODY = (
    "上半年全省数字贸易进出口额达到一千二百三十四亿元，同比增长百分之三十四点七，"
    "占全省服务贸易总额的比重首次超过一半，其中出口增长较快，进口保持稳定，"
    "数字服务贸易继续发挥稳定器作用，新业态新模式不断涌现。"
)


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Split ``text`` into lines no wider than ``width`` (CJK: one glyph ≈ size)."""
    lines, cur = [], ""
    for ch in text:
        if pdfmetrics.stringWidth(cur + ch, FONT, size) > width:
            lines.append(cur)
            cur = ""
        cur += ch
    if cur:
        lines.append(cur)
    return lines


def paragraph(c: canvas.Canvas, text: str, y: float, size: float = 12, left: float = LEFT,
              right: float = RIGHT) -> float:
    """Draw a paragraph with a two-character first-line indent; returns the next y."""
    c.setFont(FONT, size)
    lines = _wrap("\u3000\u3000" + text, size, right - left)
    for line in lines:
        c.drawString(left, y, line)
        y -= size * 1.6
    return y


def grid_table(c: canvas.Canvas, rows: list[list[str]], top: float, widths: list[float],
               left: float = 110.0, row_h: float = 20.0, size: float = 10) -> float:
    """Draw a ruled table (thin lines around every cell); returns its bottom y."""
    c.setLineWidth(0.6)
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    bottom = top - row_h * len(rows)
    for i in range(len(rows) + 1):
        c.line(xs[0], top - i * row_h, xs[-1], top - i * row_h)
    for x in xs:
        c.line(x, top, x, bottom)
    c.setFont(FONT, size)
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            c.drawCentredString((xs[k] + xs[k + 1]) / 2, top - (r + 1) * row_h + 6, text)
    return bottom


def make_ruled_pdf(path: Path) -> Path:
    """Text, a captioned ruled table (4 data rows × 3 columns) with a unit line, more text."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    y = paragraph(c, BODY, 780)
    c.setFont(FONT, 11)
    c.drawCentredString(W / 2, y - 10, "表1 2023年各市数字贸易进出口情况")
    c.drawCentredString(W / 2, y - 28, "单位：亿元")
    rows = [["城市", "进出口额", "同比增长%"], ["杭州", "578.06", "64.15"], ["宁波", "32.78", "-34.77"],
            ["嘉兴", "15.64", "-1.62"], ["金华", "4.30", "-12.97"]]
    bottom = grid_table(c, rows, y - 40, [130, 120, 120], left=(W - 370) / 2)
    paragraph(c, BODY, bottom - 30)
    c.showPage()
    c.save()
    return path


def make_aligned_pdf(path: Path) -> Path:
    """Running text around an unruled table: a header line and 5 rows of right-aligned numbers."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    y = paragraph(c, BODY, 780)
    y -= 16
    c.setFont(FONT, 11)
    cols = [330.0, 420.0, 510.0]  # right edges of the number columns
    c.drawString(LEFT, y, "指标")
    for x, head in zip(cols, ["2021年", "2022年", "2023年"], strict=True):
        c.drawRightString(x, y, head)
    data = [("营业收入", "1,567", "3,684", "5,056"), ("营业成本", "1,038", "2,394", "3,236"),
            ("毛利率%", "33.7", "35.0", "36.0"), ("净利润", "173", "471", "717"),
            ("研发费用", "117", "276", "379")]
    for label, *nums in data:
        y -= 18
        c.drawString(LEFT, y, label)
        for x, v in zip(cols, nums, strict=True):
            c.drawRightString(x, y, v)
    paragraph(c, BODY, y - 36)
    c.showPage()
    c.save()
    return path


def make_split_table_pdf(path: Path) -> Path:
    """A ruled table whose header row closes page 1 and whose body opens page 2."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    y = 780.0
    for _ in range(5):
        y = paragraph(c, BODY, y) - 8
    c.setFont(FONT, 11)
    c.drawCentredString(W / 2, 120, "附表 重点任务指标分解表")
    widths = [60, 160, 80, 80]
    grid_table(c, [["序号", "指标", "2024年", "2025年"]], 100, widths, left=100)
    c.showPage()
    body = [[str(i), f"指标名称{i}", str(100 * i), str(110 * i)] for i in range(1, 7)]
    bottom = grid_table(c, body, 780, widths, left=100)
    paragraph(c, BODY, bottom - 30)
    c.showPage()
    c.save()
    return path


def make_pages_pdf(path: Path, n: int = 3) -> Path:
    """``n`` pages of body text with a running header, a footer and "— k —" page numbers."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    for k in range(1, n + 1):
        c.setFont(FONT, 9)
        c.drawCentredString(W / 2, 810, "某某市人民政府办公厅文件汇编")
        y = 770.0
        c.setFont(FONT, 14)
        c.drawString(LEFT, y, f"{'一二三四五'[k - 1]}、第{k}部分")
        y = paragraph(c, BODY, y - 28)
        paragraph(c, BODY, y - 6)
        c.setFont(FONT, 9)
        c.drawCentredString(W / 2, 40, f"— {k} —")
        c.showPage()
    c.save()
    return path


def make_two_column_pdf(path: Path) -> Path:
    """A title across the page, then two columns of text."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setFont(FONT, 18)
    c.drawCentredString(W / 2, 790, "两栏排版的新闻版面标题")
    left_text = "左栏文字" + BODY
    right_text = "右栏文字" + BODY[::-1]
    paragraph(c, left_text * 2, 750, size=11, left=50, right=285)
    paragraph(c, right_text * 2, 750, size=11, left=310, right=545)
    c.showPage()
    c.save()
    return path


def make_image_only_pdf(path: Path) -> Path:
    """Two pages with drawings but no text layer (like a scan)."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    for _ in range(2):
        c.rect(100, 100, 300, 400, fill=1)
        c.showPage()
    c.save()
    return path


def make_encrypted_pdf(path: Path, password: str) -> Path:
    """A password-protected PDF (user password ``password``) with Latin text."""
    c = canvas.Canvas(str(path), pagesize=(W, H), encrypt=password)
    c.setFont("Helvetica", 12)
    c.drawString(LEFT, 780, "Revenue grew 12.5% to 3,684 million yuan in 2022.")
    c.showPage()
    c.save()
    return path


def _aligned_block(c: canvas.Canvas, x: float, right_edges: list[float], top: float,
                   rows: list[list[str]], size: float = 9.0, step: float = 14.0) -> float:
    """Rows of an unruled table: a label flush left at ``x``, figures flush right at the edges."""
    c.setFont(FONT, size)
    y = top
    for label, *cells in rows:
        if label:
            c.drawString(x, y, label)
        for edge, text in zip(right_edges, cells, strict=False):
            if text:
                c.drawRightString(edge, y, text)
        y -= step
    return y


def make_side_by_side_aligned_pdf(path: Path) -> Path:
    """Two unruled statements printed next to each other (a research note's 财务报表 page):
    主要财务指标 on the left, 利润表 on the right, their rows sharing baselines."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setFont(FONT, 14)
    c.drawString(40, 800, "财务报表分析和预测")
    left = [["主要财务指标", "2022", "2023E", "2024E"], ["每股收益", "1.07", "2.91", "4.43"],
            ["每股净资产", "7.13", "10.43", "15.39"], ["毛利率", "33.7%", "35.0%", "36.0%"],
            ["资产负债率", "64.3%", "71.5%", "70.6%"], ["流动比率", "1.2", "1.3", "1.4"]]
    right = [["利润表(百万元)", "2022", "2023E", "2024E"], ["营业总收入", "1,567", "3,684", "5,056"],
             ["营业成本", "1,038", "2,394", "3,236"], ["营业利润", "212", "531", "800"],
             ["利润总额", "187", "523", "797"], ["所得税", "14", "52", "80"]]
    _aligned_block(c, 40, [170, 220, 270], 770, left)
    _aligned_block(c, 300, [440, 490, 545], 770, right)
    paragraph(c, BODY, 660)
    c.showPage()
    c.save()
    return path


def make_side_by_side_ruled_pdf(path: Path) -> Path:
    """Two ruled tables side by side with a gap between them, joined only by a rule across
    the top of both (a 股票数据 box beside a 主要财务数据 table)."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    top = 780.0
    grid_table(c, [["指标", "数值"], ["总股本", "227.92"], ["流通A股", "167.01"], ["总市值", "18,785.44"]],
               top, [80, 80], left=60)
    grid_table(c, [["项目", "2021", "2022E", "2023E"], ["营业收入", "746", "1,567", "3,684"],
                   ["净利润", "59", "173", "471"], ["毛利率", "35.3%", "33.7%", "35.0%"],
                   ["全面摊薄EPS", "0.43", "1.07", "2.91"]], top, [80, 60, 60, 60], left=235)
    c.setLineWidth(1.5)
    c.line(60, top + 4, 495, top + 4)
    c.line(60, top + 4, 60, top)
    c.line(495, top + 4, 495, top)
    paragraph(c, BODY, 600)
    c.showPage()
    c.save()
    return path


def make_key_value_pdf(path: Path) -> Path:
    """A box of "label： figure" lines (labels flush left, figures flush right) above body text, a
    market-data box whose keys end with their unit, and a contents list (leader dots, page numbers)."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setFont(FONT, 11)
    c.drawString(LEFT, 790, "股票数据")
    _aligned_block(c, LEFT, [230], 770, [["总股本(百万股)：", "227.92"], ["流通A股(百万股)：", "167.01"],
                                         ["52周内股价区间(元)：", "21.60-97.40"], ["总市值(百万元)：", "18,785.44"],
                                         ["每股净资产(元)：", "5.50"]])
    paragraph(c, BODY, 680)
    c.setFont(FONT, 11)
    c.drawString(320, 790, "市场数据")
    _aligned_block(c, 320, [520], 770, [["收盘价(元)", "82.42"], ["市净率(倍)", "8.50"], ["流通市值(亿元)", "137.6"]])
    _aligned_block(c, LEFT, [520], 560, [["第一章 总则……………………", "3"], ["第二章 发展目标………………", "7"],
                                         ["第三章 重点任务………………", "12"]])
    c.showPage()
    c.save()
    return path


def make_short_table_pdf(path: Path) -> Path:
    """Two rows of figures under a header line whose labels stand right over them (1M 3M 12M)."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    y = paragraph(c, BODY, 790)
    _aligned_block(c, LEFT, [200, 260, 320], y - 20, [["沪深300对比", "1M", "3M", "12M"],
                                                      ["绝对涨幅(%)", "7.18", "32.88", "80.86"],
                                                      ["相对涨幅(%)", "8.10", "25.93", "78.39"]])
    paragraph(c, BODY, y - 80)
    c.showPage()
    c.save()
    return path


def make_continued_fewer_columns_pdf(path: Path) -> Path:
    """A ruled shareholder table closing page 1 whose rows go on at the top of page 2, where
    spanning cells leave out an inner rule (three columns there instead of four)."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    y = 780.0
    for _ in range(4):
        y = paragraph(c, BODY, y) - 8
    rows = [["股东名称", "股东性质", "持股数量", "股份种类"], ["甲投资有限公司", "境内法人", "257,055,899", "人民币普通股"],
            ["乙科技股份有限公司", "境内法人", "81,494,850", "人民币普通股"]]
    grid_table(c, rows, 200, [140, 80, 100, 100], left=80)
    c.showPage()
    c.setLineWidth(0.6)
    xs, top, h = [80, 300, 400, 500], 780.0, 20.0  # the name spans 股东名称 and 股东性质
    body = [["丙基金", "3,992,100", "境外上市外资股"], ["丁某某", "2,431,359", "人民币普通股"]]
    for i in range(len(body) + 1):
        c.line(xs[0], top - i * h, xs[-1], top - i * h)
    for x in xs:
        c.line(x, top, x, top - h * len(body))
    c.setFont(FONT, 10)
    for r, row in enumerate(body):
        for k, text in enumerate(row):
            c.drawCentredString((xs[k] + xs[k + 1]) / 2, top - (r + 1) * h + 6, text)
    paragraph(c, BODY, top - 80)
    c.showPage()
    c.save()
    return path


def make_template_tag_pdf(path: Path) -> Path:
    """Body text carrying a report template's layout tag ([Table_Summary]) in its text layer."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setFont(FONT, 12)
    c.drawString(LEFT, 790, "[Table_Summary]投资要点")
    paragraph(c, BODY, 760)
    c.showPage()
    c.save()
    return path
