"""Text recognition in a page image: RapidOCR's PP-OCR models (ONNX Runtime, on the CPU).

The models ship inside the ``rapidocr-onnxruntime`` wheel: nothing is downloaded at run
time. The engine is loaded once per process (:func:`engine`) and kept. :func:`recognise`
runs its three stages — text line detection, a 0°/180° classifier per line, recognition —
and returns each line with its box and each character with its place along the line and
the recogniser's confidence in it (from the CTC decoder's column of that character), so
that a page can be laid out from them like a text layer, and doubtful digits flagged.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from extractor.errors import PolicyFactsError
from extractor.settings import SETTINGS

__all__ = ["OcrChar", "OcrLine", "OcrUnavailable", "engine", "recognise"]


class OcrUnavailable(PolicyFactsError):
    """The OCR engine cannot be loaded (its package is missing or broken)."""

    status = "needs_ocr"


@dataclass(slots=True)
class OcrChar:
    """One recognised character: its text, its centre along the line (a fraction of the
    line's length, 0 at the line's start) and the recogniser's confidence (0..1)."""

    text: str
    at: float
    conf: float


@dataclass(slots=True)
class OcrLine:
    """One text line: its box in image pixels (top left, top right, bottom right, bottom
    left, in reading direction), its text and confidence, its characters."""

    quad: np.ndarray
    text: str
    conf: float
    chars: list[OcrChar] = field(default_factory=list)

    @property
    def start(self) -> np.ndarray:
        """Where the line's text starts: the middle of its first edge."""
        return (self.quad[0] + self.quad[3]) / 2

    @property
    def end(self) -> np.ndarray:
        """Where it ends: the middle of its last edge."""
        return (self.quad[1] + self.quad[2]) / 2

    @property
    def length(self) -> float:
        return float(np.linalg.norm(self.end - self.start))

    @property
    def height(self) -> float:
        """Across the line: the mean length of its start and end edges."""
        q = self.quad
        return float(np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2

    @property
    def angle(self) -> float:
        """The line's direction in degrees (0: left to right; y grows down)."""
        d = self.end - self.start
        return math.degrees(math.atan2(float(d[1]), float(d[0])))


_lock = threading.Lock()
_engine: Any = None


def engine() -> Any:
    """The RapidOCR engine of this process, loaded on first use (about half a second), with
    ``SETTINGS.ocr.threads`` threads per ONNX session. Raises :class:`OcrUnavailable`."""
    global _engine
    with _lock:
        if _engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except Exception as exc:  # ImportError, or a broken native library
                raise OcrUnavailable(f"the OCR engine cannot be loaded ({type(exc).__name__}: {exc})") from exc
            threads = SETTINGS.ocr.threads or 1
            _engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, max_side_len=100_000,
                               print_verbose=False)
        return _engine


def _quads(eng: Any, img: np.ndarray) -> list[np.ndarray]:
    boxes, _ = eng.text_det(img)
    if boxes is None or len(boxes) == 0:
        return []
    return [np.asarray(b, dtype=np.float32) for b in eng.sorted_boxes(boxes)]


def _chars(text: str, info: list) -> list[OcrChar]:
    """The characters of a recognised line with their centres along it, from the decoder's
    columns (``info``: columns in the line, words, their columns, their kinds, confidences)."""
    n_cols, _words, word_cols, _kinds, confs = info
    cols = [c for w in word_cols for c in w]
    if not n_cols or len(cols) != len(text) or len(confs) != len(text):
        k = max(len(text), 1)
        cols, n_cols = [i * 1.0 for i in range(len(text))], float(k)
        confs = list(confs)[: len(text)] + [0.0] * (len(text) - len(confs))
    out = []
    for ch, col, conf in zip(text, cols, confs, strict=True):
        out.append(OcrChar(ch, min(1.0, (col + 0.5) / n_cols), float(conf)))
    return out


def recognise(img: np.ndarray, min_score: float | None = None) -> list[OcrLine]:
    """The text lines of ``img`` (H × W × 3, uint8), top to bottom, each with its characters;
    lines read with less than ``min_score`` confidence (``SETTINGS.ocr.min_line_score``) are left out."""
    eng = engine()
    min_score = SETTINGS.ocr.min_line_score if min_score is None else min_score
    quads = _quads(eng, img)
    if not quads:
        return []
    crops = eng.get_crop_img_list(img, quads)
    crops, cls, _ = eng.text_cls(crops)
    rec, _ = eng.text_rec(crops, True)
    out: list[OcrLine] = []
    for quad, (label, score), r in zip(quads, cls, rec, strict=True):
        text, conf = r[0], float(r[1])
        if not text or conf < min_score:
            continue
        flipped = "180" in str(label) and score > eng.text_cls.cls_thresh
        h, w = np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[0] - quad[1])
        q = quad
        if h >= 1.5 * w:  # a tall box is read turned a quarter to the left: its text runs down
            q = np.array([quad[1], quad[2], quad[3], quad[0]], dtype=np.float32)
        if flipped:
            q = np.array([q[2], q[3], q[0], q[1]], dtype=np.float32)
        chars = _chars(text, r[2]) if len(r) > 2 else []
        out.append(OcrLine(q, text, conf, chars))
    return out
