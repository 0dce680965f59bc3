"""Evidence you can see, in-process: page images, kept sources, a fact's page, crops on the other pages.

The seed corpus (and a web page with its canonical URL) ingested with its sources kept and checked;
Datasette serves a copy of the ``db/`` folder made elsewhere, the corpus gone.
"""

from __future__ import annotations

import asyncio
import html
import io
import re
import shutil
import sqlite3
import urllib.parse
from pathlib import Path

import pytest
import yaml
from datasette.app import Datasette
from PIL import Image
from test_pipeline import query

from extractor.checks.crosscheck import run_checks
from extractor.datasette import evidence
from extractor.datasette.metadata import for_database
from extractor.datasette.page_image import BOX_RGB, Drawing, cached_png, render_png
from extractor.ingest.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent
NEWS = """<html><head><title>外贸月报</title><link rel="canonical" href="https://example.gov.cn/news/2024-05.html"></head>
<body><h1>外贸月报</h1><p>据海关统计，今年一季度全市外贸进出口总额达到1234.5亿元，同比增长6.7%，增速比上年同期加快1.2个百分点。</p>
<p>其中出口额为765.4亿元，进口额为469.1亿元。</p></body></html>"""


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Path:
    """db/ of the seeds and a web page, sources kept, checked; copied elsewhere, the corpus deleted."""
    work = tmp_path_factory.mktemp("evidence")
    corpus = work / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    (corpus / "news.html").write_text(NEWS, encoding="utf-8")
    summary = ingest([corpus], work / "db" / "facts.db", workers=1)
    assert summary.ok == 6 and summary.sources_kept == 6
    con = sqlite3.connect(work / "db" / "facts.db")
    run_checks(con)
    con.commit()
    con.close()
    copy = tmp_path_factory.mktemp("published") / "db"
    shutil.copytree(work / "db", copy)
    shutil.rmtree(work)  # the corpus and the first db/ are gone: the copy serves alone
    return copy / "facts.db"


def _datasette(db: Path) -> Datasette:
    metadata = yaml.safe_load((ROOT / "datasette-metadata.yml").read_text(encoding="utf-8"))
    return Datasette([str(db)], metadata=for_database(metadata, db.stem))


@pytest.fixture
def client(served, policy_facts_plugin):
    """``client(path, method="get", **kw)`` → the response of an in-process Datasette on the copy."""

    def call(path: str, method: str = "get", **kw):
        async def run():
            ds = _datasette(served)
            await ds.invoke_startup()
            return await getattr(ds.client, method)(path, **kw)

        return asyncio.run(run())

    return call


def _pdf_fact(db: Path, method: str = "regex") -> tuple[int, str, int]:
    """(id, quote, page) of a PDF fact with a box, stated by a claim when one is."""
    return query(db, "select f.id, f.quote, f.page from facts f join documents d on d.id = f.doc_id"
                     " where d.doc_type = 'pdf' and f.method = ? and f.x0 is not null"
                     " order by f.claim_id is null, f.id limit 1", [method])[0]


def _outline(png: bytes, box: str) -> tuple[Image.Image, tuple[int, int, int, int]]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    x0, y0, x1, y1 = (int(v) for v in box.split(","))
    return image, (x0, y0, x1, y1)


def _near(pixel, colour, tol: int = 40) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(pixel, colour, strict=True))


def _assert_boxed(png: bytes, box: str) -> None:
    """The outline is drawn in the box colour along its four sides, and glyphs are inside it."""
    image, (x0, y0, x1, y1) = _outline(png, box)
    mx, my = (x0 + x1) // 2, (y0 + y1) // 2
    for x, y in ((mx, y0 + 1), (mx, y1 - 1), (x0 + 1, my), (x1 - 1, my)):
        assert _near(image.getpixel((x, y)), BOX_RGB), (x, y, image.getpixel((x, y)))
    inside = [image.getpixel((x, y)) for x in range(x0 + 4, x1 - 4) for y in range(y0 + 4, y1 - 4)]
    assert any(sum(p) < 300 for p in inside)  # dark glyph pixels: the figure is in the box


# -- page images ---------------------------------------------------------------------------


def test_a_fact_crop_boxes_the_figure_where_it_is_printed(client, served) -> None:
    fact, _quote, _page = _pdf_fact(served)
    r = client(f"/-/evidence/fact/{fact}.png?w=600")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(r.content))
    assert image.size[0] in (599, 600, 601) and r.headers["x-evidence-size"] == "{},{}".format(*image.size)
    _assert_boxed(r.content, r.headers["x-evidence-box"])
    # the box lands where the fact's glyph box falls on the crop, to the pixel (an unrotated page)
    con = sqlite3.connect(served)
    try:
        source, page, drawing = evidence.fact_drawing(con, served.parent / "sources", fact)
    finally:
        con.close()
    crop, (fx0, ftop, fx1, fbottom) = drawing.crop, drawing.boxes[0]
    scale = image.size[0] / (crop[2] - crop[0])
    x0, y0, x1, y1 = (int(v) for v in r.headers["x-evidence-box"].split(","))
    pad = 2 * 2 + 1 + 2  # the outline stands clear of the glyphs
    assert abs(x0 - (fx0 - crop[0]) * scale) <= pad + 2 and abs(x1 - (fx1 - crop[0]) * scale) <= pad + 2
    assert abs(y0 - (ftop - crop[1]) * scale) <= pad + 2 and abs(y1 - (fbottom - crop[1]) * scale) <= pad + 2


def test_the_second_request_reads_the_cached_image(client, served) -> None:
    fact, _quote, _page = _pdf_fact(served)
    first = client(f"/-/evidence/fact/{fact}.png?w=333")
    again = client(f"/-/evidence/fact/{fact}.png?w=333")
    assert again.headers["x-evidence-cache"] == "hit" and again.content == first.content
    assert again.headers["x-evidence-box"] == first.headers["x-evidence-box"]
    assert list((served.parent / "sources" / ".cache").rglob("*-333-*.png"))


def test_a_table_fact_is_boxed_round_its_cell(client, served) -> None:
    fact, quote, _page = _pdf_fact(served, "table")
    r = client(f"/-/evidence/fact/{fact}.png")
    assert r.status_code == 200
    _assert_boxed(r.content, r.headers["x-evidence-box"])


def test_whole_page_sentence_claim_and_table_images(client, served) -> None:
    fact, _quote, page = _pdf_fact(served)
    sentence, claim, sha = query(served, "select f.sentence_id, f.claim_id, d.sha256 from facts f join documents d"
                                         " on d.id = f.doc_id where f.id = ?", [fact])[0]
    table, table_fact = query(served, "select table_id, id from facts where method = 'table' and x0 is not null"
                                      " order by id limit 1")[0]
    full = client(f"/-/evidence/fact/{fact}.png?full=1&w=500")
    assert full.status_code == 200 and Image.open(io.BytesIO(full.content)).size[1] > 600  # a whole page
    _assert_boxed(full.content, full.headers["x-evidence-box"])
    for path in (f"/-/evidence/sentence/{sentence}.png", f"/-/evidence/page/{sha}/{page}.png?w=300",
                 f"/-/evidence/table/{table}.png"):
        r = client(path)
        assert r.status_code == 200 and r.content.startswith(b"\x89PNG"), path
        assert "x-evidence-box" not in r.headers  # nothing outlined: lines shaded, or the page as printed
    if claim is not None:
        assert client(f"/-/evidence/claim/{claim}.png").status_code == 200
    marked = client(f"/-/evidence/table/{table}.png?fact={table_fact}")
    _assert_boxed(marked.content, marked.headers["x-evidence-box"])


def test_shaded_lines_are_drawn_over_the_sentence() -> None:
    from fixtures_pdf import make_ruled_pdf

    path = make_ruled_pdf(Path(__import__("tempfile").mkdtemp()) / "ruled.pdf")
    plain = Image.open(io.BytesIO(render_png(path, 1, 300, Drawing()).png)).convert("RGB")
    shaded = render_png(path, 1, 300, Drawing(shaded=((72.0, 50.0, 520.0, 75.0),)))
    image = Image.open(io.BytesIO(shaded.png)).convert("RGB")
    assert shaded.box_px is None and image.size == plain.size
    y = round(62 * 300 / 595)
    background = [image.getpixel((x, y)) for x in range(60, 240) if plain.getpixel((x, y)) == (255, 255, 255)]
    assert background and all(p[2] < 240 and p[0] > 230 for p in background)  # yellow over white paper


def test_rendering_refuses_a_page_the_pdf_has_not(tmp_path: Path) -> None:
    from fixtures_pdf import make_ruled_pdf

    path = make_ruled_pdf(tmp_path / "one.pdf")
    with pytest.raises(ValueError):
        render_png(path, 2, 300, Drawing())
    out = cached_png(tmp_path / "cache", path, "ab" * 32, 1, 200, Drawing(boxes=((72.0, 60.0, 200.0, 80.0),)))
    again = cached_png(tmp_path / "cache", path, "ab" * 32, 1, 200, Drawing(boxes=((72.0, 60.0, 200.0, 80.0),)))
    assert (out.cached, again.cached) == (False, True) and again.box_px == out.box_px and again.png == out.png


# -- kept sources, and names that are not ---------------------------------------------------


def test_the_kept_pdf_opens_at_its_page(client, served) -> None:
    sha, path = query(served, "select sha256, path from documents where doc_type = 'pdf' order by id limit 1")[0]
    r = client(f"/-/source/{sha}.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and "inline" in r.headers["content-disposition"]
    assert urllib.parse.quote(Path(path).name) in r.headers["content-disposition"]


def test_a_kept_web_page_is_sent_as_text_never_run(client, served) -> None:
    sha = query(served, "select sha256 from documents where path = 'news.html'")[0][0]
    r = client(f"/-/source/{sha}.html")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert r.headers["content-security-policy"] == "sandbox" and r.headers["x-content-type-options"] == "nosniff"
    assert "1234.5亿元" in r.text


@pytest.mark.parametrize("path", [
    "/-/source/../../etc/passwd", "/-/source/%2e%2e%2f%2e%2e%2fetc%2fpasswd.pdf", "/-/source/" + "a" * 64 + ".pdf",
    "/-/source/" + "A" * 64 + ".pdf", "/-/source/" + "a" * 64 + ".exe", "/-/evidence/page/../facts.db/1.png",
    "/-/evidence/page/" + "a" * 64 + "/1.png", "/-/evidence/fact/99999999.png", "/-/evidence/fact/-1.png",
    "/-/evidence/fact/" + "9" * 30 + ".png", "/-/evidence/table/99999999.png",
])
def test_only_stored_sha256_and_ids_name_a_file(client, path: str) -> None:
    try:
        r = client(path, follow_redirects=True)
    except ValueError:  # no route takes it: Datasette 0.65's 404 handler, with rich installed, raises in-process
        return
    assert r.status_code == 404 and not r.content.startswith((b"%PDF", b"\x89PNG", b"SQLite"))


def test_a_page_the_pdf_has_not_is_not_found(client, served) -> None:
    sha = query(served, "select sha256 from documents where doc_type = 'pdf' order by id limit 1")[0][0]
    assert client(f"/-/evidence/page/{sha}/999.png").status_code == 404


def test_a_web_page_fact_has_no_image(client, served) -> None:
    fact = query(served, "select f.id from facts f join documents d on d.id = f.doc_id where d.path = 'news.html'")[0][0]
    assert client(f"/-/evidence/fact/{fact}.png").status_code == 404


# -- a fact's page -------------------------------------------------------------------------


def _panel(text: str) -> str:
    m = re.search(r'<section class="pf-evidence-panel".*?</section>', text, re.S)
    assert m, "no evidence panel"
    return m.group(0)


def test_a_pdf_fact_page_shows_its_evidence(client, served) -> None:
    fact, quote, page = _pdf_fact(served)
    (doc_id, label, sha, sentence, claim, paragraph) = query(
        served, "select d.id, d.label, d.sha256, f.sentence_id, f.claim_id, f.paragraph_id from facts f"
                " join documents d on d.id = f.doc_id where f.id = ?", [fact])[0]
    panel = _panel(client(f"/facts/facts/{fact}").text)
    assert f'src="/-/evidence/fact/{fact}.png?w=800"' in panel
    assert f'href="/-/source/{sha}.pdf#page={page}"' in panel and f"open the PDF at page {page}" in panel
    assert f'<a class="pf-document" href="/facts/documents/{doc_id}">{html.escape(label)}</a>, page {page}' in panel
    assert re.search(r'<mark class="pf-quote">(.*?)</mark>', panel).group(1) == html.escape(quote)
    assert f'href="/facts/sentences/{sentence}"' in panel and f'href="/facts/paragraphs/{paragraph}"' in panel
    if claim is not None:
        assert f'href="/facts/claims/{claim}"' in panel
    assert "None" not in panel and "pf-missing" not in panel


def test_a_table_fact_page_links_the_table_laid_out(client, served) -> None:
    fact, quote, _page = _pdf_fact(served, "table")
    table = query(served, "select table_id from facts where id = ?", [fact])[0][0]
    panel = _panel(client(f"/facts/facts/{fact}").text)
    assert f'href="/-/source-table/{table}?fact={fact}"' in panel and f"/-/evidence/fact/{fact}.png" in panel


def test_checks_and_conflicts_involving_the_fact_are_listed(client, served) -> None:
    fact, check = query(served, "select cf.fact_id, cf.check_id from check_facts cf order by cf.check_id limit 1")[0]
    panel = _panel(client(f"/facts/facts/{fact}").text)
    assert "Checks involving it" in panel and f'href="/facts/checks/{check}"' in panel


def test_speaker_of_the_claim_is_linked(client, served) -> None:
    found = query(served, "select f.id, c.speaker from facts f join claims c on c.id = f.claim_id"
                          " where c.speaker is not null order by f.id limit 1")
    if not found:
        pytest.skip("no fact stated by a named speaker in the seeds")
    fact, speaker = found[0]
    panel = _panel(client(f"/facts/facts/{fact}").text)
    assert f'href="/facts/claims?speaker={urllib.parse.quote(speaker)}"' in panel


def test_a_web_page_fact_shows_its_paragraph_and_source_url(client, served) -> None:
    fact, quote = query(served, "select f.id, f.quote from facts f join documents d on d.id = f.doc_id"
                                " where d.path = 'news.html' order by f.id limit 1")[0]
    panel = _panel(client(f"/facts/facts/{fact}").text)
    assert 'href="https://example.gov.cn/news/2024-05.html"' in panel
    assert re.search(r'<mark class="pf-quote">(.*?)</mark>', panel).group(1) == html.escape(quote)
    assert "<img" not in panel and "外贸月报" in panel


def test_a_missing_source_is_said_so(served, tmp_path: Path, policy_facts_plugin) -> None:
    bare = tmp_path / "facts.db"  # the database copied without its sources/ folder
    shutil.copy(served, bare)
    fact, _quote, _page = _pdf_fact(bare)
    sha = query(bare, "select d.sha256 from facts f join documents d on d.id = f.doc_id where f.id = ?", [fact])[0][0]

    async def run():
        ds = _datasette(bare)
        return [await ds.client.get(p) for p in (f"/facts/facts/{fact}", f"/-/evidence/fact/{fact}.png",
                                                  f"/-/source/{sha}.pdf")]

    page, image, source = asyncio.run(run())
    panel = _panel(page.text)
    assert "pf-missing" in panel and "not kept beside this database" in panel and "<img" not in panel
    assert image.status_code == 404 and source.status_code == 404


# -- the crop elsewhere: search, verify, the table laid out ----------------------------------


def test_search_results_show_a_small_crop_for_pdf_facts_only(client, served) -> None:
    text = client("/-/search?q=" + urllib.parse.quote("亿元") + "&_size=200").text
    items = re.findall(r'<li class="pf-result" data-fact-id="(\d+)".*?</li>', text, re.S)
    crops = set(re.findall(r'data-fact-id="(\d+)"[^<]*>(?:(?!</li>).)*?<img src="/-/evidence/fact/\1\.png\?w=320"',
                           text, re.S))
    assert items and crops
    types = dict(query(served, "select f.id, d.doc_type from facts f join documents d on d.id = f.doc_id"))
    assert all(types[int(i)] == "pdf" for i in crops)
    assert any(types[int(i)] == "html" for i in items) and not any(types[int(i)] == "html" for i in crops)


def test_verify_shows_the_crop_beside_the_evidence(client) -> None:
    article = "今年上半年浙江省国际数字贸易进出口1234.1亿元，同比增长34.73%。"
    r = client("/-/verify", method="post", data={"article": article, "date": "2020-08-20"}, follow_redirects=True)
    assert r.status_code == 200 and "supported" in r.text
    crops = re.findall(r'<img class="pf-evidence-small" src="(/-/evidence/fact/(\d+)\.png\?w=480)"', r.text)
    assert crops
    image = client(crops[0][0])
    _assert_boxed(image.content, image.headers["x-evidence-box"])


def test_the_table_laid_out_has_its_page_beside_it(client, served) -> None:
    table, fact = query(served, "select table_id, id from facts where method = 'table' and x0 is not null"
                                " order by id limit 1")[0]
    text = client(f"/-/source-table/{table}?fact={fact}").text
    src = re.search(r'<figure class="pf-table-crop"><a href="[^"]+"><img class="pf-evidence-small" src="([^"]+)"',
                    text).group(1)
    assert src == f"/-/evidence/table/{table}.png?w=480&amp;fact={fact}"
    image = client(html.unescape(src))
    _assert_boxed(image.content, image.headers["x-evidence-box"])


def test_a_table_without_its_source_says_so(served, tmp_path: Path, policy_facts_plugin) -> None:
    bare = tmp_path / "facts.db"
    shutil.copy(served, bare)
    table = query(bare, "select t.id from tables t join documents d on d.id = t.doc_id"
                        " where d.doc_type = 'pdf' and t.bbox is not null order by t.id limit 1")[0][0]

    async def run():
        return await _datasette(bare).client.get(f"/-/source-table/{table}")

    text = asyncio.run(run()).text
    assert "not kept beside this database" in text and "pf-table-crop" not in text


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a_rotated_page_is_boxed_where_the_glyph_is_drawn(tmp_path: Path, rotation: int) -> None:
    """Boxes in pdfplumber's coordinates (/Rotate applied) land on the glyph in PDFium's rendering."""
    import pdfplumber
    from fixtures_pdf import FONT
    from reportlab.pdfgen import canvas

    path = tmp_path / f"rotated-{rotation}.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont(FONT, 20)
    c.drawString(100, 300, "数字8765")
    c.setPageRotation(rotation)
    c.showPage()
    c.save()
    with pdfplumber.open(path) as pdf:
        glyph = next(ch for ch in pdf.pages[0].chars if ch["text"] == "8")
    box = (glyph["x0"], glyph["top"], glyph["x1"], glyph["bottom"])
    for crop in (None, (box[0] - 30, box[1] - 30, box[2] + 30, box[3] + 30)):
        out = render_png(path, 1, 400, Drawing(crop, (box,)))
        image = Image.open(io.BytesIO(out.png)).convert("RGB")
        x0, y0, x1, y1 = out.box_px
        assert 0 <= x0 < x1 <= image.size[0] and 0 <= y0 < y1 <= image.size[1]
        inside = [image.getpixel((x, y)) for x in range(x0 + 4, x1 - 4) for y in range(y0 + 4, y1 - 4)]
        outside_ink = sum(1 for x in range(image.size[0]) for y in range(image.size[1])
                          if sum(image.getpixel((x, y))) < 300 and not (x0 <= x <= x1 and y0 <= y <= y1))
        assert sum(1 for p in inside if sum(p) < 300) >= 5 and outside_ink > 0  # the 8, and the rest of the line
