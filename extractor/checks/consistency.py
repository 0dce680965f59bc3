"""Internal consistency of one document: do its figures agree with each other?

Parts add up to their total (出口 + 进口 = 进出口; the items after 其中; a table's
全省 row against its cities), a share equals part ÷ whole, the shares of one
whole add up to 100, a growth rate agrees with the levels of two periods, a
percentage-point change equals the difference of two rates. Each rule gives
:class:`Check` objects whose tolerance follows the printed precision of their
operands (:mod:`extractor.checks.figures`). The same figure stated twice (in the text
and a table, or in other units) is checked in :mod:`extractor.checks.conflicts`.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from extractor.checks.figures import (
    LEVEL_KINDS,
    RATE_KINDS,
    TRADE_PARTS,
    TRADE_TOTAL,
    DocData,
    Fig,
    TableData,
    cities,
    direction,
    fig_similarity,
    fmt,
    load_tables,
    metric_core,
    name_similarity,
    norm_region,
    parent_region,
    same_region,
    similarity,
)
from extractor.checks.index import MetricIndex, group
from extractor.facts.periods import shift_year
from extractor.facts.regions import gazetteer
from extractor.patterns import alternation, load

_WORDS = load("checks.yml")
_TOTALS = _WORDS["totals"]
TOTAL_LABELS = tuple(_TOTALS["labels"])
_TOTAL_PREFIXES = tuple(_TOTALS["label_prefixes"])
_PARTS_MARKER: str = _TOTALS["parts_marker"]  # 其中
_PART_ROW = re.compile(f"{alternation(_TOTALS['part_rows'])}|[:：]")
_WHOLE_WORDS = re.compile(alternation(_TOTALS["whole_words"]))
SELECTION_CAPTION = re.compile("|".join(_TOTALS["selection_captions"]))


# -- checks ----------------------------------------------------------------------


@dataclass
class Check:
    doc_id: int
    type: str
    status: str
    expected: float
    found: float
    tolerance: float
    unit: str
    fact_id: int | None
    roles: list[tuple[int, str]]
    formula: str
    explanation_zh: str
    explanation_en: str
    table_id: int | None = None

    @property
    def fact_ids(self) -> list[int]:
        return list(dict.fromkeys(i for i, _ in self.roles))


def _status(expected: float, found: float, tol: float) -> str:
    return "pass" if abs(expected - found) <= tol * (1 + 1e-9) + 1e-12 else "fail"


def make_check(
    doc_id: int, typ: str, found: Fig, expected_norm: float, tol_norm: float, roles, formula: str,
    zh: str, en: str, table_id: int | None = None, found_norm: float | None = None,
) -> Check:
    """A check stated in the found figure's written unit."""
    factor = found.factor or 1.0
    fv = (found.v if found_norm is None else found_norm) / factor
    exp, tol = expected_norm / factor, tol_norm / factor
    status = _status(exp, fv, tol)
    verdict_zh, verdict_en = ("相符", "agrees") if status == "pass" else ("不符", "does not agree")
    return Check(
        doc_id=doc_id, type=typ, status=status, expected=exp, found=fv, tolerance=tol,
        unit=found.unit_text, fact_id=found.id, roles=list(roles),
        formula=f"{formula} (±{fmt(tol)})",
        explanation_zh=f"{zh}：应为{fmt(exp)}{found.unit_text}，文中为{fmt(fv)}{found.unit_text}，{verdict_zh}（容差{fmt(tol)}）",
        explanation_en=f"{en}: expected {fmt(exp)} {found.unit_text}, stated {fmt(fv)} {found.unit_text}; "
        f"{verdict_en} (tolerance {fmt(tol)})",
        table_id=table_id,
    )



def _level(f: Fig) -> bool:
    return f.kind in LEVEL_KINDS and not f.vague and f.qualifier in ("eq", "approx")


def _same_frame(a: Fig, b: Fig) -> bool:
    """Same unit, region, period and modality: figures that can add up."""
    return (a.unit_norm == b.unit_norm and same_region(a.region, b.region) and a.period == b.period
            and a.modality == b.modality)


def _sum_check(doc: DocData, total: Fig, parts: list[Fig], typ: str, what_zh: str, what_en: str,
               table_id: int | None = None, roles=("total", "part")) -> Check:
    expected = sum(p.v for p in parts)
    tol = sum(p.h for p in parts) + total.h
    u = total.unit_text
    formula = " + ".join(p.label for p in parts) + f" = {fmt(expected / total.factor)}{u} ≈ {total.label}"
    return make_check(doc.doc_id, typ, total, expected, tol, [(total.id, roles[0])] + [(p.id, roles[1]) for p in parts],
                      formula, f"{what_zh}：" + " + ".join(p.label for p in parts) + f" 与 {total.label}",
                      f"{what_en}: " + " + ".join(p.label for p in parts) + f" vs {total.label}", table_id)


def _continues(doc: DocData, idx: int) -> bool:
    """Whether sentence ``idx`` runs on into the next (ends with ；)."""
    s = doc.sentences.get(idx)
    return bool(s) and s["text"].rstrip()[-1:] in "；;，,"


def text_sum_checks(doc: DocData) -> list[Check]:
    """出口 + 进口 = 进出口, and the items listed after 其中 against their total."""
    levels = [f for f in doc.text_figs if _level(f)]
    done: set[frozenset[int]] = set()
    out = _trade_sum_checks(doc, levels, done)
    return out + _parts_sum_checks(doc, levels, done)


def _trade_sum_checks(doc: DocData, levels: list[Fig], done: set[frozenset[int]]) -> list[Check]:
    """出口 + 进口 = 进出口 within a total's sentence and the next two."""
    out: list[Check] = []
    for i, t in enumerate(levels):
        d = direction(t.core)
        if not d or d[1] != TRADE_TOTAL:
            continue
        window = []
        for f in levels[i + 1:]:  # in reading order: the figures of this and the next two sentences
            if f.sent_idx > t.sent_idx + 2:
                break
            if (f.sent_idx, f.offset) > (t.sent_idx, t.offset):
                window.append(f)
        found: dict[str, Fig] = {}
        for f in window:
            fd = direction(f.core)
            if fd and fd[1] == TRADE_TOTAL:
                break  # a new total begins
            if not fd or not _same_frame(f, t) or fd[1] in found:
                continue
            if fd[0] and d[0] and similarity(fd[0], d[0]) < 0.6:
                continue
            found[fd[1]] = f
        if len(found) == 2:
            parts = [found[w] for w in TRADE_PARTS]
            done.add(frozenset(p.id for p in parts))
            out.append(_sum_check(doc, t, parts, "sum", "出口与进口之和应等于进出口",
                                  "exports plus imports should equal total trade"))
    return out


def _parts_sum_checks(doc: DocData, levels: list[Fig], done: set[frozenset[int]]) -> list[Check]:
    """The items that follow 其中 against the total before it."""
    out: list[Check] = []
    by_sent = group(levels, lambda f: f.sent_idx)
    for idx, s in doc.sentences.items():
        for m in re.finditer(re.escape(_PARTS_MARKER), s["text"]):
            pos = m.start()
            before = [f for f in by_sent.get(idx, []) if f.offset < pos]
            before = before or by_sent.get(idx - 2, []) + by_sent.get(idx - 1, [])
            if not before:
                continue
            total = before[-1]
            nxt = s["text"].find(_PARTS_MARKER, pos + len(_PARTS_MARKER))
            parts = [f for f in by_sent.get(idx, []) if f.offset > pos and (nxt < 0 or f.offset < nxt)]
            j = idx
            while nxt < 0 and _continues(doc, j) and j + 1 in doc.sentences and _PARTS_MARKER not in doc.sentences[j + 1]["text"]:
                j += 1
                parts += by_sent.get(j, [])
            parts = _sibling_parts(total, parts)
            if len(parts) < 2 or frozenset(p.id for p in parts) in done:
                continue
            check = _sum_check(doc, total, parts, "sum", "其中各项之和不应超过总数",
                               "the items after 其中 should add up to the total")
            if check.status == "pass" or check.expected > check.found:
                if check.status == "fail":
                    check.explanation_zh = check.explanation_zh.replace("应为", "各项之和") + "，超过总数"
                    check.explanation_en += "; the parts exceed the total"
                out.append(check)  # parts short of the total may be an incomplete list: no check
                done.add(frozenset(p.id for p in parts))
    return out


def _sibling_parts(total: Fig, parts: list[Fig]) -> list[Fig]:
    """Parts of ``total`` that can be summed: same frame, or one region each within it."""
    same = [p for p in parts if _same_frame(p, total) and p.core != total.core]
    sub = [p for p in parts if p.unit_norm == total.unit_norm and p.period == total.period
           and parent_region(p.region) == norm_region(total.region)]
    parts = same if len(same) >= len(sub) else sub
    if parts is sub and len({norm_region(p.region) for p in sub}) != len(sub):
        return []
    cores = [p.core for p in parts]
    if any((direction(c) or ("", ""))[1] in TRADE_PARTS for c in cores):
        return []  # 出口 + 进口 is the rule above; two exports (出口, 软件出口) nest
    for i, a in enumerate(cores):  # nested items (出口 … 一般贸易出口) do not add up
        if any(i != j and a and b and a != b and (a in b or b in a) for j, b in enumerate(cores)):
            return []
    if parts is same and len(set(cores)) != len(cores):
        return []
    return parts


# -- tables ------------------------------------------------------------------------


def _total_row(t: TableData, data_rows: list[int]) -> int | None:
    for r in data_rows:
        label = re.sub(r"\s", "", t.labels.get(r, ""))
        if label in TOTAL_LABELS or label.startswith(_TOTAL_PREFIXES):
            return r
    regions = {r: next((norm_region(f.region) for (rr, _), f in t.cells.items() if rr == r), None) for r in data_rows}
    for r, reg in regions.items():
        others = [x for rr, x in regions.items() if rr != r]
        if reg and others and all(parent_region(x) == reg for x in others):
            return r
    return None


def table_checks(conn: sqlite3.Connection, doc: DocData) -> list[Check]:  # noqa: C901 (one pass over a table)
    """A total row against the sum of the other rows, shares against part ÷ whole,
    shares of one whole against 100."""
    out: list[Check] = []
    for t in load_tables(conn, doc):
        data_rows = sorted({r for r, _ in t.cells})
        if len(data_rows) < 3 or any(_PART_ROW.match(t.labels.get(r, "")) for r in data_rows):
            continue
        total = _total_row(t, data_rows)
        parts = [r for r in data_rows if r != total]
        regions = {norm_region(t.cells[k].region) for k in t.cells if k[0] in parts}
        province = {parent_region(x) for x in regions}
        # without a total row, the rows are a whole only when they are every city of a province
        complete = (total is None and len(province) == 1 and None not in province
                    and regions == set(cities().get(next(iter(province)), ())))
        if total is None and not complete:
            continue
        selection = bool(SELECTION_CAPTION.search(t.caption))  # 前十: the rows need not make up the total
        cols = sorted({c for _, c in t.cells})
        whole_by_col: dict[int, tuple[float, float, list[Fig]]] = {}
        for c in cols:
            col = t.column(c)
            members = [col.get(r) for r in parts]
            if any(m is None for m in members):
                continue
            members = [m for m in members if m is not None]
            kinds = {m.kind for m in members}
            if len(kinds) != 1 or len({m.unit_norm for m in members}) != 1 or any(m.vague for m in members):
                continue
            kind = kinds.pop()
            tot = col.get(total) if total is not None else None
            if kind in LEVEL_KINDS:
                if tot is not None and tot.unit_norm == members[0].unit_norm:
                    check = _sum_check(doc, tot, members, "sum", "表中各行之和应等于合计行",
                                       "the rows of the table should add up to its total row", t.id)
                    if not selection or check.expected > check.found:
                        out.append(check)
                    whole_by_col[c] = (tot.v, tot.h, [tot])
                elif complete:
                    whole_by_col[c] = (sum(m.v for m in members), sum(m.h for m in members), members)
            elif kind == "share" and members[0].unit_norm == "%" and not selection:
                s = sum(m.v for m in members)
                tol = sum(m.h for m in members)
                roles = [(m.id, "share") for m in members] + ([(tot.id, "total")] if tot is not None else [])
                anchor = tot if tot is not None else members[0]
                formula = " + ".join(fmt(m.v) for m in members) + f" = {fmt(s)}% ≈ 100%"
                out.append(make_check(doc.doc_id, "share_sum", anchor, 100.0, tol, roles, formula,
                                      "同一总体各部分占比之和应为100%", "the shares of one whole should add up to 100%",
                                      t.id, found_norm=s))
        # each row's share against its amount ÷ the whole of that column
        for r in data_rows:
            if r == total:
                continue
            row = {c: f for (rr, c), f in t.cells.items() if rr == r}
            for s in row.values():
                if s.kind != "share" or s.unit_norm != "%" or s.vague:
                    continue
                amounts = [(cc, f) for cc, f in row.items() if f.kind in LEVEL_KINDS and f.period == s.period
                           and cc in whole_by_col]
                if len(amounts) != 1:
                    continue
                cc, part = amounts[0]
                wv, wh, wfigs = whole_by_col[cc]
                if not wv:
                    continue
                out.append(_share_check(doc, s, part, wv, wh, wfigs, t.id))
    return out


def _share_check(doc: DocData, share: Fig, part: Fig, whole_v: float, whole_h: float, whole_figs: list[Fig],
                 table_id: int | None = None) -> Check:
    expected = 100 * part.v / whole_v
    tol = share.tol() + abs(expected) * (part.h / abs(part.v or 1) + whole_h / abs(whole_v))
    whole_label = whole_figs[0].label if len(whole_figs) == 1 else f"Σ{len(whole_figs)}行 = {fmt(whole_v / part.factor)}"
    roles = [(share.id, "share"), (part.id, "part")] + [(w.id, "whole") for w in whole_figs]
    formula = f"{part.label} ÷ {whole_label} = {fmt(expected)}% ≈ {share.label}"
    return make_check(doc.doc_id, "share", share, expected, tol, roles, formula,
                      f"占比应等于部分除以总体（{part.label} ÷ {whole_label}）",
                      f"a share should equal part ÷ whole ({part.label} ÷ {whole_label})", table_id)


# -- shares in the text --------------------------------------------------------------

_SHARES = _WORDS["shares"]
_WHOLE_CUT = re.compile(alternation(_SHARES["whole_ends"]))
_SHARE_VERBS = re.compile(
    f"^(?:{alternation(_SHARES['verbs_before'])})+|(?:{alternation(_SHARES['verbs_after'])})+$"
)


def _whole_phrase(seg: str) -> str | None:
    """What a share is taken of: 占全省数字服务贸易比重 → 全省数字服务贸易, 在全国占比 → 全国;
    "" when the whole is not named, None when the text is no share phrase."""
    pos = seg.rfind("占")
    if pos < 0:
        return None
    if seg.startswith("比", pos + 1):  # 占比: the whole, if named, comes before (在全国占比)
        m = re.search(r"在([^，,；;]{1,12}?)(?:的)?(?:所)?占比", seg)
        return m.group(1) if m else ""
    w = seg[pos + 1 :]
    m = _WHOLE_CUT.search(w)
    w = w[: m.start()] if m else w
    return _SHARE_VERBS.sub("", w.strip())


def text_share_checks(doc: DocData) -> list[Check]:
    """占X比重 N%: the amount before it divided by the whole X."""
    out: list[Check] = []
    text_figs = doc.text_figs
    levels_all = [f for f in doc.figs if _level(f)]
    by_sentence = group(text_figs, lambda f: f.sent_idx)
    levels_by = group(levels_all, lambda w: (w.unit_norm, w.period, w.modality))
    for s in text_figs:
        if s.kind != "share" or s.unit_norm != "%":
            continue
        same = [f for f in by_sentence[s.sent_idx] if f.offset < s.offset]
        parts = [f for f in same if _level(f)]
        if not parts:
            continue
        part = parts[-1]
        sentence = doc.sentences.get(s.sent_idx, {}).get("text", s.sentence)
        seg = sentence[part.offset + len(part.quote) : s.offset]
        if re.search(r"[；;]", seg) or any(f.offset > part.offset and f.kind == "share" for f in same):
            continue
        phrase = _whole_phrase(seg)
        if phrase is None:
            continue
        places = [p for p in gazetteer().find(phrase) if p.level != "org"]
        region = None
        if places:
            p = places[-1]
            region = {"self_province": doc.province, "self_city": doc.city or doc.province,
                      "self_county": doc.city or doc.province}.get(p.level, p.name)
            region = norm_region(region)
        named = metric_core(phrase)
        cands = [w for w in levels_by.get((part.unit_norm, part.period, part.modality), [])
                 if w.id != part.id and w.v > part.v + part.h + w.h]
        whole = None
        if named:
            scored = []
            for w in cands:
                if not same_region(w.region, region or part.region):
                    continue
                sim = name_similarity(named, w)
                if named in w.core and w.core.index(named) > 0:
                    continue  # 数字服务贸易 is part of 服务贸易, not its whole
                if sim >= 0.6:
                    scored.append((sim, w.method != "table", w))
            whole = max(scored, key=lambda x: (x[0], x[1]))[2] if scored else None
        elif region and not same_region(region, part.region):
            scored = [(fig_similarity(part, w), w.method != "table", w) for w in cands if same_region(w.region, region)]
            scored = [x for x in scored if x[0] >= 0.7]
            whole = max(scored, key=lambda x: (x[0], x[1]))[2] if scored else None
        elif not region and _WHOLE_WORDS.search(phrase):
            near = [w for w in cands if w.method != "table" and w.sent_idx is not None
                    and s.sent_idx - 3 <= w.sent_idx and (w.sent_idx, w.offset) < (part.sent_idx, part.offset)
                    and same_region(w.region, part.region)]
            whole = near[-1] if near else None
        if whole is not None:
            out.append(_share_check(doc, s, part, whole.v, whole.h, [whole]))
    return out


# -- percentage points and growth ------------------------------------------------------

_CMP = _WORDS["comparisons"]
_COMPARE = re.compile(_CMP["compare"])
_DOWN = re.compile(alternation(_CMP["down"]))
_LAST_PERIOD = re.compile(alternation(_CMP["last_period"]))
_YEAR_ON_YEAR = tuple(_CMP["year_on_year"])  # 同比: 比 after 同
_GROWTH = _WORDS["growth"]
_MONTH_ON_MONTH = tuple(_GROWTH["month_on_month"])
_ANNUAL = re.compile(alternation(_GROWTH["annual"]))
_GROWTH_WORDS = re.compile(alternation(_GROWTH["growth_words"]))


def pp_checks(doc: DocData) -> list[Check]:
    """N个百分点 = the difference of the two rates it compares."""
    out: list[Check] = []
    text_figs = doc.text_figs
    rates = [f for f in doc.figs if f.kind in RATE_KINDS and f.unit_norm == "%" and f.qualifier in ("eq", "approx")]
    text_rates = group((f for f in rates if f.method != "table"), lambda f: f.sent_idx)
    framed = group(rates, lambda f: (f.period, norm_region(f.region)))
    for p in text_figs:
        if p.unit_norm != "pp" or p.qualifier not in ("eq", "approx"):
            continue
        sentence = doc.sentences.get(p.sent_idx, {}).get("text", p.sentence)
        pre = sentence[: p.offset]
        pre = pre[max(pre.rfind("；"), pre.rfind(";")) + 1 :]
        in_sentence = [f for f in text_rates.get(p.sent_idx, []) if f.offset < p.offset]
        frame = (p.period, norm_region(p.region))
        a = b = None
        down = False
        # 从X%提高到Y%，提高N个百分点
        m = re.search(r"[从由][^，,；;]*?$", pre[: in_sentence[-2].offset] if len(in_sentence) >= 2 else "")
        if len(in_sentence) >= 2 and m and re.search(r"[到至]", sentence[in_sentence[-2].offset : in_sentence[-1].offset]):
            b, a = in_sentence[-2], in_sentence[-1]
        else:
            cmp_ = list(_COMPARE.finditer(pre))
            if not cmp_:
                continue
            c = cmp_[-1]
            left, right = pre[: c.start()], pre[c.end():]
            down = bool(_DOWN.search(c.group() + right))
            if _LAST_PERIOD.match(right) or pre[max(0, c.start() - 1): c.end()] in _YEAR_ON_YEAR:
                continue  # against last year's rate, which the text does not give
            left_rates = [f for f in in_sentence if f.offset < c.start()]
            a = left_rates[-1] if left_rates else _best_rate(framed.get(frame, []), left, p, exclude=None)
            if a is None:
                continue
            b = _best_rate(framed.get(frame, []), right, p, exclude=a)
            places = [x for x in gazetteer().find(right) if x.level != "org" and not x.level.startswith("self_")]
            if b is None and places and not metric_core(right):  # 比全国高2个百分点: the same rate elsewhere
                other = [f for f in framed.get((a.period, norm_region(places[0].name)), [])
                         if f is not a and f.kind == a.kind and fig_similarity(f, a) >= 0.7]
                b = max(other, key=lambda f: fig_similarity(f, a)) if other else None
        if a is None or b is None or a.kind != b.kind:
            continue
        expected = (b.v - a.v) if down else (a.v - b.v)
        tol = a.h + b.h + p.h
        formula = f"{b.label} − {a.label}" if down else f"{a.label} − {b.label}"
        formula += f" = {fmt(expected)} ≈ {p.label}"
        out.append(make_check(doc.doc_id, "pp_change", p, expected, tol, [(p.id, "pp"), (a.id, "rate_a"), (b.id, "rate_b")],
                              formula, f"百分点变化应等于两个比率之差（{a.label}、{b.label}）",
                              f"a percentage-point change should equal the difference of the two rates ({a.label}, {b.label})",
                              found_norm=abs(p.v)))
    return out


def _best_rate(rates: list[Fig], phrase: str, p: Fig, exclude: Fig | None) -> Fig | None:
    core = metric_core(phrase)
    if not core:
        return None
    scored = []
    for f in rates:
        if f is exclude or (exclude is not None and f.v == exclude.v and f.core == exclude.core):
            continue
        if f.period != p.period or not same_region(f.region, p.region):
            continue
        sim = name_similarity(core, f)
        if sim >= 0.6:
            scored.append((round(sim, 3), not f.vague, f.method != "table", -abs((f.sent_idx or 0) - (p.sent_idx or 0)), f))
    if not scored:
        return None
    return max(scored, key=lambda x: x[:4])[4]


def growth_checks(doc: DocData) -> list[Check]:
    """A growth rate against the levels of its two periods, when both are given."""
    out: list[Check] = []
    levels = [f for f in doc.figs if _level(f) and f.period]
    rows_of = group((f for f in levels if f.table_id is not None), lambda f: (f.table_id, f.row))
    in_sentence = group((f for f in levels if f.method != "table"), lambda f: f.sent_idx)
    frames = group(levels, lambda f: (f.period, f.unit_norm, norm_region(f.region)))
    indexes: dict[tuple, MetricIndex] = {}
    for g in doc.figs:
        if g.kind != "growth" or g.unit_norm != "%" or g.vague or not g.period or g.qualifier not in ("eq", "approx"):
            continue
        if any(w in (g.metric or "") + g.sentence[max(0, g.offset - 8): g.offset] for w in _MONTH_ON_MONTH):
            continue  # against the previous month or quarter, not the previous year
        span = re.fullmatch(r"((?:19|20)\d{2})/((?:19|20)\d{2})", g.period)
        annual = bool(_ANNUAL.search((g.metric or "") + g.sentence[max(0, g.offset - 12): g.offset]))
        if span:
            cur_p, base_p = span.group(2), span.group(1)
        elif _GROWTH_WORDS.search(g.metric or g.sentence):
            cur_p, base_p = g.period, shift_year(g.period, -1)
        else:
            continue
        if g.method == "table":
            same_row = rows_of.get((g.table_id, g.row), [])
            l1 = next((f for f in same_row if f.period == cur_p), None)
            l0_cands = [f for f in same_row if f.period == base_p]
        else:
            before = [f for f in in_sentence.get(g.sent_idx, []) if f.offset < g.offset and f.period == cur_p]
            l1 = before[-1] if before else None
            l0_cands = []
        if l1 is None or not same_region(l1.region, g.region):
            continue
        key = (base_p, l1.unit_norm, norm_region(l1.region))
        if not l0_cands and key in frames:
            index = indexes.get(key) or indexes.setdefault(key, MetricIndex(frames[key]))
            l0_cands = [f for f in index.candidates(l1, 0.7) if fig_similarity(f, l1) >= 0.7]
        if not l0_cands or not l0_cands[0].v:
            continue
        l0 = max(l0_cands, key=lambda f: fig_similarity(f, l1))
        ratio = l1.v / l0.v
        rel = l1.h / abs(l1.v) + l0.h / abs(l0.v)
        if span and annual:
            n = int(cur_p) - int(base_p)
            if ratio <= 0 or n <= 0:
                continue
            expected = (ratio ** (1 / n) - 1) * 100
            tol = g.tol() + 100 * ratio ** (1 / n) * rel / n
            how = f"({l1.label} ÷ {l0.label})^(1/{n}) − 1"
        else:
            expected = (ratio - 1) * 100
            tol = g.tol() + 100 * ratio * rel
            how = f"{l1.label} ÷ {l0.label} − 1"
        out.append(make_check(doc.doc_id, "growth", g, expected, tol, [(g.id, "growth"), (l1.id, "level_end"),
                                                                        (l0.id, "level_start")],
                              f"{how} = {fmt(expected)}% ≈ {g.label}",
                              f"增速应与{base_p}和{cur_p}两期数值一致", f"the growth rate should agree with the levels of {base_p} and {cur_p}",
                              g.table_id))
    return out
