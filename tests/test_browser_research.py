"""Datasette for researchers in a real browser: ``policy-facts serve`` on a database called
``real.db`` (the seeds and, when ../shared is there, the real documents), headless Chromium.

Runs whenever /usr/bin/chromium exists (Debian's package).
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from fixtures_db import CORPUS, _corpus_key, cached_ingest
from test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, running

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def real_db(request, tmp_path_factory) -> Path:
    """The seeds and the shared real documents (web pages and the Beijing work report) ingested
    once per code version, checked, as a file called real.db."""
    paths = [CORPUS]
    try:
        shared = request.getfixturevalue("shared_dir")
    except pytest.skip.Exception:  # no ../shared: the seeds alone
        shared = None
    if shared is not None:
        docs = tmp_path_factory.mktemp("realdocs")
        shutil.copytree(shared / "realdocs" / "html", docs / "html")
        (docs / "pdf").mkdir()
        shutil.copy(shared / "realdocs" / "pdf" / "beijing_gov_work_report_2024.pdf", docs / "pdf")
        shutil.copy(shared / "realdocs" / "SOURCES.tsv", docs)  # beside the documents: not one
        paths.append(docs)
    key = hashlib.sha256((_corpus_key() + str(len(paths))).encode()).hexdigest()[:16]
    built = cached_ingest(request.config.cache.mkdir("policy-facts-real"), "real", paths, key, ok_codes=(0, 2))
    dest = tmp_path_factory.mktemp("served") / "real.db"
    src, dst = sqlite3.connect(built), sqlite3.connect(dest)
    src.backup(dst)
    src.close()
    dst.close()
    subprocess.run([sys.executable, "-m", "extractor.cli", "check", "--db", str(dest), "--exit-zero", "--json"],
                   cwd=ROOT, check=True, capture_output=True)
    return dest


@pytest.fixture(scope="module")
def server(real_db):
    with running([sys.executable, "-m", "extractor.cli", "serve", "--db", str(real_db), "--port", str(free_port())],
                 "policy-facts serve") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    yield page
    page.close()


def test_real_db_served_with_facets_search_box_and_the_first_row_in_view(server, page):
    page.goto(server + "/real/facts")
    assert page.locator("input#_search").is_visible()
    facets = page.locator(".facet-info").evaluate_all("els => els.map(e => e.dataset.column)")
    assert {"region", "period_year", "metric_key", "kind", "doc_id"} <= set(facets)
    assert page.locator("details.pf-column-descriptions").get_attribute("open") is None  # folded
    first = page.locator("table.rows-and-columns tbody tr").first.bounding_box()
    assert first is not None and first["y"] + first["height"] <= 768  # no scrolling to see it
    sentence = page.locator("table.rows-and-columns tbody td.col-sentence").first.bounding_box()
    assert sentence["width"] >= 300  # a wide text column
    assert "None" not in page.locator(".facet-info[data-column=doc_id]").inner_text()
    # the search box, used as a person would
    page.fill("input#_search", "杭州 跨境电商")
    page.press("input#_search", "Enter")
    page.wait_for_load_state()
    assert "_search=" in page.url and page.locator("table.rows-and-columns tbody tr").count() >= 4


def test_search_for_hangzhou_cross_border_ecommerce(server, page):
    page.goto(server + "/-/search?q=" + urllib.parse.quote("杭州 跨境电商"))
    results = page.locator("li.pf-result")
    assert results.count() >= 4
    top = [results.nth(i).inner_text() for i in range(4)]
    assert all("杭州市" in t and "跨境电商" in t for t in top)  # Hangzhou's cross-border e-commerce facts first
    assert any("1440" in t for t in top) or any("20%" in t for t in top)
    assert page.locator("mark").first.inner_text() in ("杭州", "跨境电商")


def test_a_region_filter_on_the_search_page(server, page):
    page.goto(server + "/-/search?q=" + urllib.parse.quote("进出口"))
    before = int(page.locator(".pf-summary-line strong").first.inner_text().replace(",", ""))
    page.fill("input[name=region]", "杭州")
    page.press("input[name=region]", "Enter")
    page.wait_for_load_state()
    after = int(page.locator(".pf-summary-line strong").first.inner_text().replace(",", ""))
    assert 0 < after < before
    regions = page.locator("li.pf-result .pf-tag[title^=region_source]").all_inner_texts()
    assert regions and set(regions) == {"杭州市"}
    page.click(".pf-chip a")  # remove the filter
    page.wait_for_load_state()
    assert int(page.locator(".pf-summary-line strong").first.inner_text().replace(",", "")) == before
    page.click(".pf-facet[data-column=region] li a >> nth=0")  # a facet value filters too
    page.wait_for_load_state()
    assert "region=" in page.url


def test_a_chart_of_one_metric_over_periods(server, page):
    page.goto(server + "/-/chart?metric_key=trade&region=" + urllib.parse.quote("浙江省"))
    canvas = page.locator("canvas#pf-chart")
    canvas.wait_for()
    rows = int(canvas.get_attribute("data-rows"))
    drawn = page.evaluate("() => { const c = Chart.getChart('pf-chart');"
                          " return c.data.datasets.reduce((n, d, i) => n + c.getDatasetMeta(i).data.length, 0); }")
    assert rows >= 2 and drawn == rows == int(canvas.get_attribute("data-points"))
    assert canvas.bounding_box()["height"] > 200
    page.click("details.pf-chart-rows summary")
    assert page.locator("details.pf-chart-rows tbody tr").count() == rows


def test_a_check_links_to_its_facts(server, page):
    page.goto(server + "/real/checks")
    link = page.locator("a.pf-all-facts").first
    n = int(link.inner_text().split()[1])
    link.click()
    page.wait_for_load_state()
    assert "/real/facts?id__in=" in page.url
    assert page.locator("table.rows-and-columns tbody tr").count() == n


def test_robots_and_csv_with_a_bom(server):
    with urllib.request.urlopen(server + "/robots.txt") as r:
        assert r.read().decode().splitlines() == ["User-agent: *", "Disallow: /"]
    with urllib.request.urlopen(server + "/real/facts.csv?_bom=1&_size=5") as r:
        body = r.read()
    assert body.startswith(b"\xef\xbb\xbf") and "sentence" in body.decode("utf-8-sig").splitlines()[0]
