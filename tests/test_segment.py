from fresh_python import run_python

from extractor.facts.segment import sentences, split_sentences, words
from extractor.models import Page


def texts(s: str) -> list[str]:
    return [s[a:b] for a, b in split_sentences(s)]


def test_splits_on_terminators_and_paragraphs():
    t = "今年上半年，浙江省进出口2.26万亿元。其中出口1.66万亿元！进口呢？增长9.8%；\n新段落没有句号"
    assert texts(t) == [
        "今年上半年，浙江省进出口2.26万亿元。",
        "其中出口1.66万亿元！",
        "进口呢？",
        "增长9.8%；",
        "新段落没有句号",
    ]


def test_never_splits_inside_a_number():
    t = "同比增长23.4%，达到1,234.56亿元。下降-3.2%。"
    assert texts(t) == ["同比增长23.4%，达到1,234.56亿元。", "下降-3.2%。"]


def test_closing_quote_stays_with_its_sentence():
    t = "他表示：“出口增长了23.8%。”随后离开。"
    assert texts(t) == ["他表示：“出口增长了23.8%。”", "随后离开。"]


def test_offsets_point_into_page_text():
    pages = [Page(number=1, text="第一句。第二句。\n第二段。"), Page(number=2, text="第三页。")]
    out = sentences(pages)
    assert [s.text for s in out] == ["第一句。", "第二句。", "第二段。", "第三页。"]
    for s in out:
        page = pages[0] if s.page == 1 else pages[1]
        assert page.text[s.char_start : s.char_end] == s.text
    assert [s.paragraph for s in out] == [0, 0, 1, 2]
    assert [s.index for s in out] == [0, 1, 2, 3]


def test_very_long_sentence_is_cut_at_commas():
    t = "，".join(["数字贸易额4300亿元"] * 200) + "。"
    parts = texts(t)
    assert len(parts) > 1
    assert "".join(parts) == t


def test_words_keep_numbers_whole_and_use_the_user_dictionary():
    w = words("上半年浙江跨境电商出口同比增长23.8%，下降-3.2%，快出3.5个百分点")
    assert "23.8%" in w
    assert "-3.2%" in w
    assert "跨境电商" in w
    assert "3.5" in w


def test_jieba_dictionary_read_whole_from_its_cache_is_jiebas_own(tmp_path):
    """The shared tokenizer loads jieba's cache from bytes read at once: the same dictionary as
    jieba's own loading; with no cache (or another main dictionary) jieba loads it itself."""
    import jieba

    from extractor.facts.segment import _load_cached_dictionary, jieba_tokenizer

    jieba_tokenizer()  # jieba has written its cache by now
    own, fast = jieba.Tokenizer(), jieba.Tokenizer()
    own.initialize()
    _load_cached_dictionary(fast)
    assert fast.initialized and fast.total == own.total and fast.FREQ == own.FREQ
    nothing = jieba.Tokenizer()
    nothing.tmp_dir = str(tmp_path)  # an empty temp folder: no cache there
    _load_cached_dictionary(nothing)
    other = jieba.Tokenizer(str(tmp_path / "dict.txt"))
    _load_cached_dictionary(other)
    assert not nothing.initialized and not other.initialized
def test_the_part_of_speech_tagger_knows_the_domain_words_whichever_tagger_came_first():
    import jieba.posseg

    from extractor.facts.segment import jieba_tokenizer, pos_tokenizer

    other = jieba.posseg.POSTokenizer(jieba_tokenizer())
    list(other.cut("综试区", HMM=False))  # a tagger that cuts first takes the tokenizer's user tags
    assert [(w.word, w.flag) for w in pos_tokenizer().cut("综试区", HMM=False)] == [("综试区", "n")]


_TAGS_CHECK = """
import sys, jieba
from extractor.facts.segment import _tags_cache_file, pos_tokenizer
tagger = pos_tokenizer()
import jieba.posseg
read = jieba.posseg.POSTokenizer(jieba.Tokenizer())  # jieba reading the tags from its dictionary file
assert jieba.posseg.dt.word_tag_tab == read.word_tag_tab, "the default tagger's tags differ"
assert tagger.word_tag_tab["综试区"] == "n" and tagger.word_tag_tab["中国"] == read.word_tag_tab["中国"]
print(_tags_cache_file())
"""


def test_the_dictionary_tags_cached_are_those_jieba_reads(tmp_path):
    """jieba.posseg's tags come from a marshal cache after the first process wrote it: the same
    table jieba reads from its dictionary; a cache that cannot be read is read again and rewritten."""
    from pathlib import Path

    def run() -> Path:
        return Path(run_python(_TAGS_CHECK, env={"TMPDIR": str(tmp_path)}, cwd=Path(__file__).resolve().parent.parent))

    cache = run()  # no cache yet: jieba reads the file, the table is written
    assert cache.parent == tmp_path and cache.stat().st_size > 1_000_000
    assert run() == cache  # read from the cache
    cache.write_bytes(b"not marshal")
    run()
    assert cache.stat().st_size > 1_000_000  # read again, rewritten


_NO_PKG_RESOURCES = """
import json, sys
from extractor.facts.segment import jieba_tokenizer, pos_tokenizer
cut = jieba_tokenizer().lcut("浙江省跨境电商进出口额同比增长")
tags = [[p.word, p.flag] for p in pos_tokenizer().lcut("综试区建设")]
print(json.dumps(["pkg_resources" in sys.modules, cut, tags], ensure_ascii=False))
import jieba, pkg_resources
print(json.dumps([pkg_resources.__name__, jieba.get_module_res("dict.txt").name.endswith("dict.txt")]))
"""


def test_jieba_is_imported_without_pkg_resources_which_stays_importable() -> None:
    """jieba opens its own data files rather than asking pkg_resources (which reads every installed
    distribution's metadata); pkg_resources imports as usual afterwards."""
    import json

    first, then = map(json.loads, run_python(_NO_PKG_RESOURCES).splitlines()[-2:])
    assert first == [False, ["浙江省", "跨境电商", "进出口额", "同比增长"], [["综试区", "n"], ["建设", "vn"]]]
    assert then == ["pkg_resources", True]


def test_with_other_threads_running_jieba_imports_pkg_resources_as_it_comes() -> None:
    """Another thread could meet the gap: in a process of several threads nothing is hidden."""
    code = ("import sys, threading\n"
            "stop = threading.Event()\n"
            "threading.Thread(target=stop.wait, daemon=True).start()\n"
            "from extractor.facts.segment import jieba_tokenizer\n"
            "jieba_tokenizer()\n"
            "print('pkg_resources' in sys.modules)\n"
            "stop.set()\n")
    assert run_python(code) == "True"
