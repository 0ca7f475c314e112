"""Registry candidates for the persons of an application (本人確認・対象者の特定 by the clerk).

For each ``identify`` entry of the form, the persons of the section are looked up in the
resident registry by フリガナ (exact, after the registry's kana folding) and 生年月日, through
the registry's own search module (``juki_search.search``: requires ``juki.read`` and audits the
search as ``juki.search``). The clerk picks a candidate; its 宛名番号 becomes a correction of
the application. Nothing is chosen automatically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kikan.applications.definition import FormDefinition
from kikan.core.errors import DomainError

MAX_HITS = 5


@dataclass(frozen=True)
class Group:
    heading: str  # 「転出する方（1人目）山田　花子」
    path: str  # the clerk-only field a choice writes to
    current: str  # its current value
    hits: list[Any]  # SearchHit of the registry


def candidates(uow: Any, form: FormDefinition, data: Mapping[str, Any], *, today: date) -> list[Group]:
    if not form.identify or not uow.actor.can("juki.read"):
        return []
    from kikan.adapters.db import juki_search
    from kikan.juki.search import SearchQuery

    groups: list[Group] = []
    for ident in form.identify:
        sec = form.section(ident.section)
        if sec is None:
            continue
        value = data.get(sec.id)
        items = list(enumerate(value or [])) if sec.repeat is not None else [(None, value or {})]
        for index, item in items:
            kana = f"{item.get(ident.family_name_kana) or ''}{item.get(ident.given_name_kana) or ''}"
            born = item.get(ident.birth_date)
            if not kana or not born:
                continue
            into = ident.into.replace("[]", f".{index}" if index is not None else "").replace("..", ".")
            into_sec, _, into_field = into.rpartition(".")
            target = data.get(into_sec.split(".")[0])
            if index is not None and isinstance(target, list):
                current = (target[index] or {}).get(into_field) if index < len(target) else None
            else:
                current = (target or {}).get(into_field) if isinstance(target, dict) else None
            name = "\u3000".join(str(x) for x in (item.get("family_name"), item.get("given_name")) if x)
            item_label = f"（{sec.repeat.item_label.format(n=index + 1)}）" if sec.repeat and index is not None else ""
            try:
                page = juki_search.search(uow, SearchQuery(kana=kana, kana_match="exact", birth_date=str(born)),
                                          today=today, limit=MAX_HITS)  # fmt: skip
            except DomainError:
                continue
            groups.append(Group(f"{sec.title}{item_label} {name}", into, str(current or ""), list(page.items)))
    return groups
