#!/usr/bin/env python3
"""Score the attributions of a facts database against hand-annotated gold.

    python scripts/score_claims.py DB [--gold tests/gold/claims_realdocs.jsonl] [--json] [--show N]

A gold line is one attributed statement of one document (``doc`` is the file
stem), written down as a careful editor would:

  kind          person | anonymous (业内人士, 该项目业主) | organisation (龙湖方面回应称)
                | source (another medium: 据彭博社报道)
  speaker       the name, the unnamed speaker as written, the organisation or the medium
  organisation  accepted names of the speaker's own organisation (a list), or null
  first, last   text inside the statement's first and last sentences (last defaults to first);
                ``occurrence`` picks the n-th sentence holding ``first`` when it repeats
  figures       quotes of the figures the statement gives (they must link to its claim)
  optional      borderline: finding it is neither rewarded nor punished

A predicted attribution (a ``claims`` row) matches a gold statement of its
document when their sentence ranges overlap and the speaker agrees: the same
name for a person; no name for an unnamed speaker or an organisation; the
medium in ``source`` (or ``organisation``) for a source. Pairs are matched one
to one, most overlap first. Predicted attributions matching nothing are false
positives, except those matching an optional statement. Also reported: the
organisation right (of matched statements whose gold names one), the speaker
kind right (when the database has ``claims.speaker_kind``), spans covering
the statement, and figures (gold figures linked to the matched claim, and
linked figures lying inside the gold statement). Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold" / "claims_realdocs.jsonl"
WS = re.compile(r"\s+")
KINDS = ("person", "anonymous", "organisation", "source")


def squeeze(text: str | None) -> str:
    return WS.sub("", text or "")


def load_gold(path: Path) -> dict[str, list[dict]]:
    gold: dict[str, list[dict]] = defaultdict(list)
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            item = json.loads(line)
            item["_line"] = n
            gold[item["doc"]].append(item)
    return gold


def _doc_ids(con: sqlite3.Connection, stems: list[str]) -> dict[str, int]:
    out = {}
    for doc_id, path in con.execute("select id, path from documents"):
        name = Path(str(path)).name
        stem = name.rsplit(".", 1)[0]
        if stem in stems:
            out[stem] = doc_id
    return out


def _locate(sents: list[str], needle: str, start: int = 0, occurrence: int = 1) -> int | None:
    """Index of the sentence holding ``needle`` (or where it starts, when it runs over two)."""
    needle = squeeze(needle)
    seen = 0
    for i in range(start, len(sents)):
        after = sents[i + 1] if i + 1 < len(sents) else ""
        if needle in sents[i] or (needle in sents[i] + after and needle not in after):
            seen += 1
            if seen == occurrence:
                return i
    return None


def _speaker_ok(g: dict, p: dict) -> bool:
    kind, speaker = g["kind"], squeeze(g.get("speaker"))
    if kind == "person":
        return squeeze(p["speaker"]) in {speaker, *map(squeeze, g.get("aliases", []))}
    if kind in ("anonymous", "organisation"):
        return not p["speaker"]
    return speaker in squeeze(p["source"]) or (not p["speaker"] and speaker in squeeze(p["organisation"]))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0]) + 1


class _Tally:
    """What a run counts: matches, misses, extras, attributes right, and what was wrong."""

    def __init__(self, has_kind: bool) -> None:
        self.has_kind = has_kind
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # name → [right, total]
        self.by_kind = {k: [0, 0] for k in KINDS}
        self.tp = self.fn = self.fp = 0
        self.misses: list[dict] = []
        self.extras: list[dict] = []
        self.unlocated: list[str] = []
        self.wrong: list[str] = []
        self.per_doc: dict[str, dict] = {}

    def check(self, name: str, ok: bool, problem: str) -> None:
        self.counts[name][0] += bool(ok)
        self.counts[name][1] += 1
        if not ok:
            self.wrong.append(problem)


def _claims(con: sqlite3.Connection, doc_id: int, pos: dict[int, int]) -> list[dict]:
    """The document's attributions, each with its sentence range and the figures linked to it
    (or to a target or ranking said inside it, which carries its speaker)."""
    claims = []
    for r in con.execute("select * from claims where doc_id = ?", (doc_id,)):
        p = dict(r)
        a = pos.get(p["sentence_id"])
        if a is None:
            continue
        b = pos.get(p["sentence_end_id"], a)
        p["range"] = (a, b if b is not None else a)
        p["linked"] = [(f["quote"], pos.get(f["sentence_id"])) for f in
                       con.execute("select quote, sentence_id from facts where claim_id = ?", (p["id"],))]
        claims.append(p)
    preds = [p for p in claims if p["claim_type"] == "attribution"]
    for p in preds:
        who = (p["speaker"], p["speaker_title"], p["organisation"])
        p["linked"] += [f for c in claims if c["claim_type"] != "attribution" and p["range"][0] <= c["range"][0]
                        and c["range"][1] <= p["range"][1]
                        and (c["speaker"], c["speaker_title"], c["organisation"]) == who for f in c["linked"]]
    return preds


def _match(located: list[tuple[dict, tuple[int, int]]], preds: list[dict]) -> list[tuple[int, int]]:
    """(gold, prediction) index pairs, one to one, most overlap first."""
    pairs = [(_overlap(gr, p["range"]), gi, pi) for gi, (g, gr) in enumerate(located)
             for pi, p in enumerate(preds) if _overlap(gr, p["range"]) > 0 and _speaker_ok(g, p)]
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, gi, pi in sorted(pairs, key=lambda t: (-t[0], t[1], t[2])):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return out


def _attributes(t: _Tally, where: str, g: dict, span: tuple[int, int], p: dict) -> None:
    """Organisation, kind, span and figures of one matched statement."""
    a, b = span
    if g.get("organisation"):
        t.check("organisation", squeeze(p["organisation"]) in {squeeze(o) for o in g["organisation"]},
                f"{where} organisation {p['organisation']!r}, gold {g['organisation']}")
    if t.has_kind:
        t.check("kind", p["speaker_kind"] == g["kind"], f"{where} kind {p['speaker_kind']!r}, gold {g['kind']!r}")
    t.check("span_covers", p["range"][0] <= a and p["range"][1] >= b, f"{where} span {p['range']} for {span}")
    t.counts["span_exact"][0] += p["range"] == span
    t.counts["span_exact"][1] += 1
    quotes = [squeeze(q) for q, _ in p["linked"]]
    for fig in g.get("figures", []):
        t.check("figures_linked", any(squeeze(fig) in q or q in squeeze(fig) for q in quotes),
                f"{where} figure {fig!r} not linked (linked: {quotes})")
    for q, i in p["linked"]:
        t.check("linked_inside", i is not None and a <= i <= b, f"{where} figure {q!r} linked from outside the statement")


def _score_doc(t: _Tally, con: sqlite3.Connection, stem: str, doc_id: int, items: list[dict]) -> None:
    rows = con.execute("select id, idx, text from sentences where doc_id = ? order by idx", (doc_id,)).fetchall()
    sents = [squeeze(r["text"]) for r in rows]
    preds = _claims(con, doc_id, {r["id"]: n for n, r in enumerate(rows)})
    located = []
    for g in items:
        a = _locate(sents, g["first"], occurrence=g.get("occurrence", 1))
        b = _locate(sents, g["last"], a) if a is not None and g.get("last") else a
        if a is None or b is None:
            t.unlocated.append(f"{stem}:{g['_line']}: cannot find {g['first']!r} / {g.get('last')!r}")
        else:
            located.append((g, (a, b)))
    matched = dict(_match(located, preds))
    required = [(gi, g, span) for gi, (g, span) in enumerate(located) if not g.get("optional")]
    tp = sum(1 for gi, _, _ in required if gi in matched)
    fn = sum(1 for g in items if not g.get("optional")) - tp
    fp = len(preds) - len(matched)
    for gi, g, span in required:
        t.by_kind[g["kind"]][1] += 1
        if gi in matched:
            t.by_kind[g["kind"]][0] += 1
            _attributes(t, f"{stem}:{g['_line']}", g, span, preds[matched[gi]])
        else:
            t.misses.append({"doc": stem, "line": g["_line"], "kind": g["kind"], "speaker": g["speaker"],
                             "sentence": rows[span[0]]["text"][:80]})
    used = set(matched.values())
    t.extras += [{"doc": stem, "speaker": p["speaker"], "title": p["speaker_title"], "organisation": p["organisation"],
                  "source": p["source"], "text": p["text"][:60]} for pi, p in enumerate(preds) if pi not in used]
    t.tp, t.fn, t.fp = t.tp + tp, t.fn + fn, t.fp + fp
    t.per_doc[stem] = {"tp": tp, "fn": fn, "fp": fp}


def score(db: Path, gold_path: Path = GOLD, show: int = 0) -> dict:
    """Precision and recall of the attributions in ``db`` against the gold, and their attributes."""
    gold = load_gold(gold_path)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    t = _Tally("speaker_kind" in {r[1] for r in con.execute("pragma table_info(claims)")})
    ids = _doc_ids(con, sorted(gold))
    for stem, items in sorted(gold.items()):
        if stem in ids:
            _score_doc(t, con, stem, ids[stem], items)
        else:
            t.unlocated.append(f"{stem}: document not in the database")
            t.fn += sum(1 for g in items if not g.get("optional"))
    prec = t.tp / (t.tp + t.fp) if t.tp + t.fp else 0.0
    rec = t.tp / (t.tp + t.fn) if t.tp + t.fn else 0.0
    result = {
        "overall": {"precision": round(prec, 3), "recall": round(rec, 3),
                    "f1": round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0,
                    "tp": t.tp, "fp": t.fp, "fn": t.fn},
        "recall_by_kind": {k: f"{ok}/{n}" for k, (ok, n) in t.by_kind.items()},
        "attributes": {k: round(ok / n, 3) for k, (ok, n) in sorted(t.counts.items()) if n},
        "counts": {k: f"{ok}/{n}" for k, (ok, n) in sorted(t.counts.items())},
        "documents": t.per_doc,
        "unlocated": t.unlocated,
    }
    if show:
        result["missed"] = t.misses[:show]
        result["extra"] = t.extras[:show]
        result["wrong"] = t.wrong[:show]
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("db", type=Path)
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--json", action="store_true", help="print the whole result as JSON")
    ap.add_argument("--show", type=int, default=0, metavar="N", help="list up to N missed and N extra attributions")
    args = ap.parse_args()
    if not args.db.exists():
        print(f"no database at {args.db}", file=sys.stderr)
        return 2
    r = score(args.db, args.gold, args.show)
    if args.json:
        print(json.dumps(r, ensure_ascii=False, indent=1))
        return 0
    for stem, d in r["documents"].items():
        print(f"{stem:40s} tp {d['tp']:3d}  fp {d['fp']:3d}  fn {d['fn']:3d}")
    o = r["overall"]
    print(f"overall  P {o['precision']:.3f}  R {o['recall']:.3f}  F1 {o['f1']:.3f}  (tp {o['tp']} fp {o['fp']} fn {o['fn']})")
    print("recall by kind:", r["recall_by_kind"])
    print("attributes:", r["attributes"], r["counts"])
    for line in r["unlocated"]:
        print("UNLOCATED", line)
    for key in ("missed", "extra", "wrong"):
        for item in r.get(key, []):
            print(key.upper(), item if isinstance(item, str) else json.dumps(item, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
