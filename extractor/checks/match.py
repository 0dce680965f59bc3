"""How well a source fact matches an article's figure: a score from its parts.

Each part is 0..1:

* ``value``: the relation of the two values (:func:`extractor.checks.figures.relation`)
  with the article's own precision and rounding words (约, 近, 超过, 七成, 三分之一),
  in base units (4.38万亿元 = 43760.7亿元 within rounding); a loss (亏损464.9万元)
  matches a negative profit; a change of a rate given in % in a statement's
  增减 column matches the same change in 个百分点;
* ``metric``: the meaning of the metric phrases (:mod:`extractor.checks.metrics`),
  the article's subject names removed;
* ``region``: the same place or company, or the source document being about the
  subject the article names; a conflict counts only where both sides name theirs;
* ``period``: equal, unknown, or different — a difference counts fully only where
  both periods are written where the figures are;
* ``kind`` and ``modality``: compatible kinds (amount/count, growth/share for 七成),
  an actual figure against a plan.

A source *supports* the figure when the values agree and the weighted parts
reach :data:`SUPPORT`; it *contradicts* it when the values disagree about the
same metric, subject and period (:func:`contradicts`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache

from extractor.checks.article import ArticleFigure
from extractor.checks.figures import LEVEL_KINDS, Fig, norm_region, relation
from extractor.checks.metrics import coverage, terms, terms_similarity
from extractor.checks.sources import Source
from extractor.facts.regions import DEFAULT_COUNTRY
from extractor.patterns import load
from extractor.settings import SETTINGS

SUPPORT = SETTINGS.verify.support_score  # weighted score that confirms an agreeing value
CONTRADICT_METRIC = SETTINGS.verify.contradict_sim  # metric similarity for "the same metric"
WEIGHTS = SETTINGS.verify.weights
PLAN = ("target", "forecast")
_NUM = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")


@dataclass
class Scored:
    """A source fact scored against an article's figure."""

    source: Source
    relation: str  # match | implied | consistent | mismatch
    how: str  # exact, rounded, approx, bound, unit, loss, decline, share, rate_change, other
    metric: float
    region: float
    period: float
    kind: float
    modality: float
    specific: float
    home: bool
    coverage: float = 0.0  # share of the figure's metric words the source's phrase holds
    near_miss: int = 0  # 2: a slip of digits, 1: maybe one (see near_miss)
    score: float = 0.0

    @property
    def fig(self) -> Fig:
        return self.source.fig

    def parts(self) -> dict[str, float]:
        return {k: round(getattr(self, k), 3) for k in ("metric", "region", "period", "kind", "modality")}


def significant(quote: str) -> int:
    """Significant digits as printed: 6023.15 → 6, 2300 → 2, 0.0035 → 2."""
    m = _NUM.search(unicodedata.normalize("NFKC", quote or "").replace(",", ""))
    if not m:
        return 0
    digits = m.group().lstrip("-")
    if "." in digits:
        return len(digits.replace(".", "").lstrip("0"))
    return len(digits.strip("0")) or 1


def specificity(a: Fig) -> float:
    """How unlikely the figure's value is by chance: 0 for 5%, 1 for 6023.15亿元."""
    if a.vague:
        return 0.0
    return min(1.0, max(0.0, (significant(a.quote) - 1) / 4))


# -- parts ---------------------------------------------------------------------------


@cache
def _rate_words() -> tuple[str, ...]:
    """Words naming a rate or a share (率, 比重 …): ``rate_words`` of ``patterns/verify.yml``."""
    return tuple(load("verify.yml")["rate_words"])


def _is_rate(s: Source) -> bool:
    return any(w in (n or "") for n, _ in s.names for w in _rate_words())


def comparable(a: Fig, s: Source) -> tuple[Fig, float] | None:
    """(the article's figure in the source's terms, kind score), or None if the two
    can't measure the same thing."""
    c = s.fig
    if a.unit_norm is not None and a.unit_norm == c.unit_norm:
        if a.kind == c.kind or (a.kind in LEVEL_KINDS and c.kind in LEVEL_KINDS):
            return a, 1.0
        rates = ("growth", "share", "other")
        if a.unit_norm == "%" and a.kind in rates and c.kind in rates:
            return a, 0.9 if a.vague or "other" in (a.kind, c.kind) else 0.75
        if c.kind == "other" or a.kind == "other":
            return a, 0.7
        return None
    if a.unit_norm == "pp" and c.unit_norm == "%" and c.kind in ("growth", "other") and _is_rate(s):
        return replace(a, unit_norm="%"), 0.8  # 提高8.26个百分点 against a rate's 增减 column 8.26%
    if c.unit_norm is None and c.method == "table" and a.unit_norm in ("x", "%", "pp"):
        return replace(a, v=a.value, h=a.h / (a.factor or 1), factor=1.0, unit_norm=None), 0.7
    if (c.unit_norm is None and c.method != "table" and (a.unit_norm is None or a.kind in LEVEL_KINDS)
            and c.kind in ("other", *LEVEL_KINDS)):
        # 461万志愿者, 4176亿块: a count whose measure word the source does not write. What
        # it counts is unsure: it may confirm a figure, not contradict one (kind < 0.75)
        return replace(a, unit_norm=None), 0.7
    return None


_FLIP = {"gt": "lt", "gte": "lte", "lt": "gt", "lte": "gte"}


def signed_bound(f: Fig) -> Fig:
    """A negative figure's bound in signed terms: 降幅超过16% (-16, 超过) is below -16.
    超过, 以上, 不足 qualify what the text writes, the size of the fall."""
    if f.v < 0 and f.qualifier in _FLIP:
        return replace(f, qualifier=_FLIP[f.qualifier])
    return f


def value_relation(a: ArticleFigure, fig: Fig, c: Fig) -> tuple[str, str]:
    """(relation, how) of the article's value against the source's."""
    fig, c = signed_bound(fig), signed_bound(c)
    rel = relation(fig, c, directional=True)
    if rel != "match" and rel != "implied" and a.loss and c.v < 0:
        rel = relation(signed_bound(replace(fig, v=-fig.v)), c, directional=True)
        if rel in ("match", "implied"):
            return rel, "loss" if fig.kind in LEVEL_KINDS else "decline"
    if rel == "implied":
        return rel, "bound"
    if rel != "match":
        return rel, "other"
    if abs(fig.v - c.v) <= 1e-9 * max(abs(fig.v), abs(c.v), 1e-12):
        return rel, "unit" if (fig.unit or "") != (c.unit or "") else "exact"
    if fig.vague:
        return rel, "share"
    if fig.qualifier in ("approx", "gt", "gte", "lt", "lte"):
        return rel, "approx"
    return rel, "rounded"


def metric_score(a: ArticleFigure, s: Source) -> tuple[float, float]:
    """(similarity, coverage): the best similarity of the figure's metric phrases with
    the source's, and the best share of a figure's phrase the source's holds. A
    subject name (比亚迪, 北京海鸿源投资管理有限公司) counts only where both hold it."""
    subjects = [n for n in a.subjects if len(n) >= 2]
    best = cover = 0.0
    for x, wx in a.names:
        for y, wy in s.names:
            shared = [n for n in subjects if n in x and n in y]
            own = [n for n in subjects if n not in shared]
            tx, ty = terms(_without(x, own)), terms(_without(y, own))
            best = max(best, terms_similarity(tx, ty) * wx * wy)
            if wx >= 0.7:
                cover = max(cover, coverage(tx, ty))
    return best, cover


def _without(phrase: str, names: list[str]) -> str:
    for n in names:
        if n in phrase:
            phrase = phrase.replace(n, " ")
    return phrase


def region_score(a: ArticleFigure, s: Source) -> float:
    from extractor.checks.article import subjects_in

    c = s.fig
    ra, rc = norm_region(a.fig.region), norm_region(c.region)
    if ra and rc and ra == rc:
        return 1.0
    own = a.own
    where = s.where
    named = set(subjects_in(where))
    if own and (named & set(own) or any(n in where for n in own)):
        return 1.0  # the source's own sentence or row names the figure's subject
    if own and rc and s.region_stated and rc not in own:
        return 0.0  # each names its own subject, and they differ
    if any(n in s.doc.identity for n in own or [*a.subjects, *a.named]):
        return 0.9
    if rc and rc != DEFAULT_COUNTRY and rc in a.fact.sentence:
        return 0.9
    if not ra or not rc or DEFAULT_COUNTRY in (ra, rc):
        return 0.5
    return 0.3


def _months(period: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?(?:/(\d{4})(?:-(\d{2}))?)?", period or "")
    if not m:
        return None
    y = int(m.group(1))
    sub = m.group(2)
    if m.group(3):
        y2 = int(m.group(3))
        lo = y * 12 + (int(sub) if sub and sub.isdigit() else 1)
        return lo, y2 * 12 + (int(m.group(4)) if m.group(4) else 12)
    if not sub:
        return y * 12 + 1, y * 12 + 12
    if sub[0] == "H":
        k = int(sub[1])
        return y * 12 + 6 * k - 5, y * 12 + 6 * k
    if sub[0] == "Q":
        k = int(sub[1])
        return y * 12 + 3 * k - 2, y * 12 + 3 * k
    return y * 12 + int(sub), y * 12 + int(sub)


def period_score(a: ArticleFigure, s: Source, *, trust: bool = True) -> float:
    """1 for the same period, 0.5 when one is unknown; a different one scores 0 when
    both can be trusted (``trust=False`` takes that for granted), a little otherwise."""
    pa, pc = a.period, s.fig.period
    if not pa or not pc:
        return 0.5
    if pa == pc:
        return 1.0
    ma, mc = _months(pa), _months(pc)
    overlap = bool(ma and mc and ma[0] <= mc[1] and mc[0] <= ma[1])
    if not trust or (a.period_stated and s.period_stated):
        return 0.15 if overlap else 0.0
    return 0.35 if overlap else 0.3


def modality_score(a: Fig, c: Fig) -> float:
    if a.modality == c.modality or (a.modality in PLAN and c.modality in PLAN):
        return 1.0
    return 0.6


def near_miss(fig: Fig, c: Fig) -> int:
    """How much the two values look like a slip of the pen, compared as the article
    prints them: 2 for transposed digits or one digit off in three or more
    (2135 / 2315, 1309.51 / 1399.51), 1 for one digit off in two (8.8 / 8.4), else 0.
    Two one-digit numbers differ by chance, not by a slip."""
    m = _NUM.search(unicodedata.normalize("NFKC", fig.quote or "").replace(",", ""))
    if not m or not fig.factor:
        return 0
    printed = m.group().lstrip("-")
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    other = f"{abs(c.v) / abs(fig.factor):.{decimals}f}"
    x, y = printed.replace(".", "").lstrip("0"), other.replace(".", "").lstrip("0")
    if len(x) != len(y) or x == y or len(x) < 2:
        return 0
    diff = [i for i in range(len(x)) if x[i] != y[i]]
    if len(diff) == 1:
        return 2 if len(x) >= 3 else 1
    swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and x[diff[0]] == y[diff[1]] and x[diff[1]] == y[diff[0]]
    return 2 if swapped else 0


# -- the whole ---------------------------------------------------------------------------


def score(a: ArticleFigure, s: Source, home: set[int]) -> Scored | None:
    """The source scored against the figure, or None when they can't be compared."""
    comp = comparable(a.fig, s)
    if comp is None:
        return None
    fig, kind = comp
    rel, how = value_relation(a, fig, s.fig)
    if how == "exact" and a.fig.unit_norm != s.fig.unit_norm:
        how = "rate_change" if a.fig.unit_norm == "pp" else how
    region = region_score(a, s)
    agrees = rel in ("match", "implied")
    slip = rel == "mismatch" and near_miss(fig, s.fig)
    # another value can only contradict about the same subject, and in another period
    # only as a slip of digits: short of that, neither its metric nor its period's
    # trust need be read
    period = period_score(a, s, trust=agrees or bool(slip))
    if not agrees and (region < 0.9 or period < 0.3):
        metric = cover = 0.0
    else:
        metric, cover = metric_score(a, s)
    x = Scored(s, rel, how, metric, region, period, kind, modality_score(a.fig, s.fig), specificity(a.fig),
               s.fig.doc_id in home, cover, slip)
    rescore(x)
    return x


def rescore(x: Scored) -> None:
    """The weighted score from the parts (again after ``home`` changes)."""
    w = WEIGHTS
    x.score = (w["metric"] * x.metric + w["region"] * x.region + w["period"] * x.period + w["kind"] * x.kind
               + w["modality"] * x.modality + w["specific"] * x.specific + w["home"] * x.home)


def supports(a: ArticleFigure, x: Scored) -> bool:
    """Whether a scored source confirms the figure."""
    if x.relation not in ("match", "implied") or x.region == 0 or x.period == 0:
        return False
    if x.metric < 0.2:
        # a precise equal value about the same subject and period in the article's
        # source document confirms it even where the metric is worded apart
        precise = x.specific >= 0.5 and x.home and x.region >= 0.9 and x.period == 1
        if not (precise or (x.specific >= 0.75 and x.home)):
            return False
    return x.score >= SUPPORT


def contradicts(a: ArticleFigure, x: Scored, *, supported: bool = False) -> bool:
    """Whether a scored source gives another value for the same metric, subject and
    period. In the article's source document a slip of digits (2135 for 2315) about
    a metric the source words fully is one too, unless the figure is confirmed."""
    c = x.fig
    if x.relation != "mismatch" or a.fig.vague or c.vague or x.kind < 0.75 or x.region < 0.9:
        return False
    same = (x.metric >= CONTRADICT_METRIC and x.modality == 1 and x.period == 1.0
            and (a.period_stated or x.source.period_stated or x.home))
    sure_slip = x.near_miss == 2 or (x.near_miss == 1 and x.period == 1 and x.region == 1)
    slip = (not supported and sure_slip and x.home and x.period >= 0.3
            and (x.metric >= CONTRADICT_METRIC or (x.coverage == 1 and (x.metric >= 0.5 or x.region == 1))))
    if not (same or slip):
        return False
    return clause_places(a.fig) == clause_places(c)


def clause_places(f: Fig) -> frozenset[str | None]:
    """Places and partners named in a figure's own clause besides its region
    (承接RCEP成员方离岸服务外包…, 对共建“一带一路”国家…): they qualify what is measured."""
    from extractor.checks.article import clause_before
    from extractor.facts.regions import gazetteer

    if f.method == "table" or not f.sentence:
        return frozenset()
    own = norm_region(f.region)
    return frozenset(norm_region(p.name) for p in gazetteer().find(clause_before(f.sentence, f.offset))
                     if p.level != "national" and not p.level.startswith("self_") and norm_region(p.name) != own)
