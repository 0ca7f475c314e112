"""PDF output: certificates and notices (WeasyPrint + IPAmj明朝; see ``fonts.py``)."""

from kikan.adapters.pdf.certificates import RenderedPdf, render_certificate, render_certificate_pdf
from kikan.adapters.pdf.fonts import FontMissing

__all__ = ["FontMissing", "RenderedPdf", "render_certificate", "render_certificate_pdf"]
