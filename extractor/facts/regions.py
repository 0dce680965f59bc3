"""Find places and organisations in text and normalise them (杭州 → 杭州市).

The gazetteer is data: ``patterns/regions.csv`` (Chinese administrative
divisions) and ``patterns/places.yml`` (the country and the world, macro
regions, foreign countries, organisations, ambiguous short names).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from extractor.facts.scan import Literals
from extractor.patterns import load, patterns_dir

#: The country a document is about when it names none (places.yml).
DEFAULT_COUNTRY: str = load("places.yml")["default_country"]
_OWN_COUNTRY = tuple(load("places.yml")["own_country_words"])  # 全国 in a document about Japan: Japan

@dataclass(frozen=True)
class Place:
    surface: str
    name: str  # normalised: 杭州市, 浙江省, 中国, 全球, 阿里巴巴
    level: str  # province | city | district | national | macro | country | foreign | org | person | body
    #            | self_province | self_city | self_county | self_company (公司: the report's company);
    #            body: a body that stands for a place or currency area (欧洲央行 → 欧元区)
    province: str | None = None
    start: int = 0
    end: int = 0


@dataclass
class Gazetteer:
    entries: dict[str, tuple[str, str, str | None]]  # surface → (name, level, province)
    surfaces: Literals = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.surfaces = Literals(self.entries)

    def matches(self, text: str) -> Iterator[tuple[int, int, str]]:
        """``(start, end, surface)`` of every surface in ``text`` (see :class:`Literals`)."""
        return self.surfaces.matches(text)

    def find(self, text: str) -> list[Place]:
        """Every place in ``text``, longest match first, left to right.

        A short name (杭州, 河源) counts only where it is a whole word of its
        context, so 大运河源头 names no 河源市.
        """
        out = []
        for start, end, surface in self.matches(text):
            name, level, province = self.entries[surface]
            if surface != name and level in ("province", "city") and not _whole_word(text, start, end):
                continue
            out.append(Place(surface, name, level, province, start, end))
        return out

    def lookup(self, surface: str) -> Place | None:
        """Normalise one exact surface form (a table row label, a title word)."""
        hit = self.entries.get(surface.strip())
        if hit is None:
            return None
        return Place(surface, hit[0], hit[1], hit[2], 0, len(surface))


def _whole_word(text: str, start: int, end: int) -> bool:
    """Whether jieba, segmenting a window around text[start:end], puts word breaks at both ends."""
    from extractor.facts.segment import jieba_tokenizer

    w0 = max(0, start - 4)
    window = text[w0 : end + 4]
    cuts, pos = {0}, 0
    for tok in jieba_tokenizer().cut(window, HMM=False):
        pos += len(tok)
        cuts.add(pos)
    return (start - w0) in cuts and (end - w0) in cuts


@cache
def gazetteer() -> Gazetteer:
    places = load("places.yml")
    ambiguous = set(places.get("ambiguous_short_names") or [])
    entries: dict[str, tuple[str, str, str | None]] = {}
    with open(patterns_dir() / "regions.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names_seen: dict[str, int] = {}
    for r in rows:
        names_seen[r["name"]] = names_seen.get(r["name"], 0) + 1
    for r in rows:
        level, name, short = r["level"], r["name"], r["short"]
        if level == "district":
            # districts only by their full, unique name of 3+ characters
            if names_seen[name] == 1 and len(name) >= 3:
                entries.setdefault(name, (name, level, r["province"] or None))
            continue
        entries.setdefault(name, (name, level, r["province"] or None))
        if short and short != name and short not in ambiguous and len(short) >= 2:
            entries.setdefault(short, (name, level, r["province"] or None))
    for group in ("national", "national_bodies"):
        for surface, name in (places.get(group) or {}).items():
            if name:
                entries[surface] = (name, "national" if group == "national" else "org", None)
    for group, level in (("macro_regions", "macro"), ("countries", "country"), ("foreign_regions", "foreign"),
                         ("organisations", "org")):
        for surface, name in (places.get(group) or {}).items():
            entries[surface] = (name, level, None)
    for key, level in (("province", "self_province"), ("city", "self_city"), ("county", "self_county")):
        for surface in (places.get("self_reference") or {}).get(key, []):
            entries[surface] = (surface, level, None)
    return Gazetteer(entries)


def document_places(title: str | None, text: str) -> tuple[str | None, str | None, str | None, str, str]:
    """The document's home: (province, city, county, country, region), from its title, else its opening text.

    The home region is the first province, city or county the title names (a
    region group such as 京津冀 only when it names none of those); in the opening
    text, the place named most often (at least twice, or in the first line), so an
    author's affiliation or a place named in passing does not outweigh the subject. A foreign country is the home only when nothing in
    China is named; a document that names none is about the country (``中国``).
    """
    gz = gazetteer()
    for n, source in enumerate((title or "", text[:600])):
        found = [p for p in gz.find(source) if p.level in _HOME_LEVELS]
        if not found:
            continue
        if n == 0:  # the title: the first place, a region group only when nothing finer is named
            pool = ([p for p in found if p.level in ("province", "city", "district")]
                    or [p for p in found if p.level == "macro"] or found)
        else:  # the opening text: the place named most often, foreign countries last
            pool = [p for p in found if p.level != "country"] or found
            counts = Counter(p.name for p in pool)
            pool = sorted(pool, key=lambda p: -counts[p.name])
            # a place named once, in passing, below the first line is not what the document is
            # about, unless the text also says 我省/全市 of a place of that level
            first_line = source.split("\n", 1)[0]
            selves = {p.level.removeprefix("self_").replace("county", "district")
                      for p in gz.find(source) if p.level.startswith("self_")}
            mentions = counts[pool[0].name] + (pool[0].level in selves)
            if mentions < 2 and not any(p.end <= len(first_line) for p in pool):
                continue
        return _home(pool)
    return None, None, None, DEFAULT_COUNTRY, DEFAULT_COUNTRY


_HOME_LEVELS = ("province", "city", "district", "macro", "country")


def _home(places: list[Place]) -> tuple[str | None, str | None, str | None, str, str]:
    province = city = county = None
    country = DEFAULT_COUNTRY
    first = places[0]
    for p in places:
        if p.level == "city":
            city = city or p.name
            province = province or p.province
        elif p.level == "province":
            province = province or p.name
        elif p.level == "district":
            county = county or p.name
            province = province or p.province
    if first.level == "country":
        country = first.name
    return province, city, county, country, first.name


def resolve(place: Place, home) -> str | None:
    """The normalised region a place stands for in a document whose home is ``home``.

    ``home`` has ``province``, ``city``, ``county`` and ``country`` attributes
    (全省 → its province, 全国 → its country).
    """
    if place.level == "self_province":
        return home.province
    if place.level == "self_city":
        return home.city or home.province
    if place.level == "self_county":
        return home.county or home.city
    if place.level == "national" and place.name == DEFAULT_COUNTRY and place.surface in _OWN_COUNTRY:
        return home.country
    return place.name


#: Levels whose short and full names are one place (杭州 = 杭州市); 全国 is not 中国 in a search.
_DIVISIONS = ("province", "city", "district")


@cache
def _forms_by_name() -> dict[str, tuple[str, ...]]:
    """Every surface of each division's normalised name, the name first: 杭州市 → (杭州市, 杭州)."""
    forms: dict[str, list[str]] = {}
    for surface, (name, level, _province) in gazetteer().entries.items():
        if level in _DIVISIONS:
            forms.setdefault(name, [name])
            if surface != name:
                forms[name].append(surface)
    return {name: tuple(found) for name, found in forms.items()}


def region_forms(text: str) -> tuple[str, ...]:
    """The ways to write the division ``text`` names, its normalised name first (杭州 →
    (杭州市, 杭州)); ``(text,)`` for anything else (a country, a company, a word)."""
    text = text.strip()
    hit = gazetteer().entries.get(text)
    if hit is None or hit[1] not in _DIVISIONS:
        return (text,)
    return _forms_by_name().get(hit[0], (hit[0],))


def canonical_region(text: str | None) -> str | None:
    """``text`` as facts store a region: 杭州 → 杭州市, 北京 → 北京市, else unchanged."""
    if text is None:
        return None
    return region_forms(text)[0]
