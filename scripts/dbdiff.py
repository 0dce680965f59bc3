#!/usr/bin/env python3
"""Compare two facts databases row for row, ignoring timestamps.

    python scripts/dbdiff.py OLD.db NEW.db [--tables facts,claims,...] [--show 10]

Used to show that a refactor changes no data: exit code 0 when the content
tables hold the same rows, 1 otherwise (with the first differences printed).
Columns that exist in only one database are ignored, so a schema that gained a
column can still be compared on what the two have in common.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys

VOLATILE = {"ingested_at", "checked_at", "created_at", "extractor_version"}
DEFAULT_TABLES = ("documents", "sentences", "facts", "claims", "entities", "claim_entities",
                  "tables", "table_cells", "checks", "check_facts", "conflicts")


def columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in con.execute(f"pragma table_info([{table}])")]


def rows(con: sqlite3.Connection, table: str, cols: list[str]) -> list[tuple]:
    sel = ", ".join(f"[{c}]" for c in cols)
    return sorted(con.execute(f"select {sel} from [{table}]").fetchall(), key=repr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--tables", default=",".join(DEFAULT_TABLES))
    ap.add_argument("--show", type=int, default=5)
    args = ap.parse_args()
    a, b = sqlite3.connect(args.old), sqlite3.connect(args.new)
    same = True
    for table in args.tables.split(","):
        ca, cb = columns(a, table), columns(b, table)
        if not ca or not cb:
            print(f"{table}: missing in {'old' if not ca else 'new'}")
            same = False
            continue
        common = [c for c in ca if c in cb and c not in VOLATILE]
        ra, rb = rows(a, table, common), rows(b, table, common)
        if ra == rb:
            print(f"{table}: {len(ra)} rows, identical")
            continue
        same = False
        sa, sb = set(ra), set(rb)
        only_a, only_b = sorted(sa - sb, key=repr), sorted(sb - sa, key=repr)
        print(f"{table}: {len(ra)} vs {len(rb)} rows; {len(only_a)} only in old, {len(only_b)} only in new")
        for r in only_a[: args.show]:
            print("  - " + repr(dict(zip(common, r, strict=True)))[:400])
        for r in only_b[: args.show]:
            print("  + " + repr(dict(zip(common, r, strict=True)))[:400])
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
