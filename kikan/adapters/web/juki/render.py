"""Rendering helpers of the registry screens: 和暦 dates, Japanese labels, block marks, errors.

Dates on the screens are 和暦 (``kikan.core.calendar.format_wareki``), except the items the
standard holds in 西暦 for 外国人住民 (生年月日, 在留期間の満了の日; 標準仕様書 1.1.2).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from kikan.adapters.api.deps import Principal
from kikan.adapters.web.formatting import wareki
from kikan.adapters.web.views import render
from kikan.core.errors import DomainError, FieldError
from kikan.juki.blocks import PROCESSES, SUPPORT_STAGES
from kikan.juki.events import REASON_BY_CODE

SEX = {"1": "男", "2": "女"}
STATUS = {"resident": "住民", "removed": "消除"}
KIND = {"japanese": "日本人住民", "foreign": "外国人住民"}
WESTERN_FOR_FOREIGN = ("birth_date", "stay_expires_on")
FLAG_LABELS = {"support": ("支援措置", "block"), "block:error": ("抑止", "block"),
               "block:alert": ("抑止（アラート）", "alert"), "block:past_end": ("期限経過", "alert")}  # fmt: skip


def item_date(rec: Mapping[str, Any], key: str) -> str:
    """A date item of a record: 西暦 for a 外国人住民's 生年月日/満了の日, else 和暦."""
    v = rec.get(key)
    if v is None:
        return ""
    if rec.get("resident_kind") == "foreign" and key in WESTERN_FOR_FOREIGN:
        d = v if isinstance(v, date) else date.fromisoformat(str(v)[:10])
        return f"{d.year}年{d.month}月{d.day}日"
    return wareki(v)


def _get(rec: Any, key: str) -> Any:
    return rec.get(key) if isinstance(rec, Mapping) else getattr(rec, key, None)


def full_name(rec: Any) -> str:
    """氏名 as registered, 氏 and 名 separated by a full-width space (a record dict or a search hit)."""
    return "\u3000".join(str(x) for x in (_get(rec, "family_name"), _get(rec, "given_name")) if x)


def kana(rec: Any) -> str:
    return "\u3000".join(str(x) for x in (_get(rec, "family_name_kana"), _get(rec, "given_name_kana")) if x)


def event_name(code: Any) -> str:
    r = REASON_BY_CODE.get(str(code or ""))
    return r.name if r else str(code or "")


def flag_badges(flags: list[str]) -> list[tuple[str, str]]:
    return [FLAG_LABELS[f] for f in flags if f in FLAG_LABELS]


HELPERS: dict[str, Any] = {
    "wareki": wareki, "item_date": item_date, "full_name": full_name, "kana": kana, "event_name": event_name,
    "flag_badges": flag_badges, "SEX": SEX, "STATUS": STATUS, "KIND": KIND, "PROCESSES": PROCESSES,
    "SUPPORT_STAGES": SUPPORT_STAGES,
}  # fmt: skip


def page(request: Request, name: str, ctx: dict[str, Any], p: Principal, status: int = 200) -> Response:
    """Render ``juki/<name>`` with the helpers (templates extend ``juki/_layout.html``)."""
    return render(request, f"juki/{name}", {**HELPERS, **ctx}, p, status=status)


#: Services that name fields by their English key (抑止・証明書): the Japanese shown on screens.
FIELD_LABELS = {"addressee_no": "対象者", "addressee_nos": "対象者", "household_no": "世帯番号", "block_id": "抑止",
                "processes": "抑止する処理", "level": "レベル", "end_on": "終了日", "minutes": "一時解除の時間（分）",
                "reason": "理由", "options.layout": "様式", "options.with_history": "異動履歴",
                "options.show_mynumber": "個人番号", "reissue_of": "再交付", "requester": "請求者", "purpose": "使用目的"}  # fmt: skip


def errors_of(exc: DomainError) -> list[FieldError]:
    """The field errors of a refusal (field names in Japanese), or the message when it names no field."""
    errors = list(exc.errors) or [FieldError("", exc.message)]
    return [FieldError(FIELD_LABELS.get(e.field, e.field), e.message) for e in errors]


def error_page(request: Request, p: Principal, exc: DomainError, title: str = "処理できません") -> Response:
    """A refusal on a page that has no form to re-render (not found, 照会抑止 …)."""
    msgs = [f"{e.field}: {e.message}" if e.field else e.message for e in errors_of(exc)]
    return page(request, "error.html", {"title": title, "messages": msgs}, p, status=exc.status)
