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
