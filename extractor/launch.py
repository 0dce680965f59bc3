"""The ``policy-facts`` command's entry point: the command line (:mod:`extractor.cli`), preceded,
for ``policy-facts ingest``, by the start of the workers' forkserver.

The forkserver takes ~1.2 s to load the parsers and models; started here, before the command
line, its settings and the pattern check are imported and run (~0.3 s), it loads on another
core meanwhile. The arguments are only glanced at (:func:`reads_locally`): a wrong guess costs
time, never a result — a forkserver no run used is ended with the command (it would otherwise
hold the command's output open until it had loaded), and the ingest command starts it itself
when it is not running.
"""

from __future__ import annotations

import sys

__all__ = ["main", "may_ocr", "reads_locally"]

#: the ingest options glanced at, by how they are spelled
_OPTIONS = {"--workers": "workers", "-w": "workers", "--ocr": "ocr", "--cluster": "cluster", "--help": "help"}


def _glance(args: list[str]) -> dict[str, str] | None:
    """The options of ``policy-facts ingest ARGS`` that :data:`_OPTIONS` names, the last of each
    (as the command line takes them), or None for another command."""
    if args[:1] != ["ingest"]:
        return None
    seen: dict[str, str] = {}
    rest = args[1:]
    for i, arg in enumerate(rest):
        if arg == "--":
            break
        name, eq, value = arg.partition("=")
        if eq and name in _OPTIONS and name.startswith("--"):  # --workers=2
            seen[_OPTIONS[name]] = value
        elif arg in _OPTIONS:  # --workers 2 (for --help: whatever follows)
            seen[_OPTIONS[arg]] = rest[i + 1] if i + 1 < len(rest) else ""
        elif arg.startswith("-w") and not arg.startswith("--"):
            seen["workers"] = arg[2:]
    return seen


def reads_locally(args: list[str]) -> bool:
    """Whether ``policy-facts ARGS`` is an ingest that reads with local worker processes (not
    ``--workers 0``, ``--cluster``, or ``--help``)."""
    seen = _glance(args)
    if seen is None or "help" in seen or "cluster" in seen:
        return False
    workers = seen.get("workers", "").strip()
    return not (workers.isdigit() and int(workers) == 0)


def may_ocr(args: list[str]) -> bool:
    """Whether the ingest ``policy-facts ARGS`` may run OCR (not ``--ocr off``)."""
    return (_glance(args) or {}).get("ocr") != "off"


def main() -> None:
    """Run ``policy-facts``."""
    if not reads_locally(sys.argv[1:]):
        from extractor.cli import cli

        cli()
        return
    from extractor.ingest import forkserver

    forkserver.start(ocr=may_ocr(sys.argv[1:]))
    try:
        from extractor.cli import cli

        cli()
    finally:
        forkserver.stop_if_unused()  # the command stopped before reading anything


if __name__ == "__main__":
    main()
