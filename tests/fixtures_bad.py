"""Builders for the ingest tests: good documents and every kind of bad input, made at test time.

Nothing here is committed as a binary: each builder writes its file under the
given path (the test's ``tmp_path``). :func:`bad_batch` lays out one folder with
every bad file next to good ones and returns what each file should end up as.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
W, H = 595.0, 842.0
CITIES = ["杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "台州市"]
METRICS = ["数字贸易进出口额", "跨境电商进出口额", "服务贸易出口额", "软件业务收入", "网络零售额"]
PROSE = [
    "坚持以习近平新时代中国特色社会主义思想为指导，深入实施数字经济创新提质工程。",
    "加强组织领导，建立健全工作推进机制，确保各项任务落到实处。",
    "优化营商环境，提升贸易便利化水平，降低企业制度性交易成本。",
]


def policy_sentences(i: int, n: int = 6) -> list[str]:
    """``n`` sentences for document ``i``: figures that differ from document to document, and prose."""
    rng = random.Random(i)
    city = CITIES[i % len(CITIES)]
    out = []
    for k in range(n):
        metric = METRICS[(i + k) % len(METRICS)]
        if k % 3 == 2:
            out.append(PROSE[(i + k) % len(PROSE)])
        else:
            out.append(f"{2018 + i % 6}年，{city}{metric}达到{rng.randint(10, 9000)}.{rng.randint(1, 9)}亿元，"
                       f"同比增长{rng.randint(1, 40)}.{rng.randint(0, 9)}%，占全省的{rng.randint(2, 60)}%。")
    return out


# ---------------------------------------------------------------- good documents


def text_doc(path: Path, i: int, n: int = 6) -> Path:
    path.write_text(f"{CITIES[i % len(CITIES)]}数字贸易发展情况通报（第{i}号）\n\n"
                    + "\n".join(policy_sentences(i, n)) + "\n\n2024年4月23日\n", encoding="utf-8")
    return path


def html_doc(path: Path, i: int, n: int = 6, encoding: str = "utf-8") -> Path:
    charset = "gb2312" if encoding == "gb18030" else encoding
    paras = "".join(f"<p>{s}</p>" for s in policy_sentences(i, n))
    html = (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>数字贸易快讯{i}</title></head>'
            f'<body><div class="nav"><a href="/">首页</a></div><div class="article"><h1>数字贸易快讯{i}</h1>'
            f"{paras}</div></body></html>")
    path.write_bytes(html.encode(encoding))
    return path


def markdown_doc(path: Path, i: int, n: int = 6) -> Path:
    body = "\n\n".join(policy_sentences(i, n))
    path.write_text(f"---\ntitle: 数字贸易观察{i}\npublisher: 测试日报\ndate: 2023-0{1 + i % 9}-15\n---\n\n{body}\n",
                    encoding="utf-8")
    return path


def pdf_doc(path: Path, lines: list[str], *, pages: int = 1, font: str = FONT, size: float = 12,
            encrypt: str | None = None) -> Path:
    """A PDF with ``lines`` drawn on each of ``pages`` pages (wrapped at the margin)."""
    c = canvas.Canvas(str(path), pagesize=(W, H), encrypt=encrypt)
    for _ in range(pages):
        c.setFont(font, size)
        y = 780.0
        for text in lines:
            cur = ""
            for ch in text:
                if pdfmetrics.stringWidth(cur + ch, font, size) > W - 144:
                    c.drawString(72, y, cur)
                    y -= size * 1.6
                    cur = ""
                cur += ch
            c.drawString(72, y, cur)
            y -= size * 1.6
            if y < 72:
                c.showPage()
                c.setFont(font, size)
                y = 780.0
        c.showPage()
    c.save()
    return path


def policy_pdf(path: Path, i: int, n: int = 6, pages: int = 1) -> Path:
    return pdf_doc(path, [f"{CITIES[i % len(CITIES)]}数字贸易发展报告（第{i}期）", *policy_sentences(i, n)], pages=pages)


# ---------------------------------------------------------------- bad input


def truncated_pdf(path: Path) -> Path:
    """A good PDF cut off after 60% of its bytes (an interrupted download)."""
    policy_pdf(path, 1, pages=2)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.6)])
    return path


def corrupt_pdf(path: Path) -> Path:
    """A PDF header followed by garbage."""
    rng = random.Random(7)
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(rng.randrange(32, 127) for _ in range(4000)))
    return path


ENCRYPTED_TEXT = "Digital trade exports grew 12.5% to 578.06 billion yuan in 2023."


def encrypted_pdf(path: Path, password: str) -> Path:
    """A PDF that needs ``password`` to open. (Latin text: pdfminer cannot map reportlab's encrypted
    CID-font system info, a quirk of the pair, not of encryption.)"""
    return pdf_doc(path, [ENCRYPTED_TEXT], font="Helvetica", encrypt=password)


def image_only_pdf(path: Path, pages: int = 3) -> Path:
    """A scan: each page one image, no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    img = Image.new("L", (400, 560), 255)
    draw = ImageDraw.Draw(img)
    for y in range(40, 520, 24):
        draw.rectangle((40, y, 360, y + 10), fill=40)  # lines of "text"
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    c = canvas.Canvas(str(path), pagesize=(W, H))
    for _ in range(pages):
        c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 72, 150, width=450, height=630)
        c.showPage()
    c.save()
    return path


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def html_named_pdf(path: Path, i: int = 3) -> Path:
    """An HTML page saved with a .pdf extension."""
    return html_doc(path, i)


def png_file(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (20, 20), (200, 10, 10)).save(path, format="PNG")
    return path


def docx_file(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return path


def undecodable_text(path: Path) -> Path:
    """Text-like bytes that are neither UTF-8 nor GB18030 (0xFF is never a GB18030 lead byte)."""
    path.write_bytes(b"2023 report \xff\xfe\xff line one\n\xff\xff second line 12.5%\n" * 20)
    return path


def big_text(path: Path, mb: int = 50) -> Path:
    """A ``mb`` MB text file (written in blocks: fast, little memory)."""
    block = ("\n".join(policy_sentences(5, 30)) + "\n").encode("utf-8")
    reps = (mb << 20) // len(block) + 1
    with open(path, "wb") as fh:
        chunk = block * 256
        for _ in range(reps // 256 + 1):
            fh.write(chunk)
    return path


def long_line_text(path: Path, chars: int = 400_000) -> Path:
    """One enormous line (no line break, commas only), with a few figures."""
    unit = "推进数字贸易高质量发展，"
    text = unit * (chars // len(unit)) + "全年数字贸易进出口额达到1234.5亿元。"
    path.write_text(text, encoding="utf-8")
    return path


def dense_pdf_page(path: Path) -> Path:
    """One page crammed with 4-point type: an enormous page."""
    lines = [s for i in range(40) for s in policy_sentences(i, 5)]
    return pdf_doc(path, lines, size=4)


# ---------------------------------------------------------------- a mixed batch


@dataclass
class Expect:
    status: str
    error: str | None = None  # a substring of documents.error
    facts: bool = False  # at least one fact is stored
    same_as: str | None = None  # the same content as this earlier file: one document, two files


def bad_batch(folder: Path, *, password: str = "s3cret", big_mb: int = 50) -> dict[str, Expect]:
    """Every bad input beside good files in ``folder``; ``{relative path: what it should become}``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good").mkdir()
    text_doc(folder / "good" / "notice.txt", 1)
    html_doc(folder / "good" / "news.html", 2)
    markdown_doc(folder / "good" / "blog.md", 3)
    policy_pdf(folder / "good" / "report.pdf", 4, pages=2)
    truncated_pdf(folder / "truncated.pdf")
    corrupt_pdf(folder / "corrupt.pdf")
    encrypted_pdf(folder / "encrypted.pdf", password)
    image_only_pdf(folder / "scan.pdf", pages=3)
    empty_file(folder / "empty.pdf")
    empty_file(folder / "empty.txt")
    html_named_pdf(folder / "mislabelled.pdf", 5)
    html_doc(folder / "gb18030.html", 6, encoding="gb18030")
    (folder / "gb18030.txt").write_bytes("\n".join(policy_sentences(7)).encode("gb18030"))
    png_file(folder / "chart.png")
    docx_file(folder / "notes.docx")
    undecodable_text(folder / "garbled.txt")
    big_text(folder / "huge.txt", big_mb)
    long_line_text(folder / "one-line.txt")
    dense_pdf_page(folder / "dense.pdf")
    return {
        "good/notice.txt": Expect("ok", facts=True),
        "good/news.html": Expect("ok", facts=True),
        "good/blog.md": Expect("ok", facts=True),
        "good/report.pdf": Expect("ok", facts=True),
        "truncated.pdf": Expect("failed", "truncated"),
        "corrupt.pdf": Expect("failed", "CorruptDocument"),
        "encrypted.pdf": Expect("encrypted", "password"),
        "scan.pdf": Expect("needs_ocr", "without a text layer"),
        "empty.pdf": Expect("failed", "empty"),
        "empty.txt": Expect("failed", "empty", same_as="empty.pdf"),
        "mislabelled.pdf": Expect("ok", facts=True),
        "gb18030.html": Expect("ok", facts=True),
        "gb18030.txt": Expect("ok", facts=True),
        "chart.png": Expect("skipped", "PNG"),
        "notes.docx": Expect("skipped", "ZIP"),
        "garbled.txt": Expect("failed", "UndecodableText"),
        "huge.txt": Expect("too_large", "--max-text-mb"),
        "one-line.txt": Expect("ok", facts=True),
        "dense.pdf": Expect("ok", facts=True),
    }


# ---------------------------------------------------------------- hostile PDFs, written byte by byte


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given object bodies (object n is ``objects[n - 1]``; 1 is the catalog)."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PAGE_ONE_TEXT = "Digital trade exports grew 12.5% to 578.06 billion yuan in 2023."


def broken_page_pdf(path: Path) -> Path:
    """Two pages: the first readable, the second drawn with a Type3 font that has no FontBBox
    (the page cannot be read; the document can)."""
    text = f"BT /F1 12 Tf 72 720 Td ({PAGE_ONE_TEXT}) Tj ET".encode()
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 %d 0 R >> >> >>"
    path.write_bytes(raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        page % 6,
        page % 7,
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type3 /FontMatrix (x) /CharProcs 3 /Encoding 4 >>",
    ]))
    return path


def bomb_pdf(path: Path, mb: int = 600) -> Path:
    """A one-page PDF whose content stream of well under 1 MB inflates to ``mb`` MB."""
    import zlib

    z = zlib.compressobj(9)
    block = b" " * (1 << 20)
    data = b"".join([*(z.compress(block) for _ in range(mb)), z.flush()])
    path.write_bytes(raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ]))
    return path
