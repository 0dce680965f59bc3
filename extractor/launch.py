"""The ``policy-facts`` command's entry point: the command line (:mod:`extractor.cli`), preceded,
for ``policy-facts ingest``, by the start of the workers' forkserver.

The forkserver takes ~1.5 s to load the parsers and models; started here, before the command
line, its settings and the pattern check are imported and run (~0.3 s), it loads on another
core meanwhile. The arguments are only glanced at (:func:`reads_locally`): a wrong guess costs
time, never a result — a forkserver no run used is ended with the command (it would otherwise
hold the command's output open until it had loaded), and the ingest command starts it itself
when it is not running.
"""

from __future__ import annotations

import sys

__all__ = ["main", "reads_locally"]


def reads_locally(args: list[str]) -> bool:
    """Whether ``policy-facts ARGS`` is an ingest that reads with local worker processes (not
    ``--workers 0``, ``--cluster``, or ``--help``)."""
    if args[:1] != ["ingest"]:
        return False
    rest = args[1:]
    for i, arg in enumerate(rest):
        if arg == "--":
            break
        if arg == "--help" or arg == "--cluster" or arg.startswith("--cluster="):
            return False
        if arg in ("--workers", "-w"):
            value = rest[i + 1] if i + 1 < len(rest) else ""
        elif arg.startswith("--workers="):
            value = arg.partition("=")[2]
        elif arg.startswith("-w") and not arg.startswith("--"):
            value = arg[2:]
        else:
            continue
        if value.strip().isdigit() and int(value) == 0:
            return False
    return True


def main() -> None:
    """Run ``policy-facts``."""
    if not reads_locally(sys.argv[1:]):
        from extractor.cli import cli

        cli()
        return
    from extractor.ingest import forkserver

    forkserver.start()
    try:
        from extractor.cli import cli

        cli()
    finally:
        forkserver.stop_if_unused()  # the command stopped before reading anything


if __name__ == "__main__":
    main()
