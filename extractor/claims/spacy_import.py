"""``import spacy`` without spaCy's command line.

spaCy's ``__init__`` imports its command-line package, ``spacy.cli``, for one name:
``spacy.info``. That package imports typer, weasel, requests and the training configs:
~0.17 s and ~18 MB of the ~0.45 s and ~92 MB that ``import spacy`` costs, paid by the
forkserver of every ingest before the first worker can start (and counted again in each
worker's memory). The claims pipeline (``spacy.blank``, an EntityRuler, ``Doc``) never uses it;
spaCy itself means to load it lazily (explosion/spaCy#13933).

While spaCy is imported, :func:`import_spacy` puts an empty stand-in for ``spacy.cli`` in its
place, whose ``info`` imports the real one when called; the stand-in is taken away as soon as
spaCy is imported, so ``import spacy.cli`` later imports the real package. Should a spaCy
version need more of ``spacy.cli`` while it is imported, spaCy is imported again the usual way.
This is done in a process of one thread only (the forkserver, a worker), where no other import
can meet the stand-in; elsewhere spaCy is imported as it comes.
"""

from __future__ import annotations

import sys
import threading
import types
from typing import Any

__all__ = ["import_spacy"]


def _info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``: the real one, imported when it is called."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


def import_spacy() -> types.ModuleType:
    """The ``spacy`` module, imported without ``spacy.cli`` if it is not imported yet (and this
    process runs one thread)."""
    if "spacy" in sys.modules or "spacy.cli" in sys.modules or threading.active_count() > 1:
        import spacy

        return spacy
    cli = types.ModuleType("spacy.cli")
    cli.__path__ = []  # a package, with no submodules of its own
    info = types.ModuleType("spacy.cli.info")
    info.info = _info  # type: ignore[attr-defined]
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = cli, info
    try:
        import spacy
    except Exception:
        _forget_spacy()  # this spaCy wants more of its command line: import it as it comes
        import spacy
    else:
        _take_away(cli, info)
    return spacy


def _take_away(cli: types.ModuleType, info: types.ModuleType) -> None:
    """Remove the stand-ins from the module table and from the ``spacy`` package."""
    for name, module in (("spacy.cli.info", info), ("spacy.cli", cli)):
        if sys.modules.get(name) is module:
            del sys.modules[name]
    spacy = sys.modules.get("spacy")
    if spacy is not None and getattr(spacy, "cli", None) is cli:
        delattr(spacy, "cli")


def _forget_spacy() -> None:
    """Remove spaCy's modules, the stand-ins among them, from the module table."""
    for name in [n for n in sys.modules if n == "spacy" or n.startswith("spacy.")]:
        del sys.modules[name]
