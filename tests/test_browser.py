"""The /-/verify page in a real browser: Datasette in a subprocess, headless Chromium.

Runs whenever /usr/bin/chromium exists (Debian's package; Playwright's own
browser download does not work here).
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from fixtures_db import corpus_db

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
XSS = "<script>alert(1)</script>"
# One figure of each kind, against the seed corpus (000: 浙江, 2020 上半年).
ARTICLE = (
    "据浙江省国际数字贸易协会统计，今年上半年浙江省国际数字贸易进出口1234.1亿元，同比增长34.73%。"
    "杭州数字服务贸易进出口587.06亿元。目前全省跨境电商企业已超过3万家。\n" + XSS
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(args: list[str], what: str = "datasette"):
    """Start a server with ``args`` (a port in them), wait until it answers, yield its URL,
    stop it afterwards."""
    port = args[args.index("--port") + 1]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/-/versions.json", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode("utf-8", "replace") if proc.poll() is not None else ""
                    pytest.fail(f"{what} did not start: {out}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def server(request, tmp_path_factory):
    db = corpus_db(request.config.cache.mkdir("policy-facts-corpus"), tmp_path_factory.mktemp("browser") / "facts.db")
    with running([sys.executable, "-m", "datasette", "serve", str(db), "--host", "127.0.0.1", "--port",
                  str(free_port()), "--metadata", str(ROOT / "datasette-metadata.yml")]) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def test_paste_an_article_and_see_every_figure_marked(server, browser):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/-/verify")
    page.fill("#pf-article", ARTICLE)
    page.fill("#pf-date", "2020-08-20")
    page.click("form.pf-form input[type=submit]")
    page.wait_for_selector(".pf-summary", timeout=60_000)

    marks = page.locator(".pf-article mark.pf-number")
    found = {marks.nth(i).inner_text().rstrip("0123456789"): marks.nth(i).get_attribute("data-status")
             for i in range(marks.count())}
    assert found == {"1234.1亿元": "supported", "34.73%": "supported", "587.06亿元": "contradicted",
                     "3万家": "unsupported"}
    colours = {s: page.locator(f"mark.pf-{s}").first.evaluate("e => getComputedStyle(e).backgroundColor")
               for s in ("supported", "contradicted", "unsupported")}
    assert len(set(colours.values())) == 3  # each status has its own colour

    # the evidence beside each figure: document, page and sentence
    contradicted = page.locator("li.pf-figure[data-status=contradicted]")
    text = contradicted.inner_text()
    assert "source says 578.06亿元" in text and "000_a0f43fa23b887996.pdf" in text and "p. 3" in text
    assert "杭州数字服务贸易进出口578.06亿元" in text
    supported = page.locator("li.pf-figure[data-status=supported]").first.inner_text()
    assert "国际数字贸易进出口为1234.1亿元" in supported

    # what was pasted is shown as text, never run
    assert dialogs == []
    assert XSS in page.locator(".pf-article").inner_text()
    assert page.locator(".pf-article script").count() == 0
    assert XSS in page.input_value("#pf-article")

    # every verdict has a reason, in Chinese and English
    reasons = page.locator("li.pf-figure .pf-reason")
    assert reasons.count() == 4
    assert "疑为数字笔误" in contradicted.locator(".pf-reason").inner_text()

    # the permalink, opened in a new page, shows the same result; the CSV downloads
    assert re.search(r"/-/verify/[0-9a-f]{16}$", page.url)
    permalink = page.locator("a.pf-permalink-link").get_attribute("href")
    again = browser.new_page()
    again.goto(server + permalink)
    again.wait_for_selector(".pf-summary", timeout=60_000)
    assert again.locator(".pf-summary").inner_text() == page.locator(".pf-summary").inner_text()
    marks2 = again.locator(".pf-article mark.pf-number")
    assert [(marks2.nth(i).inner_text(), marks2.nth(i).get_attribute("data-status")) for i in range(marks2.count())] \
        == [(marks.nth(i).inner_text(), marks.nth(i).get_attribute("data-status")) for i in range(marks.count())]
    assert again.locator("li.pf-figure .pf-reason").all_inner_texts() == reasons.all_inner_texts()
    with again.expect_download() as download:
        again.click("a.pf-csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert [(r["quote"], r["status"]) for r in rows] == [
        ("1234.1亿元", "supported"), ("34.73%", "supported"), ("587.06亿元", "contradicted"), ("3万家", "unsupported")]
    assert rows[2]["source_quote"] == "578.06亿元" and rows[2]["reason_en"]
    again.close()
    page.close()


def test_the_form_alone(server, browser):
    page = browser.new_page()
    page.goto(server + "/-/verify")
    assert page.locator("textarea#pf-article").count() == 1
    assert page.locator(".pf-summary").count() == 0
    page.click("form.pf-form input[type=submit]")  # an empty article: the form again, no error
    page.wait_for_load_state()
    assert page.locator("textarea#pf-article").count() == 1 and page.locator(".pf-error").count() == 0
    page.close()
