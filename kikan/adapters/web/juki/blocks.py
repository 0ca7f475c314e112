"""抑止・支援措置 management screen of one person (標準仕様書 3.1, 3.4).

Set a 抑止 on the person or the household, release it, release it temporarily (一時解除);
receive a 支援措置 (仮支援措置 or approved), approve, extend, end. One POST endpoint takes the
operation in ``op``; a refusal re-renders the page with the error summary and the input kept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from kikan.adapters.api.deps import Principal, Requires
from kikan.adapters.api.routes.juki_common import Today, open_uow
from kikan.adapters.api.routes.juki_queries import current_or_404
from kikan.adapters.db.juki_blocks import SqlBlockStore
from kikan.adapters.web.juki.common import flat, posted_form
from kikan.adapters.web.juki.render import error_page, errors_of, page
from kikan.core.errors import DomainError, FieldError, ValidationFailed
from kikan.juki import block_services as bs
from kikan.juki.blocks import LEVELS, PROCESSES
from kikan.juki.model import parse_iso_date

MANAGE = "juki.block.manage"
Manager = Annotated[Principal, Depends(Requires(MANAGE))]
DONE = {"set": "抑止を設定しました", "release": "抑止を解除しました", "temporary": "一時解除しました",
        "support_start": "支援措置を受け付けました", "approve": "支援措置を承認しました",
        "extend": "支援措置を延長しました", "end": "支援措置を終了しました"}  # fmt: skip


def _date(
    values: dict[str, str], name: str, label: str, errors: list[FieldError], *, required: bool = False
) -> date | None:
    raw = values.get(name, "").strip()
    if not raw:
        if required:
            errors.append(FieldError(label, f"{label}を入力してください"))
        return None
    try:
        return parse_iso_date(raw)
    except ValueError as exc:
        errors.append(FieldError(label, str(exc)))
        return None


def _command(
    op: str, no: str, household_no: str, values: dict[str, str], lists: dict[str, list[str]]
) -> tuple[Callable[..., Any], Any]:
    """The block service and its command for ``op`` (dates checked here, the rest by the service)."""
    errs: list[FieldError] = []
    block_id, reason = values.get("block_id", ""), values.get("reason", "").strip()
    if op == "set":
        start = _date(values, "start_on", "開始日", errs, required=True)
        end = _date(values, "end_on", "終了日", errs)
        target = (
            {"household_no": household_no} if values.get("target") == "household" else {"addressee_no": no}
        )
        cmd: Any = bs.SetBlock(processes=lists.get("processes", []), level=values.get("level", ""),
                               start_on=start or date.min, end_on=end, reason=reason, **target)  # fmt: skip
        fn: Callable[..., Any] = bs.set_block
    elif op == "release":
        fn, cmd = bs.release_block, bs.ReleaseBlock(block_id, reason)
    elif op == "temporary":
        minutes = values.get("minutes", "").strip()
        if minutes and not minutes.isdigit():
            errs.append(FieldError("一時解除の時間（分）", "整数で入力してください"))
        fn, cmd = (
            bs.temporary_release,
            bs.TemporaryRelease(block_id, int(minutes) if minutes.isdigit() else None, reason),
        )
    elif op == "support_start":
        start = _date(values, "start_on", "開始年月日", errs, required=True)
        end = _date(values, "end_on", "終了年月日", errs)
        fn, cmd = (
            bs.start_support,
            bs.StartSupport(no, start or date.min, values.get("provisional") == "1", end, reason),
        )
    elif op == "approve":
        fn, cmd = bs.approve_support, bs.ApproveSupport(block_id, _date(values, "start_on", "開始年月日", errs),
                                                        _date(values, "end_on", "終了年月日", errs))  # fmt: skip
    elif op == "extend":
        fn, cmd = (
            bs.extend_support,
            bs.ExtendSupport(block_id, _date(values, "end_on", "延長後の終了年月日", errs)),
        )
    elif op == "end":
        fn, cmd = bs.end_support, bs.EndSupport(block_id, reason)
    else:
        errs.append(FieldError("操作", "不明な操作です"))
        fn, cmd = bs.release_block, None
    if errs:
        raise ValidationFailed(errs)
    return fn, cmd


def _page(
    request: Request, p: Principal, no: str, today: date, *, status: int = 200, **extra: Any
) -> Response:
    try:
        with open_uow(request, p) as uow:
            rec = current_or_404(uow, no)
            store = SqlBlockStore(uow)
            views = bs.list_blocks(uow, today=today, store=store, addressee_no=no, include_released=True)
            views += bs.list_blocks(
                uow, today=today, store=store, household_no=rec["household_no"], include_released=True
            )
            uow.commit()
    except DomainError as exc:
        return error_page(request, p, exc, title="抑止・支援措置")
    ctx = {"title": "抑止・支援措置", "nav": "search", "rec": rec, "views": views, "today": today,
           "levels": LEVELS, "processes": PROCESSES, "values": {}, "lists": {}, "errors": [], "op": "", **extra}  # fmt: skip
    return page(request, "blocks.html", ctx, p, status=status)


def router() -> APIRouter:
    r = APIRouter(prefix="/juki/residents", include_in_schema=False)

    @r.get("/{addressee_no}/blocks")
    def blocks_page(
        request: Request, addressee_no: str, p: Manager, today: Today, done: str = ""
    ) -> Response:
        return _page(request, p, addressee_no, today, done=DONE.get(done, ""))

    @r.post("/{addressee_no}/blocks")
    def blocks_change(
        request: Request,
        addressee_no: str,
        p: Manager,
        today: Today,
        posted: Annotated[FormData, Depends(posted_form)],
    ) -> Response:
        values, lists = flat(posted)
        op = values.get("op", "")
        try:
            with open_uow(request, p) as uow:
                rec = current_or_404(uow, addressee_no)
                fn, cmd = _command(op, addressee_no, rec["household_no"], values, lists)
                fn(cmd, uow, today=today, store=SqlBlockStore(uow))
                uow.commit()
        except DomainError as exc:
            return _page(request, p, addressee_no, today, values=values, lists=lists, errors=errors_of(exc), op=op,
                         status=exc.status)  # fmt: skip
        return RedirectResponse(f"/juki/residents/{addressee_no}/blocks?done={op}", status_code=303)

    return r
