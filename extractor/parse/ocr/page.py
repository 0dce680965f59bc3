"""A scanned page read by OCR, as the same :class:`PageObjects` a text layer gives.

The page is rendered (:func:`~.image.render`), its lines recognised (:func:`~.engine.recognise`),
turned upright when it was scanned sideways or upside down (its lines then run down, up or
right to left), and straightened by its tilt. Each recognised character becomes a glyph:
its centre where the recogniser placed it along its line, as high as the line's type (the
distance between its Chinese characters; the detector's box is padded), as wide as a character
of its kind (a Chinese character about that size, a digit or letter about half), touching a
close neighbour and never overlapping one; a space the recogniser read becomes
an explicit space. The ruling lines of tables are found in the straightened image
(:func:`~.image.rules`). So the layout, reading order and table finders run on a scan as they
run on a text layer, and a figure's glyph boxes are where it is printed: the page's
:attr:`~extractor.parse.pdf.objects.PageObjects.page_map` takes them back to PDF user space,
turned and straightened back.
"""

from __future__ import annotations

import re
import statistics
from typing import Any

import numpy as np

from extractor.models import OcrPage
from extractor.parse.ocr.engine import OcrChar, OcrLine, recognise
from extractor.parse.ocr.image import (
    Affine,
    apply,
    fit,
    ink_share,
    orientation,
    render,
    rules,
    skew,
    turn,
    warp,
)
from extractor.parse.pdf.objects import PageMap, PageObjects, RawChar

__all__ = ["read_ocr_page"]

#: a character's width as a share of its line's height: wide (CJK, full-width forms) or narrow
_WIDE, _NARROW = 0.95, 0.55
#: full-width punctuation the recogniser reads between digits: a thousands comma, a decimal point;
#: a space it reads after them inside a figure (2, 000)
_THOUSANDS = re.compile(r"(?<=\d)[，,](?=\s?\d{3}(?!\d))")
_DECIMAL = re.compile(r"(?<=\d)[。．](?=\s?\d)")
_INNER_SPACE = re.compile(r"(?<=\d[,.])\s(?=\d)|(?<=\d)\s(?=[.,%]\d|%)")


def clean_chars(chars: list[OcrChar]) -> list[OcrChar]:
    """A recognised line's characters with the punctuation inside figures as a text layer has it:
    9，500 → 9,500, 1。57 → 1.57, 2, 000 → 2,000, 6 .3 % → 6.3%."""
    text = "".join(c.text for c in chars)
    fixed = _INNER_SPACE.sub("\0", _DECIMAL.sub(".", _THOUSANDS.sub(",", text)))
    if fixed == text:
        return chars
    return [OcrChar(t, c.at, c.conf) for t, c in zip(fixed, chars, strict=True) if t != "\0"]


def _wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def pitch(line: OcrLine) -> float | None:
    """The distance from one Chinese character to the next on ``line`` (pixels): the type's size,
    which the line's box (padded around the ink by the detector) overstates; None with too few."""
    at = [c.at * line.length for c in line.chars if _wide(c.text)]
    steps = sorted(b - a for a, b in zip(at, at[1:], strict=False) if 0 < b - a < 1.5 * line.height)
    return steps[len(steps) // 2] if len(steps) >= 2 else None


def _glyphs(line: OcrLine, m: np.ndarray, to_page: Affine, size: float) -> list[RawChar]:
    """The glyphs of one recognised line of type ``size`` (pixels), straightened by ``m`` (2×3) and
    mapped on to the page."""
    (sx, sy), (ex, ey) = (m @ np.array([*line.start, 1.0]), m @ np.array([*line.end, 1.0]))
    mid_y = (sy + ey) / 2
    xs = [sx + c.at * (ex - sx) for c in line.chars]
    text = [c.text for c in line.chars]
    out: list[RawChar] = []
    for i, ch in enumerate(text):
        # a character reaches its neighbour when it is close (the two touch: no gap to read as a
        # space; the recogniser reads spaces itself), else it is as wide as its kind
        width = (_WIDE if _wide(ch) else _NARROW) * size
        lo, hi = xs[i] - width / 2, xs[i] + width / 2
        if i > 0 and xs[i] - xs[i - 1] <= 1.5 * width:
            lo = (xs[i - 1] + xs[i]) / 2
        if i + 1 < len(xs) and xs[i + 1] - xs[i] <= 1.5 * width:
            hi = (xs[i] + xs[i + 1]) / 2
        (x0, t0), (x1, t1) = apply(to_page, lo, mid_y - size / 2), apply(to_page, hi, mid_y + size / 2)
        out.append(RawChar(" " if ch.isspace() else ch, min(x0, x1), max(x0, x1), min(t0, t1), max(t0, t1),
                           abs(t1 - t0), True))
    return out


def _inner(line: OcrLine, m: np.ndarray) -> np.ndarray:
    """A line's box less a tenth of its height off each long side, straightened by ``m``:
    where its characters are, clear of the rules around a table cell."""
    q = line.quad
    top, bottom = q[0] + 0.1 * (q[3] - q[0]), q[3] + 0.1 * (q[0] - q[3])
    top2, bottom2 = q[1] + 0.1 * (q[2] - q[1]), q[2] + 0.1 * (q[1] - q[2])
    pts = np.array([top, top2, bottom2, bottom], dtype=np.float64)
    return (m[:, :2] @ pts.T).T + m[:, 2]


def _drawn(rules_px: tuple[list, list], to_page: Affine, height: float) -> list[dict[str, Any]]:
    """pdfplumber "line" objects (the keys table finding reads) of the rules found in the image."""
    out = []
    hs, vs = rules_px
    segs = [((x0, y), (x1, y)) for y, x0, x1 in hs] + [((x, y0), (x, y1)) for x, y0, y1 in vs]
    for i, (p, q) in enumerate(segs):
        (ax, at), (bx, bt) = apply(to_page, *p), apply(to_page, *q)
        if i < len(hs):
            at = bt = (at + bt) / 2  # exactly level: pdfplumber's edge test is top == bottom
        else:
            ax = bx = (ax + bx) / 2
        x0, x1, top, bottom = min(ax, bx), max(ax, bx), min(at, bt), max(at, bt)
        out.append({"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                    "y0": height - bottom, "y1": height - top, "width": x1 - x0, "height": bottom - top,
                    "pts": [(ax, at), (bx, bt)], "linewidth": 1.0})
    return out


def _upright(lines: list[OcrLine], gray: np.ndarray, to_page: Affine, pm: PageMap,
             mediabox: tuple[float, float, float, float]) -> tuple[list[OcrLine], np.ndarray, Affine, PageMap, int]:
    """Lines, image, pixel map and page map of the page turned so that its text stands upright."""
    quarters = orientation([(ln.angle, len(ln.text)) for ln in lines])
    if not quarters:
        return lines, gray, to_page, pm, 0
    gray2, px_to_old, old_to_new = turn(gray, to_page, quarters)
    pm2 = PageMap.of(mediabox, pm.rotation + 90 * quarters)
    src = [(0.0, 0.0), (float(gray2.shape[1]), 0.0), (0.0, float(gray2.shape[0]))]
    to_page2 = fit(src, [pm2.point(*pm.to_pdf(*apply(px_to_old, *p))) for p in src])
    for ln in lines:
        ln.quad = np.array([apply(old_to_new, float(x), float(y)) for x, y in ln.quad], dtype=np.float32)
    return lines, gray2, to_page2, pm2, 90 * quarters


def read_ocr_page(page: Any, reason: str, min_ink: float = 0.0) -> PageObjects | None:
    """Read ``page`` (pypdfium2) by OCR into :class:`PageObjects`, ``reason`` being why (recorded in
    ``objs.ocr``); None when its image has less ink than ``min_ink`` (a share of its pixels): blank."""
    import pypdfium2.raw as pdfium_c

    mediabox = page.get_mediabox(fallback_ok=False) or page.get_bbox()
    pm = PageMap.of(mediabox, 90 * pdfium_c.FPDFPage_GetRotation(page))
    rendered = render(page, pm.point)
    if min_ink and ink_share(rendered.gray) < min_ink:
        return None
    lines = recognise(rendered.bgr)
    lines, gray, to_page, pm, turned = _upright(lines, rendered.gray, rendered.to_page, pm, mediabox)
    tilt = skew([(ln.angle, ln.length) for ln in lines if ln.length >= 4 * ln.height])
    x0, top, x1, bottom = pm.bbox
    from_page = fit([apply(to_page, *p) for p in ((0, 0), (1, 0), (0, 1))], [(0, 0), (1, 0), (0, 1)])
    center = apply(from_page, (x0 + x1) / 2, (top + bottom) / 2)
    straight, m = warp(gray, tilt, center)
    chars: list[RawChar] = []
    text: list[str] = []
    conf: list[int] = []
    pitches = {id(ln): pitch(ln) for ln in lines}
    known = sorted(p / ln.height for ln in lines if (p := pitches[id(ln)]))
    ratio = known[len(known) // 2] if known else 0.8  # type size to box height, on this page
    for ln in lines:
        if not ln.chars:
            continue
        ln.chars = clean_chars(ln.chars)
        chars += _glyphs(ln, m, to_page, pitches[id(ln)] or ratio * ln.height)
        for c in ln.chars:
            if not c.text.isspace():
                text.append(c.text)
                conf.append(round(100 * c.conf))
    heights = [ln.height for ln in lines if len(ln.text) >= 2]
    h_px = statistics.median(heights) if heights else 20.0 * rendered.scale
    # the text is masked out first: a rule need only be longer than a character is high (a one-row
    # table's vertical rules are little more)
    found = rules(straight, max(10, int(0.8 * h_px)), max(3, int(0.2 * h_px)), [_inner(ln, m) for ln in lines])
    info = OcrPage(reason=reason, turned=turned, skew=round(tilt, 2),
                   confidence=round(statistics.fmean(ln.conf for ln in lines), 3) if lines else None,
                   text="".join(text), conf=conf)
    return PageObjects(width=pm.width, height=pm.height, bbox=pm.bbox, chars=chars,
                       lines=_drawn(found, to_page, pm.height), rotation=pm.rotation, skew=tilt, ocr=info)
