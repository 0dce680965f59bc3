"""spaCy imported without its command line (``claims/spacy_import.py``): the pipeline works, the
command line is not loaded, and a later ``import spacy.cli`` still gets the real package."""

from __future__ import annotations

from fresh_python import run_python


def _python(code: str) -> list[str]:
    """What ``code`` prints, line by line, run in a fresh interpreter."""
    return run_python(code).splitlines()


def test_spacy_is_imported_without_its_command_line_which_stays_importable() -> None:
    assert _python(
        "import sys\n"
        "from extractor.claims.spacy_import import import_spacy\n"
        "spacy = import_spacy()\n"
        "nlp = spacy.blank('zh')\n"
        "nlp.add_pipe('entity_ruler').add_patterns([{'label': 'ORG', 'pattern': [{'TEXT': '国务院'}]}])\n"
        "from spacy.tokens import Doc\n"
        "doc = nlp(Doc(nlp.vocab, words=['国务院', '发布'], spaces=[False, False]))\n"
        "print([(e.label_, e.text) for e in doc.ents])\n"
        "print(sorted(m for m in ('spacy.cli', 'typer', 'weasel', 'requests') if m in sys.modules))\n"
        "import spacy.cli\n"
        "print(hasattr(spacy.cli, 'setup_cli'), spacy.cli is sys.modules['spacy.cli'])\n"
        "print(import_spacy() is spacy)\n"
    ) == ["[('ORG', '国务院')]", "[]", "True True", "True"]


def test_spacy_info_still_reports() -> None:
    """``spacy.info()`` (what the stand-in replaced) imports the real one when it is called."""
    assert _python(
        "from extractor.claims.spacy_import import import_spacy\n"
        "print(import_spacy().info()['spacy_version'] == __import__('spacy').__version__)\n"
    ) == ["True"]


def test_a_spacy_that_fails_with_the_stand_in_is_imported_as_it_comes() -> None:
    """Should a spaCy version need more of its command line while it is imported, it is imported
    again the usual way (simulated: the first import of one of its modules fails)."""
    assert _python(
        "import sys, importlib.abc\n"
        "class FailOnce(importlib.abc.MetaPathFinder):\n"
        "    failed = False\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'spacy.pipeline' and not FailOnce.failed:\n"
        "            FailOnce.failed = True\n"
        "            raise ImportError('cannot import name setup_cli from spacy.cli')\n"
        "sys.meta_path.insert(0, FailOnce())\n"
        "from extractor.claims.spacy_import import import_spacy\n"
        "spacy = import_spacy()\n"
        "print(FailOnce.failed, spacy.blank('zh').lang, hasattr(sys.modules['spacy.cli'], 'setup_cli'))\n"
    ) == ["True zh True"]


def test_with_other_threads_running_spacy_is_imported_as_it_comes() -> None:
    """Another thread could meet the stand-in: in a process of several threads nothing is replaced."""
    assert _python(
        "import sys, threading\n"
        "stop = threading.Event()\n"
        "threading.Thread(target=stop.wait, daemon=True).start()\n"
        "from extractor.claims.spacy_import import import_spacy\n"
        "spacy = import_spacy()\n"
        "print(hasattr(sys.modules['spacy.cli'], 'setup_cli'))\n"
        "stop.set()\n"
    ) == ["True"]
