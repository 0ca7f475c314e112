"""Accessibility and CSP checks of a rendered page: labels for every input, no inline script/style."""

from __future__ import annotations

from html.parser import HTMLParser


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str] = []
        self.labels: set[str] = set()
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "style" in a or any(k.startswith("on") for k in a):
            self.inline.append(f"<{tag} {a}>")
        if tag == "style":
            self.inline.append("<style>")
        if tag == "script" and not a.get("src"):
            self.inline.append("<script> without src")
        if tag == "label" and a.get("for"):
            self.labels.add(str(a["for"]))
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit", "button"):
            self.fields.append(str(a.get("id") or f"<{tag} name={a.get('name')} without id>"))


def problems(html: str) -> list[str]:
    p = _Page()
    p.feed(html)
    return p.inline + [f"no <label for> for {f}" for f in p.fields if f not in p.labels]
