"""Scanned copies of PDFs, made the way a scanner makes them: each page rendered to an image
(200 dpi), tilted slightly, on grey paper with scanner noise, saved as an image-only PDF (no
text layer). Generated into a temporary folder or a cache, never kept in the repository."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2
from PIL import Image


def scan_image(page: pypdfium2.PdfPage, dpi: float = 200, tilt: float = 0.8, paper: int = 228, noise: float = 10.0,
               quarter_turns: int = 0, seed: int = 0) -> Image.Image:
    """One page as a scanner gives it: grey, tilted by ``tilt`` degrees (counter-clockwise), on paper of
    grey ``paper`` with Gaussian noise of ``noise`` grey levels, turned ``quarter_turns`` quarter turns
    clockwise (a page fed sideways)."""
    img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    arr = np.asarray(img, dtype=np.float32)
    arr = paper / 255.0 * arr  # white paper → grey, ink stays dark
    img = Image.fromarray(arr.clip(0, 255).astype(np.uint8)).rotate(tilt, resample=Image.BILINEAR, fillcolor=paper)
    rng = np.random.default_rng(seed)
    arr = np.asarray(img, dtype=np.float32) + rng.normal(0, noise, (img.height, img.width))
    speckle = rng.random((img.height, img.width)) < 0.0005  # dust
    arr[speckle] = 30
    out = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    return out.rotate(-90 * quarter_turns, expand=True) if quarter_turns else out


def scan_pdf(src: Path, out: Path, pages: list[int] | None = None, dpi: float = 200, **kw) -> Path:
    """An image-only copy of ``src`` (its ``pages``, 0-based; all by default) at ``dpi``."""
    doc = pypdfium2.PdfDocument(src)
    try:
        images = [scan_image(doc[i], dpi=dpi, seed=i, **kw) for i in (pages if pages is not None else range(len(doc)))]
    finally:
        doc.close()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out


def first_page(src: Path, out: Path, index: int = 0) -> Path:
    """Page ``index`` of ``src`` as a PDF of its own (its text layer and images kept)."""
    doc, new = pypdfium2.PdfDocument(src), pypdfium2.PdfDocument.new()
    try:
        new.import_pages(doc, [index])
        new.save(out)
    finally:
        new.close()
        doc.close()
    return out
