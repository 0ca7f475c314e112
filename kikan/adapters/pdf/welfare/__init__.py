"""PDF of the 児童手当・児童扶養手当 notices (認定・額改定・支給停止・消滅・却下・支払通知書)."""

from kikan.adapters.pdf.welfare.render import notice_html, render_notice

__all__ = ["notice_html", "render_notice"]
