"""Render the 個人住民税 notices (:mod:`kikan.tax.individual_resident.notices`) to PDF with WeasyPrint.

Same approach as the registry certificates (:mod:`kikan.adapters.pdf.certificates`): the fonts
come from :mod:`kikan.adapters.pdf.fonts` (IPAmj明朝 for names and addresses so IVS variants print
as registered, IPAex for the rest; a missing font is :class:`~kikan.adapters.pdf.fonts.FontMissing`),
and ONE ``FontConfiguration`` with the parsed stylesheet per process (rebuilt after a fork, keyed by
pid), so a batch worker loads the fonts once. One document is rendered at a time per process.
"""

from __future__ import annotations

import atexit
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kikan.adapters.pdf.certificates import RenderedPdf
from kikan.adapters.pdf.fonts import font_face_css
from kikan.adapters.pdf.process_lock import ProcessLock
from kikan.adapters.pdf.tax.barcode import itf_svg
from kikan.tax.individual_resident.notices import Notice
from kikan.tax.individual_resident.notices.texts import SLIP_NOTE

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_OF = {"ordinary": "ordinary.html", "employer": "employer.html", "employee": "employee.html",
               "correction": "correction.html"}  # fmt: skip


@dataclass
class _Resources:
    pid: int
    font_config: Any
    stylesheet: Any
    env: Environment


_res: _Resources | None = None
_process_lock = ProcessLock()


@atexit.register
def _release() -> None:
    global _res
    _res = None


def _yen(value: int) -> str:
    return f"{value:,}"


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
        trim_blocks=True, lstrip_blocks=True,
    )  # fmt: skip
    env.filters["yen"] = _yen
    env.globals["itf_svg"] = itf_svg
    env.globals["slip_note"] = SLIP_NOTE
    return env


def _resources() -> _Resources:
    global _res
    with _process_lock():
        if _res is None or _res.pid != os.getpid():
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            fc = FontConfiguration()
            css = font_face_css() + "\n" + (TEMPLATES / "notice.css").read_text(encoding="utf-8")
            _res = _Resources(os.getpid(), fc, CSS(string=css, font_config=fc), _env())
        return _res


def warm_up() -> None:
    """Load the fonts and stylesheet now (a batch worker's initializer)."""
    _resources()


def fingerprint() -> str:
    """sha256 of the templates and stylesheet: a change re-renders every notice of a batch."""
    h = hashlib.sha256()
    for p in sorted(TEMPLATES.iterdir()):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def notices_html(docs: Sequence[Notice]) -> str:
    """The HTML of one or more notices (each starts on a new page)."""
    env = _resources().env
    parts = [env.get_template(TEMPLATE_OF[d.kind]).render(doc=d) for d in docs]
    title = docs[0].title if docs else ""
    return env.get_template("page.html").render(title=title, body="".join(parts))


def render_notices(docs: Sequence[Notice]) -> RenderedPdf:
    """One PDF with every notice of ``docs`` (A4; 特別徴収義務者用 in landscape)."""
    from weasyprint import HTML

    with _process_lock():
        res = _resources()
        document = HTML(string=notices_html(docs)).render(
            stylesheets=[res.stylesheet], font_config=res.font_config
        )
        return RenderedPdf(document.write_pdf(), len(document.pages))


def render_notice(doc: Notice) -> RenderedPdf:
    """The PDF of one notice (with its 納付書 pages for a 納税通知書)."""
    return render_notices([doc])
