"""Render a :class:`~kikan.juki.certificates.CertificateDocument` to PDF (WeasyPrint).

One WeasyPrint ``FontConfiguration`` and one parsed stylesheet per process (rebuilt after a
fork, keyed by pid): parsing the CSS registers the @font-face files once. A one-page 個人票
costs about 0.1 s of CPU, a full 世帯連記式 page about 0.2 s; the largest single part is
HarfBuzz subsetting IPAmj明朝 (~40 ms per document; see ``bench/certificates.py``).
Names and addresses (``Field.registered``) are set in IPAmj明朝 so IVS variants print as
registered; labels and body text in IPAex.
"""

from __future__ import annotations

import atexit
import base64
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kikan.adapters.pdf.fonts import font_face_css
from kikan.adapters.pdf.process_lock import ProcessLock
from kikan.juki.certificates import CertificateDocument, Layout, Sheet

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    pages: int


@dataclass
class _Resources:
    pid: int
    font_config: Any
    stylesheet: Any
    template: Any


_res: _Resources | None = None
# Pango/fontconfig state behind one FontConfiguration is not documented as thread-safe; a
# process renders one document at a time (rendering is CPU-bound under the GIL anyway).
_process_lock = ProcessLock()


@atexit.register
def _release() -> None:
    """Free the Pango/fontconfig objects while their libraries are still loaded (exit order)."""
    global _res
    _res = None


def _resources() -> _Resources:
    """Per-process WeasyPrint state (fonts are loaded once; a forked child builds its own)."""
    global _res
    with _process_lock():
        if _res is None or _res.pid != os.getpid():
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            fc = FontConfiguration()
            css_text = font_face_css() + "\n" + (TEMPLATES / "certificate.css").read_text(encoding="utf-8")
            env = Environment(
                loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                trim_blocks=True, lstrip_blocks=True,
            )
            template = env.get_template("certificate.html")
            _res = _Resources(os.getpid(), fc, CSS(string=css_text, font_config=fc), template)
        return _res


def _view(doc: CertificateDocument) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen = 0
    for s in doc.sheets:
        persons = []
        for b in s.persons:
            if not b.continued:
                seen += 1
            no = str(seen) if doc.layout == Layout.HOUSEHOLD else ""
            persons.append({"block": b, "rows": b.rows(), "no": no})
        out.append({"sheet": s, "persons": persons})
    return out


def certificate_html(doc: CertificateDocument, *, seal_png: bytes | None = None) -> str:
    """The HTML the PDF is made from (for previews and debugging)."""
    seal_uri = "data:image/png;base64," + base64.b64encode(seal_png).decode("ascii") if seal_png else ""
    return str(_resources().template.render(doc=doc, sheets=_view(doc), seal_uri=seal_uri))


def render_certificate_pdf(doc: CertificateDocument, *, seal_png: bytes | None = None) -> RenderedPdf:
    """Render ``doc``; ``seal_png`` is the tenant's 電子公印 image (a placeholder box without it)."""
    from weasyprint import HTML

    with _process_lock():
        res = _resources()
        document = HTML(string=certificate_html(doc, seal_png=seal_png)).render(
            stylesheets=[res.stylesheet], font_config=res.font_config
        )
        return RenderedPdf(document.write_pdf(), len(document.pages))


def render_certificate(doc: CertificateDocument) -> bytes:
    """PDF bytes of ``doc`` (A4 portrait; 発行番号 and page x / y on every page)."""
    return render_certificate_pdf(doc).pdf


__all__ = ["RenderedPdf", "Sheet", "certificate_html", "render_certificate", "render_certificate_pdf"]
