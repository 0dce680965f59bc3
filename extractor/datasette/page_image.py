"""A PDF page, or a crop of it, as PNG with a figure boxed and its sentence's lines shaded.

Rendered by PDFium (pypdfium2) and drawn on with Pillow (both come with pdfplumber). Boxes are
in the parser's coordinates (pdfplumber's: points from the top left of the MediaBox, /Rotate
applied); :class:`~extractor.parse.pdf.objects.PageMap` takes them back to PDF user space and
PDFium's own page-to-device transform onto the bitmap, so a rotated or offset page is boxed
where it is drawn. Only the crop's pixels are rendered. PDFium is not thread-safe: one render
at a time (:data:`_LOCK`).

:func:`cached_png` keeps each image on disk under a name made of the source's sha256, the page,
the width and a hash of what is drawn: a second request reads the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from PIL import Image, ImageDraw

from extractor.models import Box
from extractor.parse.pdf.objects import PageMap
from extractor.settings import SETTINGS

__all__ = ["BOX_RGB", "SHADE_RGBA", "Drawing", "Rendered", "cached_png", "render_png"]

#: the outline drawn round a figure: a magenta no text or table rule is printed in
BOX_RGB = (226, 0, 116)
#: the shade laid over the lines of a sentence or claim
SHADE_RGBA = (255, 214, 0, 80)
_EVIDENCE = SETTINGS.evidence
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Drawing:
    """What to show of a page: ``crop`` (None: the whole page), ``boxes`` outlined, ``shaded`` lines."""

    crop: Box | None = None
    boxes: tuple[Box, ...] = ()
    shaded: tuple[Box, ...] = ()

    def key(self) -> str:
        """A short hash of what is drawn (part of the cached image's name)."""
        data = json.dumps([self.crop, self.boxes, self.shaded], separators=(",", ":"))
        return hashlib.sha256(data.encode()).hexdigest()[:16]


@dataclass
class Rendered:
    """A PNG, its size, and where its first outline was drawn, in pixels (x0, y0, x1, y1)."""

    png: bytes
    box_px: tuple[int, ...] | None = None
    size: tuple[int, ...] = (0, 0)
    cached: bool = False


def _device_rect(conv, pm: PageMap, box: Box) -> tuple[float, float, float, float]:
    """A box in page coordinates → the smallest pixel rectangle holding it on the bitmap."""
    xs, ys = [], []
    for x, top in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        px, py = conv.to_bitmap(*pm.to_pdf(x, top))
        xs.append(px)
        ys.append(py)
    return min(xs), min(ys), max(xs), max(ys)


def _clip(box: Box, bounds: Box) -> Box | None:
    x0, top = max(box[0], bounds[0]), max(box[1], bounds[1])
    x1, bottom = min(box[2], bounds[2]), min(box[3], bounds[3])
    return (x0, top, x1, bottom) if x1 - x0 >= 1 and bottom - top >= 1 else None


def render_png(pdf_path: Path, page_number: int, width: int, drawing: Drawing) -> Rendered:
    """Page ``page_number`` (1-based) of the PDF, or ``drawing.crop`` of it, ``width`` pixels wide,
    with ``drawing`` drawn. Raises ValueError for a page the PDF does not have."""
    with _LOCK:
        pdf = pypdfium2.PdfDocument(str(pdf_path))
        try:
            if not 1 <= page_number <= len(pdf):
                raise ValueError(f"no page {page_number}")
            page = pdf[page_number - 1]
            try:
                image, shaded, boxes = _render(page, width, drawing)
            finally:
                page.close()
        finally:
            pdf.close()
    image, outlines = _draw(image, shaded, boxes)
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=_EVIDENCE.png_compress_level)
    first = tuple(round(v) for v in outlines[0]) if outlines else None
    return Rendered(buf.getvalue(), first, image.size)


Rect = tuple[float, float, float, float]


def _render(page, width: int, drawing: Drawing) -> tuple[Image.Image, list[Rect], list[Rect]]:
    left, bottom, right, top = page.get_mediabox()
    pm = PageMap.of((left, bottom, right, top), page.get_rotation())
    full_w, full_h = page.get_width(), page.get_height()
    one = pypdfium2.PdfPosConv(page, (0, 0, round(full_w), round(full_h), 0))  # the page at a pixel a point
    crop = _clip(drawing.crop, pm.bbox) if drawing.crop else None
    if crop is None:
        cx0, cy0, cx1, cy1 = 0.0, 0.0, full_w, full_h
    else:
        cx0, cy0, cx1, cy1 = _device_rect(one, pm, crop)
        cx0, cy0, cx1, cy1 = max(0.0, cx0), max(0.0, cy0), min(full_w, cx1), min(full_h, cy1)
    scale = min(width / max(cx1 - cx0, 1.0), _EVIDENCE.max_scale)
    bitmap = page.render(scale=scale, crop=(cx0, full_h - cy1, full_w - cx1, cy0), rev_byteorder=True)
    conv = bitmap.get_posconv(page)
    image = bitmap.to_pil().convert("RGB")
    return (image, [_device_rect(conv, pm, b) for b in drawing.shaded],
            [_device_rect(conv, pm, b) for b in drawing.boxes])


def _draw(image: Image.Image, shaded: list[Rect], boxes: list[Rect]) -> tuple[Image.Image, list[Rect]]:
    """Shade the lines and outline the boxes (just outside the glyphs); the outlines drawn."""
    if shaded:
        layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
        pen = ImageDraw.Draw(layer)
        for x0, y0, x1, y1 in shaded:
            pen.rectangle((x0 - 1, y0 - 1, x1 + 1, y1 + 1), fill=SHADE_RGBA)
        image = Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")
    line = max(2, round(image.size[0] / 300))
    pen = ImageDraw.Draw(image)
    out: list[Rect] = []
    for x0, y0, x1, y1 in boxes:
        pad = 2 * line + 1
        rect = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
        pen.rectangle(rect, outline=BOX_RGB, width=line)
        out.append(rect)
    return image, out


def _cache_path(cache: Path, sha256: str, page: int, width: int, drawing: Drawing) -> Path:
    return cache / sha256[:2] / f"{sha256}-{page}-{width}-{drawing.key()}.png"


def cached_png(cache: Path | None, pdf_path: Path, sha256: str, page: int, width: int,
               drawing: Drawing) -> Rendered:
    """:func:`render_png`, kept in ``cache`` (a folder; None: not kept). The outlined box's pixels
    are kept beside the image (``.json``), so a cached image says where its box is too."""
    target = _cache_path(cache, sha256, page, width, drawing) if cache is not None else None
    if target is not None:
        with contextlib.suppress(OSError, ValueError):
            png = target.read_bytes()
            meta = json.loads(target.with_suffix(".json").read_text())
            return Rendered(png, tuple(meta["box"]) if meta.get("box") else None, tuple(meta["size"]), cached=True)
    out = render_png(pdf_path, page, width, drawing)
    if target is not None:
        with contextlib.suppress(OSError):
            target.parent.mkdir(parents=True, exist_ok=True)
            for path, data in ((target.with_suffix(".json"), json.dumps({"box": out.box_px, "size": out.size}).encode()),
                               (target, out.png)):
                tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
                tmp.write_bytes(data)
                os.replace(tmp, path)
    return out
