"""A page's characters and drawn lines, read once from pdfminer's layout.

pdfplumber's ``page.chars`` turns every glyph into a dict of some twenty
resolved attributes (colours, colour spaces, matrix, marked-content tags...).
The parser needs six of them, and on text-heavy pages that conversion costs
about as much as interpreting the page itself.  :func:`read_page` walks the
same layout (``page.layout``, pdfplumber's own interpretation of the page)
and keeps the characters as small tuples with pdfplumber's coordinates; the
few drawn objects (rects, lines, curves) still go through pdfplumber's
``process_object`` so table finding sees exactly what ``page.edges`` gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from typing import Any, NamedTuple
from unicodedata import normalize as normalize_unicode

import pdfplumber.page
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTLine, LTRect
from pdfplumber import utils

__all__ = ["PageObjects", "RawChar", "read_page"]


class RawChar(NamedTuple):
    """One glyph as drawn: text and box in pdfplumber's top-left coordinates."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    upright: bool


@dataclass
class PageObjects:
    """What the parser reads of a page.  Has the ``width``/``height``/``rects``/``lines``/
    ``curves``/``edges`` that table finding uses, like a pdfplumber page."""

    width: float
    height: float
    bbox: tuple[float, float, float, float]
    chars: list[RawChar] = field(default_factory=list)
    rects: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    curves: list[dict[str, Any]] = field(default_factory=list)

    @cached_property
    def edges(self) -> list[dict[str, Any]]:
        """Line, rect and curve edges, as pdfplumber's ``Page.edges``."""
        return (
            [utils.line_to_edge(ln) for ln in self.lines]
            + list(chain.from_iterable(utils.rect_to_edges(r) for r in self.rects))
            + list(chain.from_iterable(utils.curve_to_edges(c) for c in self.curves))
        )


def read_page(page: pdfplumber.page.Page) -> PageObjects:
    """Characters, rects, lines and curves of ``page``, in content-stream order.

    Coordinates follow pdfplumber's ``process_object``: ``top``/``bottom`` measured from the top
    of the page and shifted by the MediaBox origin, as ``page.chars`` has them."""
    height = float(page.height)
    mb_x0, mb_top = (float(v) for v in page.mediabox[:2])
    norm = page.pdf.unicode_norm
    out = PageObjects(width=float(page.width), height=height, bbox=tuple(float(v) for v in page.bbox))
    chars = out.chars
    drawn = {LTRect: out.rects, LTLine: out.lines, LTCurve: out.curves}

    def walk(objs: LTContainer) -> None:
        for obj in objs:
            if isinstance(obj, LTChar):
                text = obj.get_text()
                if norm is not None:
                    text = normalize_unicode(norm, text)
                chars.append(RawChar(
                    text, obj.x0 + mb_x0, obj.x1 + mb_x0,
                    height - obj.y1 + mb_top, height - obj.y0 + mb_top, obj.size, obj.upright,
                ))
            elif isinstance(obj, LTContainer):
                walk(obj)
            elif isinstance(obj, LTCurve):
                kind = LTRect if isinstance(obj, LTRect) else LTLine if isinstance(obj, LTLine) else LTCurve
                drawn[kind].append(page.process_object(obj))

    walk(page.layout)
    return out
