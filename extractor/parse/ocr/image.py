"""A page as an image for OCR: rendered by PDFium, turned upright, straightened, its rules found.

* :func:`render` draws a page in grey at ``SETTINGS.ocr.dpi`` (less for a very large page) and
  gives the affine map from the image's pixels to the page's coordinates (pdfplumber's: points,
  top left of the MediaBox, y down, /Rotate applied), through PDFium's own pixel ↔ page map;
* :func:`orientation` reads, from the recognised lines, how far the page's text is turned
  (a page scanned sideways: its lines run down or up) and :func:`skew` how much it is tilted;
* :func:`rules` finds the ruling lines of tables in the straightened image: long thin runs of
  ink, horizontal and vertical (a morphological opening with a line as long as a few
  characters keeps rules and drops letters, scanner noise and grey paper).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from extractor.settings import SETTINGS

__all__ = ["Affine", "Rendered", "ink_share", "orientation", "render", "rules", "skew", "turn", "warp"]

#: ``(a, b, c, d, e, f)``: ``x' = a·x + c·y + e``, ``y' = b·x + d·y + f``
Affine = tuple[float, float, float, float, float, float]


def apply(m: Affine, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def fit(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> Affine:
    """The affine map taking three points ``src`` on to ``dst``."""
    a = np.array([[x, y, 1.0] for x, y in src])
    px = np.linalg.solve(a, np.array([p[0] for p in dst]))
    py = np.linalg.solve(a, np.array([p[1] for p in dst]))
    return float(px[0]), float(py[0]), float(px[1]), float(py[1]), float(px[2]), float(py[2])


@dataclass
class Rendered:
    """A page's image (grey, uint8) and the map from its pixels to page coordinates."""

    gray: np.ndarray
    to_page: Affine
    scale: float  # pixels per point

    @property
    def bgr(self) -> np.ndarray:
        return cv2.cvtColor(self.gray, cv2.COLOR_GRAY2BGR)


def render(page, pdf_to_page, dpi: float | None = None) -> Rendered:
    """``page`` (a pypdfium2 page) in grey; ``pdf_to_page(x, y)`` maps PDF user space to page coordinates."""
    dpi = dpi or SETTINGS.ocr.dpi
    w, h = page.get_size()
    scale = dpi / 72.0
    if w * h * scale * scale > SETTINGS.ocr.max_pixels:
        scale = math.sqrt(SETTINGS.ocr.max_pixels / (w * h))
    bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
    arr = bitmap.to_numpy()
    gray = np.ascontiguousarray(arr[:, :, 0] if arr.ndim == 3 else arr)
    conv = bitmap.get_posconv(page)
    pts = [(0.0, 0.0), (float(gray.shape[1]), 0.0), (0.0, float(gray.shape[0]))]
    to_page = fit(pts, [pdf_to_page(*conv.to_page(int(x), int(y))) for x, y in pts])
    return Rendered(gray, to_page, scale)


def ink_share(gray: np.ndarray) -> float:
    """The share of the image's pixels that are ink (well darker than the paper)."""
    small = gray[::4, ::4]
    paper = float(np.percentile(small, 90))
    return float(np.mean(small < paper - 60)) if paper > 60 else 1.0


def orientation(angles: list[tuple[float, int]]) -> int:
    """How many quarter turns clockwise (0–3) make the text upright, from ``(angle, weight)``
    of the recognised lines (angle in degrees, y down: 90 is a line running down the page)."""
    votes = [0.0, 0.0, 0.0, 0.0]
    for angle, weight in angles:
        votes[round(angle / 90.0) % 4] += weight
    if votes[0] >= 0.5 * sum(votes):
        return 0
    k = int(np.argmax(votes))  # text turned k quarters clockwise: turn it back
    return (4 - k) % 4


def turn(gray: np.ndarray, to_page: Affine, quarters: int) -> tuple[np.ndarray, Affine, Affine]:
    """The image turned ``quarters`` quarter turns clockwise, the map from its pixels to the page
    coordinates of the unturned image's frame, and the map from the unturned pixels to the turned ones."""
    h, w = gray.shape
    turned = np.ascontiguousarray(np.rot90(gray, -quarters))
    nh, nw = turned.shape
    src = [(0.0, 0.0), (float(w), 0.0), (0.0, float(h))]
    # where the unturned corners go: clockwise quarter turns
    corners = {1: [(nw, 0.0), (nw, nh), (0.0, 0.0)], 2: [(nw, nh), (0.0, nh), (nw, 0.0)],
               3: [(0.0, nh), (0.0, 0.0), (nw, nh)]}[quarters % 4] if quarters % 4 else src
    old_to_new = fit(src, [(float(x), float(y)) for x, y in corners])
    new_to_old = fit([apply(old_to_new, *p) for p in src], src)
    back = [apply(to_page, *apply(new_to_old, *p)) for p in src]
    return turned, fit(src, back), old_to_new


def skew(angles: list[tuple[float, float]]) -> float:
    """The page's tilt in degrees (y down: positive when lines fall to the right), the weighted
    median of its long lines' ``(angle, length)``; 0 when none or beyond ``SETTINGS.ocr.max_skew``."""
    limit = SETTINGS.ocr.max_skew
    pairs = sorted((a, w) for a, w in angles if abs(a) <= limit)
    if not pairs:
        return 0.0
    half, acc = sum(w for _, w in pairs) / 2, 0.0
    for a, w in pairs:
        acc += w
        if acc >= half:
            return a if abs(a) >= 0.05 else 0.0
    return 0.0


def warp(gray: np.ndarray, angle: float, center: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """The image turned by ``-angle`` degrees about ``center`` (straightened), and the 2×3 matrix
    that takes its pixels' old positions to the new ones."""
    m = cv2.getRotationMatrix2D(center, angle, 1.0)
    if not angle:
        return gray, m
    out = cv2.warpAffine(gray, m, (gray.shape[1], gray.shape[0]), flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    return out, m


def _binary(gray: np.ndarray, block: int) -> np.ndarray:
    """Ink as 255 on 0: darker than the paper around it (a local threshold: faint rules, grey or
    uneven paper), after a median filter (scanner speckle)."""
    smooth = cv2.medianBlur(gray, 3)
    return cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block | 1, 12)


def rules(gray: np.ndarray, min_len: int, max_thick: int,
          text: list[np.ndarray] = ()) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:  # type: ignore[assignment]
    """Ruling lines of the (straightened) image, in pixels: horizontal ``(y, x0, x1)`` and
    vertical ``(x, y0, y1)`` runs of ink at least ``min_len`` long and at most ``max_thick`` thick,
    outside the boxes of recognised ``text`` (polygons in the image's pixels: a row of characters'
    strokes is no rule)."""
    ink = _binary(gray, 2 * min_len)
    if len(text):
        cv2.fillPoly(ink, [np.round(q).astype(np.int32) for q in text], 0)
    out: list[list[tuple[int, int, int]]] = []

    def kernel(n: int, horizontal: bool) -> np.ndarray:
        return cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1) if horizontal else (1, n))

    for horizontal in (True, False):
        # a faint rule is dotted: join its dots, keep only long runs, then bridge its breaks
        mask = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, kernel(max(3, min_len // 8), horizontal))
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel(min_len, horizontal))
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel(min_len, horizontal))
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        found = []
        for i in range(1, n):
            x, y, w, h = (int(v) for v in stats[i, :4])
            length, thick = (w, h) if horizontal else (h, w)
            if length < min_len or thick > max_thick:
                continue
            found.append((y + h // 2, x, x + w) if horizontal else (x + w // 2, y, y + h))
        out.append(found)
    return out[0], out[1]
