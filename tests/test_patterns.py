"""Pattern files: checked against their schema when loaded, every key read by code, no word list twice.

A broken file is tried through ``POLICY_FACTS_PATTERNS`` pointing at a temporary copy of the folder.
"""

from __future__ import annotations

import ast
import re
import shutil
import typing
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from extractor.cli import cli
from extractor.errors import PatternError
from extractor.patterns import alternation, check_all, load, patterns_dir
from extractor.patterns.schema import SCHEMAS

PACKAGE = Path(__file__).resolve().parents[1] / "extractor"
SHIPPED = PACKAGE / "patterns"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def patterns_copy(tmp_path, monkeypatch):
    """A copy of the pattern folder, in force (load cache cleared) until the test ends."""
    copy = tmp_path / "patterns"
    shutil.copytree(SHIPPED, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setenv("POLICY_FACTS_PATTERNS", str(copy))
    load.cache_clear()
    yield copy
    load.cache_clear()


def _edit(path: Path, old: str, new: str) -> int:
    """Replace the one line starting with ``old`` (after indentation); return its 1-based number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    hits = [i for i, ln in enumerate(lines) if ln.lstrip().startswith(old)]
    assert len(hits) == 1, f"{old!r} found {len(hits)} times in {path.name}"
    lines[hits[0]] = lines[hits[0]].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    return hits[0] + 1


def test_every_yaml_file_has_a_schema() -> None:
    assert {p.name for p in SHIPPED.glob("*.yml")} == set(SCHEMAS)


def test_the_shipped_files_pass_their_schema() -> None:
    assert check_all() == list(SCHEMAS)
    assert patterns_dir() == SHIPPED


def test_a_misspelt_key_names_file_key_and_line(patterns_copy) -> None:
    line = _edit(patterns_copy / "cues.yml", "growth_after:", "growth_aftr:")
    with pytest.raises(PatternError) as info:
        load("cues.yml")
    err = info.value
    assert (err.file, err.key, err.line) == ("cues.yml", "kind.growth_aftr", line)
    assert str(err).startswith(f"cues.yml:{line}: kind.growth_aftr: unknown key")
    assert "kind.growth_after: missing key" in str(err)  # the key the code reads is gone too


def test_a_value_of_the_wrong_type_is_reported_where_it_stands(patterns_copy) -> None:
    line = _edit(patterns_copy / "periods.yml", "per_year:", "per_year: 3 #")
    with pytest.raises(PatternError) as info:
        load("periods.yml")
    assert (info.value.key, info.value.line) == ("per_year", line)
    assert "list" in info.value.message


def test_a_word_list_item_of_the_wrong_type_points_at_its_line(patterns_copy) -> None:
    """YAML reads an unquoted no as false: a list of words must say so."""
    line = _edit(patterns_copy / "checks.yml", "revised:", "revised: [修订, no, 更正] #")
    with pytest.raises(PatternError) as info:
        load("checks.yml")
    assert (info.value.key, info.value.line) == ("revisions.revised.1", line)


def test_a_broken_regular_expression_is_caught_at_load(patterns_copy) -> None:
    line = _edit(patterns_copy / "checks.yml", "compare:", 'compare: "高于|低于(" #')
    with pytest.raises(PatternError) as info:
        load("checks.yml")
    assert info.value.line == line and info.value.key == "comparisons.compare"
    assert "regular expression" in info.value.message


def test_yaml_syntax_errors_give_the_line(patterns_copy) -> None:
    line = _edit(patterns_copy / "places.yml", "default_country:", "default_country: [中国")
    with pytest.raises(PatternError) as info:
        load("places.yml")
    assert "not valid YAML" in info.value.message
    assert info.value.line is not None and info.value.line >= line


def test_a_year_part_needs_a_relative_template(patterns_copy) -> None:
    _edit(patterns_copy / "periods.yml", "year_parts:", "year_parts: [上半年, 前两季度] #")
    with pytest.raises(PatternError, match="前两季度"):
        load("periods.yml")


def test_a_report_genre_needs_its_year(patterns_copy) -> None:
    line = _edit(patterns_copy / "statements.yml", "半年度报告:", '半年度报告: "H1" #')
    with pytest.raises(PatternError) as info:
        load("statements.yml")
    assert (info.value.key, info.value.line) == ("report_genres.半年度报告", line)
    assert "{Y}" in info.value.message


def test_a_file_without_a_schema_is_refused(patterns_copy) -> None:
    (patterns_copy / "extra.yml").write_text("words: [甲, 乙]\n", encoding="utf-8")
    with pytest.raises(PatternError, match="no schema"):
        load("extra.yml")


def test_the_cli_stops_before_reading_any_document(patterns_copy, tmp_path) -> None:
    line = _edit(patterns_copy / "parse.yml", "byline_words:", "byline_word:")
    db = tmp_path / "out" / "x.db"
    doc = tmp_path / "a.txt"
    doc.write_text("2024年全市出口增长5%。", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(doc), "--db", str(db), "-q"])
    assert result.exit_code == 3
    assert f"parse.yml:{line}: html.byline_word: unknown key" in result.output
    assert str(patterns_copy) in result.output
    assert not db.exists()


# -- every key is read by some code ----------------------------------------------------------


def _section_keys(model: type[BaseModel], data: object, prefix: tuple[str, ...] = ()):
    """Key paths of ``data`` that are fields of a model (a free-form mapping is data, not keys)."""
    if not isinstance(data, dict):
        return
    hints = typing.get_type_hints(model)
    for key, value in data.items():
        path = (*prefix, str(key))
        yield path
        sub = hints.get(str(key))
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            yield from _section_keys(sub, value, path)


def _names_in(tree: ast.AST) -> set[str]:
    """String constants and attribute names of a module: how code reads a key."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.add(node.value)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return names


def test_every_yaml_key_is_read_by_a_module_that_loads_its_file() -> None:
    modules = [_names_in(ast.parse(p.read_text(encoding="utf-8"))) for p in PACKAGE.rglob("*.py")
               if p.parent != SHIPPED]
    unread = []
    for name, model in SCHEMAS.items():
        readers = [m for m in modules if name in m]
        assert readers, f"no module loads {name}"
        read = set().union(*readers)
        unread += [f"{name}: {'.'.join(path)}" for path in _section_keys(model, load(name)) if path[-1] not in read]
    assert not unread, "keys no code reads (remove them, or read them):\n" + "\n".join(unread)


# -- no word list twice ------------------------------------------------------------------------


def _word_lists(model: type[BaseModel], data: dict):
    """(key path, words) of each word list a model declares (lists inside free-form mappings are data)."""
    for path in _section_keys(model, data):
        value: object = data
        for key in path:
            value = value[key]  # type: ignore[index]
        if isinstance(value, list) and len(value) >= 2 and all(isinstance(w, str) for w in value):
            yield ".".join(path), value


def test_no_word_list_twice() -> None:
    seen: dict[frozenset[str], str] = {}
    problems = []
    for name in SCHEMAS:
        for path, words in _word_lists(SCHEMAS[name], load(name)):
            where = f"{name}: {path}"
            dupes = sorted({w for w in words if words.count(w) > 1})
            if dupes:
                problems.append(f"{where} lists {dupes} twice")
            key = frozenset(words)
            if key in seen:
                problems.append(f"{where} repeats {seen[key]}")
            seen.setdefault(key, where)
    assert not problems, "\n".join(problems)


_ALTERNATING = re.compile(r"[\u4e00-\u9fff]+(?:\|[\u4e00-\u9fff]+){2,}")


def _word_lists_in_code(source: str) -> list[tuple[int, str]]:
    """(line, what) for each tuple/list/set of two or more Chinese words and each regex
    alternating three or more Chinese words in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if sum(bool(CJK.search(w)) for w in words) >= 2:
                found.append((node.lineno, str(words)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            m = _ALTERNATING.search(node.value)
            if m:
                found.append((node.lineno, m.group()))
    return found


def test_no_word_lists_left_in_code() -> None:
    """Language is data: the package holds no word list of its own."""
    found = [f"{p.relative_to(PACKAGE)}:{line} {what}" for p in PACKAGE.rglob("*.py")
             for line, what in _word_lists_in_code(p.read_text(encoding="utf-8"))]
    assert not found, "move these word lists to extractor/patterns/*.yml:\n" + "\n".join(found)


def test_the_scan_finds_word_lists_of_both_shapes() -> None:
    source = 'A = ("合计", "总计")\nB = re.compile(r"^(?:合计|总计|共计)")\nC = r"(?:到|至)"\nD = ("x", "合计")\n'
    assert _word_lists_in_code(source) == [(1, "['合计', '总计']"), (2, "合计|总计|共计")]


def test_alternation_keeps_the_order_given() -> None:
    assert alternation(["表", "附表", "Tab."]) == r"表|附表|Tab\."
    assert re.match(alternation(["附表", "表"]), "附表1").group() == "附表"
    assert re.match(alternation(["本期", "本期末"], longest_first=True), "本期末余额").group() == "本期末"
