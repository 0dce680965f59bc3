"""Evidence in a real browser: the figure boxed on its page, on a fact's page, a verdict and a
rebuilt table, served by ``policy-facts serve`` from a copy of ``db/`` (database and kept
sources) made elsewhere, the corpus out of reach. Screenshots go to each test's output folder.

Runs whenever /usr/bin/chromium exists (Debian's package).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from test_browser import CHROMIUM, browser, free_port, running  # noqa: F401 (browser: a fixture)
from test_pipeline import query

from extractor.datasette.page_image import BOX_RGB

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "据浙江省国际数字贸易协会统计，今年上半年浙江省国际数字贸易进出口1234.1亿元，同比增长34.73%。"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The seeds ingested (sources kept) and checked, then db/ copied elsewhere and the corpus copy deleted."""
    work = tmp_path_factory.mktemp("build")
    shutil.copytree(ROOT / "corpus", work / "corpus")
    db = work / "db" / "facts.db"
    for args in (["ingest", str(work / "corpus"), "--db", str(db), "-q"], ["check", "--db", str(db), "--exit-zero"]):
        run = subprocess.run([sys.executable, "-m", "extractor.cli", *args], cwd=ROOT, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
    copy = tmp_path_factory.mktemp("published") / "db"
    shutil.copytree(work / "db", copy)
    shutil.rmtree(work)
    return copy / "facts.db"


@pytest.fixture(scope="module")
def server(published):
    with running([sys.executable, "-m", "extractor.cli", "serve", "--db", str(published), "--port", str(free_port())],
                 "policy-facts serve") as url:
        yield url


@pytest.fixture
def page(request):
    """A 1366-wide page of test_browser's browser (imported above: a fixture)."""
    page = request.getfixturevalue("browser").new_page(viewport={"width": 1366, "height": 900})
    yield page
    page.close()


def _near(pixel, colour, tol: int = 60) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(pixel[:3], colour, strict=True))


def boxed_in_browser(page, img, out: Path, name: str) -> None:
    """The image is shown, and in the screenshot of it the outline is drawn in the box colour
    where the server says the figure is, with the figure's dark glyphs inside it."""
    img.scroll_into_view_if_needed()
    page.wait_for_function("(el) => el.complete && el.naturalWidth > 0", arg=img.element_handle(), timeout=30_000)
    src = img.evaluate("(el) => el.currentSrc")
    r = page.request.get(src)
    assert r.ok and r.headers["content-type"] == "image/png"
    x0, y0, x1, y1 = (int(v) for v in r.headers["x-evidence-box"].split(","))
    natural = img.evaluate("(el) => [el.naturalWidth, el.naturalHeight]")
    out.mkdir(parents=True, exist_ok=True)
    shot = img.screenshot(path=str(out / f"{name}-image.png"))
    page.screenshot(path=str(out / f"{name}-page.png"), full_page=True)
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    sx, sy = image.size[0] / natural[0], image.size[1] / natural[1]
    bx0, by0, bx1, by1 = x0 * sx, y0 * sy, x1 * sx, y1 * sy
    mx, my = (bx0 + bx1) / 2, (by0 + by1) / 2

    def around(x: float, y: float) -> list:
        return [image.getpixel((min(image.size[0] - 1, max(0, round(x) + dx)), min(image.size[1] - 1, max(0, round(y) + dy))))
                for dx in range(-2, 3) for dy in range(-2, 3)]

    for x, y in ((mx, by0 + 1), (mx, by1 - 1), (bx0 + 1, my), (bx1 - 1, my)):
        assert any(_near(p, BOX_RGB) for p in around(x, y)), (name, x, y)
    inside = [image.getpixel((x, y)) for x in range(round(bx0) + 4, round(bx1) - 4)
              for y in range(round(by0) + 4, round(by1) - 4)]
    assert any(sum(p) < 330 for p in inside), name
    # nowhere else: the colour marks the figure alone
    far = [image.getpixel((x, y)) for x in range(0, image.size[0], 3) for y in range(0, image.size[1], 3)
           if not (bx0 - 4 <= x <= bx1 + 4 and by0 - 4 <= y <= by1 + 4)]
    assert not any(_near(p, BOX_RGB, 30) for p in far), name


def test_a_fact_page_shows_the_figure_boxed(server, page, published, tmp_path) -> None:
    fact, quote = query(published, "select f.id, f.quote from facts f join documents d on d.id = f.doc_id"
                                   " where d.doc_type = 'pdf' and f.method = 'regex' and f.x0 is not null"
                                   " order by f.claim_id is null, f.id limit 1")[0]
    page.goto(f"{server}/facts/facts/{fact}")
    panel = page.locator("section.pf-evidence-panel")
    assert panel.locator("mark.pf-quote").inner_text() == quote
    assert "open the PDF at page" in panel.locator("a.pf-open-pdf").inner_text()
    boxed_in_browser(page, panel.locator("img.pf-evidence-img"), tmp_path, "fact")
    pdf = page.request.get(server + panel.locator("a.pf-open-pdf").get_attribute("href").split("#")[0])
    assert pdf.ok and pdf.body().startswith(b"%PDF")


def test_a_verify_result_shows_its_evidence_boxed(server, page, tmp_path) -> None:
    page.goto(server + "/-/verify")
    page.fill("#pf-article", ARTICLE)
    page.fill("#pf-date", "2020-08-20")
    page.click("form.pf-form input[type=submit]")
    page.wait_for_selector(".pf-summary", timeout=60_000)
    img = page.locator(".pf-figure[data-status=supported] .pf-evidence img.pf-evidence-small").first
    boxed_in_browser(page, img, tmp_path, "verify")


def test_a_source_table_shows_the_cell_boxed(server, page, published, tmp_path) -> None:
    table, fact = query(published, "select table_id, id from facts where method = 'table' and x0 is not null"
                                   " order by id limit 1 offset 3")[0]
    page.goto(f"{server}/-/source-table/{table}?fact={fact}")
    assert page.locator("td.marked").count() == 1
    boxed_in_browser(page, page.locator("figure.pf-table-crop img"), tmp_path, "table")


def test_a_search_result_shows_a_small_crop(server, page, tmp_path) -> None:
    page.goto(server + "/-/search?q=%E8%B7%A8%E5%A2%83%E7%94%B5%E5%95%86")  # 跨境电商
    crops = page.locator("li.pf-result a.pf-result-crop img")
    assert crops.count() > 0
    boxed_in_browser(page, crops.first, tmp_path, "search")
