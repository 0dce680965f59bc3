"""Split text into sentences, and sentences into words with jieba.

Sentences end at 。！？； and at paragraph ends (``"\\n"``); a closing quote or
bracket that follows the terminator stays with its sentence. Numbers are never
split: the terminators are full-width, and ``"."`` inside ``23.4`` is not one.

jieba splits "23.4%" into "23", ".", "4", "%" and drops signs, so
:func:`words` protects number spans and segments only the text between them.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from extractor.models import Page, Sentence
from extractor.patterns import patterns_dir
from extractor.settings import SETTINGS

TERMINATORS = "。！？；!?;"
CLOSERS = "”’」』）)》】"
_SENT_END = re.compile(rf"[{re.escape(TERMINATORS)}]+[{re.escape(CLOSERS)}]*")
_NUMBER_SPAN = re.compile(r"[-−+]?\d[\d,，]*(?:\.\d+)?\s*(?:%|％|‰)?")
# A sentence longer than this is cut at the next comma (tables flattened into text, lists).
MAX_SENTENCE = SETTINGS.segment.max_sentence_chars


def split_sentences(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) offsets of the sentences of ``text`` (trimmed of spaces)."""
    for para in re.finditer(r"[^\n]+", text):
        p_start, p_text = para.start(), para.group()
        pos = 0
        for m in _SENT_END.finditer(p_text):
            yield from _trimmed(p_text, p_start, pos, m.end())
            pos = m.end()
        if pos < len(p_text):
            yield from _trimmed(p_text, p_start, pos, len(p_text))


def _trimmed(p_text: str, base: int, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and p_text[start].isspace():
        start += 1
    while end > start and p_text[end - 1].isspace():
        end -= 1
    if end - start <= MAX_SENTENCE:
        if end > start:
            yield base + start, base + end
        return
    cut = start
    for m in re.finditer(r"[，,]", p_text[start:end]):
        if start + m.end() - cut >= MAX_SENTENCE // 2:
            yield base + cut, base + start + m.end()
            cut = start + m.end()
    if cut < end:
        yield base + cut, base + end


def sentences(pages: list[Page]) -> list[Sentence]:
    """Every sentence of a document, numbered, with page, paragraph and offsets."""
    out: list[Sentence] = []
    paragraph = -1
    for page in pages:
        last_para_start = None
        for start, end in split_sentences(page.text):
            para_start = page.text.rfind("\n", 0, start) + 1
            if para_start != last_para_start:
                paragraph += 1
                last_para_start = para_start
            out.append(
                Sentence(
                    index=len(out),
                    page=page.number,
                    paragraph=paragraph,
                    text=page.text[start:end],
                    char_start=start,
                    char_end=end,
                )
            )
    return out


def _import_jieba() -> Any:
    """``jieba``, imported without ``pkg_resources`` when neither is imported yet.

    jieba finds its data files through ``pkg_resources`` when that imports, which reads the
    metadata of every installed distribution (~0.07 s and ~8 MB, in the forkserver of every
    ingest); without it jieba opens the same files beside its modules itself. Only jieba's own
    import sees ``pkg_resources`` missing: it imports as usual afterwards. Done in a process of one
    thread only (the forkserver, a worker), where no other import can see the gap."""
    import sys
    import threading

    if "jieba" not in sys.modules and "pkg_resources" not in sys.modules and threading.active_count() == 1:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import pkg_resources: ImportError
        try:
            import jieba
        finally:
            if "pkg_resources" in sys.modules and sys.modules["pkg_resources"] is None:
                del sys.modules["pkg_resources"]
    import jieba

    return jieba


@cache
def jieba_tokenizer():
    """The shared jieba tokenizer with the domain dictionary in ``patterns/userdict.txt``."""
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    _load_cached_dictionary(tk)
    tk.load_userdict(str(patterns_dir() / "userdict.txt"))
    return tk


def _load_cached_dictionary(tk) -> None:
    """Load jieba's default dictionary from the cache jieba keeps in the temp folder, read whole.

    jieba reads the cache with ``marshal.load`` on the open file, which fetches each of its
    million strings and numbers with a read of its own: three times slower than unmarshalling
    the bytes (0.6 s → 0.2 s, in every worker). Another dictionary, or no cache yet (jieba then
    builds and writes it), is left to jieba."""
    import marshal
    import os
    import tempfile

    if tk.initialized or tk.dictionary is not None:
        return
    cache_file = tk.cache_file or os.path.join(tk.tmp_dir or tempfile.gettempdir(), "jieba.cache")
    try:
        with open(cache_file, "rb") as fh:
            freq, total = marshal.loads(fh.read())
    except (OSError, ValueError, EOFError, TypeError):
        return
    if isinstance(freq, dict) and freq and isinstance(total, int):
        tk.FREQ, tk.total, tk.initialized = freq, total, True


def _tags_cache_file() -> str | None:
    """Where the tags of jieba's default dictionary are cached: beside jieba's own cache, named
    for jieba's version and the dictionary file's size and time (another one, another file)."""
    import os
    import tempfile

    jieba = _import_jieba()
    try:
        st = os.stat(jieba.get_module_res("dict.txt").name)
    except (OSError, AttributeError):
        return None
    key = f"{jieba.__version__}-{st.st_size}-{int(st.st_mtime)}"
    return os.path.join(tempfile.gettempdir(), f"policy-facts-jieba-tags-{key}.marshal")


def _import_posseg() -> Any:
    """``jieba.posseg``, whose import makes a default tagger that reads the tag of each of the
    350,000 words of jieba's dictionary from its text file (0.5 s, in every process that tags).
    The table is cached with ``marshal`` once (0.05 s to load): while the module is imported its
    tagger reads an empty dictionary instead, then gets the cached table. Without a cache (or
    with one that cannot be read or written) jieba reads the file as it always does."""
    import io
    import marshal
    import os
    import sys

    if "jieba.posseg" in sys.modules:
        return sys.modules["jieba.posseg"]
    _import_jieba()
    import jieba

    # another main dictionary has other tags: jieba reads them, nothing is cached
    cache_file = _tags_cache_file() if jieba.dt.dictionary == jieba.DEFAULT_DICT else None
    tags = None
    if cache_file is not None:
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            with open(cache_file, "rb") as fh:
                tags = marshal.loads(fh.read())
    if isinstance(tags, dict) and tags:
        read = jieba.Tokenizer.get_dict_file
        jieba.Tokenizer.get_dict_file = lambda self: io.BytesIO(b"")
        try:
            import jieba.posseg
        finally:
            jieba.Tokenizer.get_dict_file = read
        jieba.posseg.dt.word_tag_tab = tags
        return jieba.posseg
    import jieba.posseg

    if cache_file is not None:
        tmp = f"{cache_file}.{os.getpid()}.tmp"
        with contextlib.suppress(OSError, ValueError):
            with open(tmp, "wb") as fh:
                fh.write(marshal.dumps(jieba.posseg.dt.word_tag_tab))
            os.replace(tmp, cache_file)  # whole or not at all, whoever writes it
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return jieba.posseg


@cache
def pos_tokenizer():
    """jieba's part-of-speech tagger over the shared tokenizer, with the domain dictionary's tags.

    (jieba hands a tokenizer's user-dictionary tags to the first tagger that cuts with it and
    empties them; this one reads them from ``patterns/userdict.txt`` itself and leaves the
    tokenizer's alone, so every tagger over the shared tokenizer tags 综试区 as a noun.)
    Importing ``jieba.posseg`` already reads the tag of every word of jieba's dictionary (a few
    hundred ms), for its default tagger: the shared tokenizer has the same dictionary, so this
    tagger reuses that table rather than reading the file again.
    """
    _import_posseg()  # its tags from the cache, when there is one
    import jieba.posseg

    class Tagger(jieba.posseg.POSTokenizer):
        def __init__(self, tokenizer: Any, word_tag_tab: dict[str, str]):  # no second read of the file
            self.tokenizer, self.word_tag_tab = tokenizer, dict(word_tag_tab)

    tk = jieba_tokenizer()
    default = jieba.posseg.dt
    if default.tokenizer.dictionary != tk.dictionary:  # another main dictionary: read its tags
        tagger = jieba.posseg.POSTokenizer(tk)
    else:
        tagger = Tagger(tk, default.word_tag_tab)
    for line in (patterns_dir() / "userdict.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3 and not line.startswith("#"):
            tagger.word_tag_tab[parts[0]] = parts[2]
    tagger.makesure_userdict_loaded = lambda: None  # the tags are read: leave the tokenizer's to others
    return tagger


def words(text: str) -> list[str]:
    """Segment ``text`` with jieba, keeping numbers with their decimals and % whole."""
    tk = jieba_tokenizer()
    out: list[str] = []
    pos = 0
    for m in _NUMBER_SPAN.finditer(text):
        if m.start() > pos:
            out.extend(tk.lcut(text[pos : m.start()], HMM=True))
        out.append(m.group().strip())
        pos = m.end()
    if pos < len(text):
        out.extend(tk.lcut(text[pos:], HMM=True))
    return [w for w in out if w and not w.isspace()]
