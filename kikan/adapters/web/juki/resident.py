"""住民の照会 screen (標準仕様書 2 照会): current items, household, full 異動履歴, 抑止・支援措置,
and the person's 改製原住民票 (each with the issue of its copy).

One page load reads the record (audited, with whether the 個人番号 was shown), the history
(audited), the blocks of the person and of the household (audited by the block service) and the
改製原住民票 (audited, as for the API).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kikan.adapters.api.deps import Principal, Requires
from kikan.adapters.api.routes.juki_common import Today, open_uow
from kikan.adapters.api.routes.juki_queries import remade_originals, resident_history, resident_view
from kikan.adapters.db.juki_blocks import SqlBlockStore
from kikan.adapters.web.juki.render import KIND, SEX, STATUS, error_page, event_name, item_date, page
from kikan.core.errors import DomainError
from kikan.juki import block_services as bs
from kikan.juki.items import ITEMS, Item

READ = "juki.read"
Reader = Annotated[Principal, Depends(Requires(READ))]
#: Shown together (氏名, フリガナ) or elsewhere on the page (世帯番号, 並び順), or never (個人番号).
SKIP = frozenset({"family_name", "given_name", "family_name_kana", "given_name_kana", "household_no",
                  "household_order", "individual_number_enc", "individual_number_hash", "status", "resident_kind"})  # fmt: skip
OTHER_BUSINESSES = (
    "nhi_",
    "elderly_medical",
    "ltc_",
    "pension_",
    "basic_pension",
    "child_allowance",
    "elector",
)
GROUP_TITLES = {
    "common": "住民票の記載事項",
    "jp": "日本人住民の記載事項",
    "foreign": "外国人住民の記載事項",
    "removal": "除票の記載事項",
}
MOVE_LINKS = (("move-within", "転居"), ("move-out", "転出"), ("death", "死亡"), ("household-split", "世帯分離"),
              ("household-head", "世帯主変更"), ("household-change", "世帯変更"), ("correction", "職権修正等"),
              ("cancel", "異動の取消し"), ("individual-number", "個人番号の変更"), ("former-surname", "旧氏"),
              ("birth", "出生（この世帯）"))  # fmt: skip
#: 改製・再製 (:mod:`kikan.adapters.web.juki.remake`), under the resident's own path.
REBUILD_LINKS = (("remake", "改製"), ("reproduce", "再製"))


def _value(rec: Mapping[str, Any], item: Item) -> str:
    v = rec.get(item.name)
    if v is None or v == "":
        return ""
    if item.kind == "date":
        return item_date(rec, item.name)
    if item.kind == "bool":
        return "あり" if v else "なし"
    if item.name == "sex":
        return SEX.get(str(v), str(v))
    if item.name == "removal_reason":
        return event_name(v)
    return str(v)


def item_groups(rec: Mapping[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group title, [(label, value)]) in the catalogue's order; items of the other 住民種別 left out."""
    foreign = rec.get("resident_kind") == "foreign"
    groups: dict[str, list[tuple[str, str]]] = {}
    for item in ITEMS:
        if item.name in SKIP or (item.group == "jp" and foreign) or (item.group == "foreign" and not foreign):
            continue
        if item.group == "removal" and rec.get("status") != "removed" and not rec.get("move_out_planned_on"):
            continue
        value = _value(rec, item)
        if value or not item.name.startswith(OTHER_BUSINESSES):  # other businesses' entries only when set
            groups.setdefault(item.group, []).append((item.ja, value))
    return [(GROUP_TITLES[g], rows) for g, rows in groups.items()]


def _blocks(uow: Any, today: Any, no: str, household_no: str | None) -> list[bs.BlockView]:
    store = SqlBlockStore(uow)
    views = bs.list_blocks(uow, today=today, store=store, addressee_no=no)
    if household_no:
        views += bs.list_blocks(uow, today=today, store=store, household_no=household_no)
    return views


def router() -> APIRouter:
    r = APIRouter(prefix="/juki", include_in_schema=False)

    @r.get("/residents/{addressee_no}")
    def resident(
        request: Request, addressee_no: str, p: Reader, today: Today, show_individual_number: bool = False
    ) -> Response:
        try:
            with open_uow(request, p) as uow:
                v = resident_view(uow, addressee_no, today=today, show_number=show_individual_number)
                history = resident_history(uow, addressee_no, today=today)
                blocks = _blocks(uow, today, addressee_no, v.record.get("household_no"))
                originals = remade_originals(uow, addressee_no, today=today)
                uow.commit()
        except DomainError as exc:
            return error_page(request, p, exc, title="住民の照会")
        rec = v.record
        ctx = {
            "title": f"住民の照会 {rec.get('family_name') or ''}{rec.get('given_name') or ''}", "nav": "search",
            "v": v, "rec": rec, "groups": item_groups(rec), "history": list(reversed(history)), "blocks": blocks,
            "originals": list(reversed(originals)), "move_links": MOVE_LINKS, "rebuild_links": REBUILD_LINKS, "status_label": STATUS.get(rec.get("status") or "", ""),
            "kind_label": KIND.get(rec.get("resident_kind") or "", ""),
        }  # fmt: skip
        return page(request, "resident.html", ctx, p)

    return r
