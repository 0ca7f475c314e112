"""Render a :class:`kikan.welfare.notices.WelfareNotice` to PDF with WeasyPrint.

Same approach as the 個人住民税 notices (:mod:`kikan.adapters.pdf.tax.render`): fonts from
:mod:`kikan.adapters.pdf.fonts` (IPAmj明朝 for the recipient's and children's names so a registered
variant prints with its glyph, IPAex for the rest; a missing font is
:class:`~kikan.adapters.pdf.fonts.FontMissing`, never a substitution), one ``FontConfiguration``
and parsed stylesheet per process, one document rendered at a time per process.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kikan.adapters.pdf.certificates import RenderedPdf
from kikan.adapters.pdf.fonts import font_face_css
from kikan.adapters.pdf.process_lock import ProcessLock
from kikan.welfare.notices import WelfareNotice

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class _Resources:
    pid: int
    font_config: Any
    stylesheet: Any
    env: Environment


_res: _Resources | None = None
_process_lock = ProcessLock()  # per process: a forked batch worker never inherits a held lock


def _resources() -> _Resources:
    global _res
    with _process_lock():
        if _res is None or _res.pid != os.getpid():
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            fc = FontConfiguration()
            css = font_face_css() + "\n" + (TEMPLATES / "notice.css").read_text(encoding="utf-8")
            env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                              trim_blocks=True, lstrip_blocks=True)  # fmt: skip
            _res = _Resources(os.getpid(), fc, CSS(string=css, font_config=fc), env)
        return _res


def notice_html(doc: WelfareNotice) -> str:
    return _resources().env.get_template("notice.html").render(doc=doc)


def render_notice(doc: WelfareNotice) -> RenderedPdf:
    """The PDF (A4 portrait) of one notice."""
    from weasyprint import HTML

    with _process_lock():
        res = _resources()
        document = HTML(string=notice_html(doc)).render(stylesheets=[res.stylesheet], font_config=res.font_config)
        return RenderedPdf(document.write_pdf(), len(document.pages))
