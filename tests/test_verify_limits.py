"""Bounded verification (issue 20): article size caps, dates checked, work off the event loop, 404s."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from datasette.app import Datasette

sys.path.insert(0, str(Path(__file__).parent))
from fixtures_bad import policy_sentences, text_doc  # noqa: E402

from extractor.checks.verify import MAX_ARTICLE_BYTES, MAX_ARTICLE_CHARS, article_date, parse_article  # noqa: E402
from extractor.errors import DocumentTooLarge, InvalidDate  # noqa: E402
from extractor.ingest.pipeline import ingest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).with_name("policy-facts")
CMD = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "extractor.cli"]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sources")
    for i in range(4):
        text_doc(folder / f"s{i}.txt", i, n=12)
    path = folder / "facts.db"
    ingest([folder], path, workers=0)
    return path


def verify_cli(db: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CMD, "verify", *args, "--db", str(db)], input=stdin, capture_output=True, cwd=ROOT,
                          timeout=300)


def article(chars: int) -> str:
    """An article of about ``chars`` characters, full of figures."""
    text, i = [], 0
    while sum(map(len, text)) < chars:
        text += policy_sentences(i, 12)
        i += 1
    return "\n".join(text)[:chars]


def test_dates_are_checked() -> None:
    assert article_date("2024年5月1日") == "2024-05-01" and article_date("") is None
    for bad in ("May 2024", "2024-13-45", "soon"):
        with pytest.raises(InvalidDate, match="is not a date: write it as 2024-05-01"):
            article_date(bad)


def test_the_command_line_refuses_bad_dates_and_huge_articles_with_exit_code_2(db: Path, tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text(article(300), encoding="utf-8")
    run = verify_cli(db, str(good), "--date", "May 2024")
    assert run.returncode == 2 and b"Traceback" not in run.stderr
    assert b"--date: the date 'May 2024' is not a date: write it as 2024-05-01" in run.stderr
    assert verify_cli(db, str(good), "--date", "2024-05-01").returncode in (0, 1)
    big = tmp_path / "big.html"
    with open(big, "wb") as fh:
        fh.write(b"<html><body><p>" + b"x" * (MAX_ARTICLE_BYTES + 10) + b"</p></body></html>")
    for args, stdin in (([str(big)], None), (["-"], big.read_bytes())):
        run = verify_cli(db, *args, stdin=stdin)
        assert run.returncode == 2 and b"at most 5 MB" in run.stderr and b"verify it in parts" in run.stderr
    long = tmp_path / "long.txt"
    long.write_text(article(MAX_ARTICLE_CHARS + 1000), encoding="utf-8")
    run = verify_cli(db, str(long))
    assert run.returncode == 2 and b"characters" in run.stderr and b"200,000" in run.stderr


def test_parse_article_caps_bytes_and_characters() -> None:
    with pytest.raises(DocumentTooLarge, match="bytes"):
        parse_article(b"a" * (MAX_ARTICLE_BYTES + 1), "x.txt")
    with pytest.raises(DocumentTooLarge, match="characters"):
        parse_article(article(MAX_ARTICLE_CHARS + 10).encode(), "x.txt")


def form(**fields: str) -> bytes:
    return urllib.parse.urlencode(fields).encode()


HEADERS = {"content-type": "application/x-www-form-urlencoded"}


def test_the_verify_page_refuses_what_it_cannot_take_and_says_why(db: Path, policy_facts_plugin) -> None:
    async def run():
        ds = Datasette([str(db)])
        huge = await ds.client.post("/-/verify.json", content=b"article=" + b"x" * (10 << 20), headers=HEADERS)
        long = await ds.client.post("/-/verify.json", content=form(article=article(MAX_ARTICLE_CHARS + 100)),
                                    headers=HEADERS)
        dated = await ds.client.post("/-/verify.json", content=form(article=article(200), date="May 2024"),
                                     headers=HEADERS)
        page = await ds.client.post("/-/verify", content=form(article=article(200), date="May 2024"),
                                    headers=HEADERS)
        ok = await ds.client.post("/-/verify.json", content=form(article=article(400), date="2024-05-01"),
                                  headers=HEADERS)
        table = await ds.client.get("/-/source-table/99999999999999999999999999")
        return huge, long, dated, page, ok, table

    huge, long, dated, page, ok, table = asyncio.run(run())
    assert huge.status_code == 413 and "verify the article in parts" in huge.json()["error"]
    assert long.status_code == 413 and "200,000 characters" in long.json()["error"]
    assert dated.status_code == 400 and "'May 2024' is not a date" in dated.json()["error"]
    assert page.status_code == 400 and "is not a date" in page.text
    assert ok.status_code == 200 and ok.json()["error"] is None and ok.json()["numbers"]
    assert table.status_code == 404


def test_verifying_leaves_the_server_free_to_answer(db: Path, policy_facts_plugin, monkeypatch) -> None:
    """An article is verified in a thread: other requests are answered meanwhile. The verification
    is held until the search has been answered: on the event loop it would hold the search back
    (for 10 s, then the test fails) instead of waiting for it."""
    import threading

    from extractor.checks import verify

    release = threading.Event()
    real = verify.verify_text

    def held(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(verify, "verify_text", held)

    async def run():
        ds = Datasette([str(db)])
        await ds.client.get("/-/search.json?q=x")  # start-up work done before the race
        post = asyncio.create_task(ds.client.post(
            "/-/verify.json", content=form(article=article(3000)), headers=HEADERS))
        await asyncio.sleep(0.2)
        answered = await ds.client.get("/-/search.json?q=" + urllib.parse.quote("数字贸易"))
        busy = not post.done()
        release.set()
        result = await post
        return answered, busy, result

    answered, busy, result = asyncio.run(run())
    assert answered.status_code == 200 and answered.json()["count"] > 0
    assert busy, "the search was answered only after the verification finished"
    assert result.status_code == 200 and len(result.json()["numbers"]) > 20


def test_the_permalink_flow_reads_the_form_with_its_cap_and_verifies_off_the_event_loop(
        db: Path, policy_facts_plugin, monkeypatch, tmp_path: Path) -> None:
    """POST /-/verify → a redirect to /-/verify/ID: verified in a worker thread; a form over
    the cap is refused before anything is verified or kept."""
    import shutil
    import sqlite3
    import threading

    from extractor.checks import verify

    copy = tmp_path / "facts.db"
    shutil.copy(db, copy)
    with sqlite3.connect(copy) as conn:  # the module's other tests may have kept some already
        conn.execute("drop table if exists verifications")
    threads: list[int] = []
    real = verify.verify_text

    def spy(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(verify, "verify_text", spy)

    async def run():
        ds = Datasette([str(copy)])
        huge = await ds.client.post("/-/verify", content=b"article=" + b"x" * (10 << 20), headers=HEADERS)
        sent = await ds.client.post("/-/verify", content=form(article=article(400), date="2024年5月1日"),
                                    headers=HEADERS)
        link = sent.headers.get("location", "")
        shown = await ds.client.get(link)
        kept = await ds.client.get(link + ".json")
        return threading.get_ident(), huge, sent, shown, kept

    loop_thread, huge, sent, shown, kept = asyncio.run(run())
    assert huge.status_code == 413 and "verify the article in parts" in huge.text
    assert sent.status_code == 302 and "/-/verify/" in sent.headers["location"]
    assert shown.status_code == 200 and kept.json()["numbers"] and kept.json()["article"]["date"] == "2024-05-01"
    assert threads and loop_thread not in threads  # verified once, in a worker thread
    with sqlite3.connect(copy) as conn:
        assert conn.execute("select count(*) from verifications").fetchone()[0] == 1  # not the refused form
