"""PDF of the 個人住民税 notices: 税額決定・納税通知書 with 納付書, 特別徴収税額通知書 (both copies), 税額変更通知書."""

from kikan.adapters.pdf.tax.render import fingerprint, notices_html, render_notice, render_notices, warm_up

__all__ = ["fingerprint", "notices_html", "render_notice", "render_notices", "warm_up"]
