"""異動入力 screens: a menu, one form per category, and the result page (with the alerts).

A refused 異動 re-renders the form with an error summary (each field's Japanese message, linked
to its input) and the user's input kept; nothing is written. After success the browser is
redirected (post/redirect/get) to a result page carrying the signed result: 宛名番号, 履歴番号,
世帯番号 and the alerts (届出期間経過 …).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from kikan.adapters.api.deps import Principal, Requires
from kikan.adapters.api.routes.juki_catalog import KIND_BY_SLUG, KINDS, MoveKind
from kikan.adapters.api.routes.juki_common import Today, open_uow
from kikan.adapters.api.routes.juki_move_api import MoveResultOut, run_move
from kikan.adapters.api.routes.juki_queries import household_view
from kikan.adapters.db import juki_repo as repo
from kikan.adapters.web.juki.common import flat, posted_form, sign, unsign
from kikan.adapters.web.juki.forms import (
    FormSpec,
    Section,
    command_data,
    correction_changes,
    error_targets,
    labelled,
)
from kikan.adapters.web.juki.move_forms import PERSON_MAIN, PERSON_MORE, SPECS
from kikan.adapters.web.juki.render import error_page, errors_of, page
from kikan.core.errors import DomainError, FieldError, NotFound
from kikan.juki.items import ITEMS
from kikan.juki.services import PersonInput, build
from kikan.juki.services.corrections import NOT_CORRECTABLE

WRITE = "juki.write"
SALT = "kikan.juki.move-result"
Writer = Annotated[Principal, Depends(Requires(WRITE))]
CORRECTABLE = tuple((i.name, i.ja) for i in ITEMS if i.name not in NOT_CORRECTABLE)
GROUPS = ("届出", "職権", "番号")
MAX_PERSONS = 20


def _kind(slug: str) -> tuple[MoveKind, FormSpec]:
    kind = KIND_BY_SLUG.get(slug)
    if kind is None:
        raise NotFound(f"異動の種類 {slug} はありません", field="異動の種類")
    return kind, SPECS[slug]


def _primary_household(uow: Any, spec: FormSpec, values: dict[str, str], lists: dict[str, list[str]]) -> str:
    """The household whose version the 異動 checks (see ``Move.household(primary=True)``)."""
    for name in ("household_no", "ui_household_no"):
        if values.get(name):
            return values[name]
    who = values.get("addressee_no") or next(iter(lists.get("addressee_nos", [])), "")
    snap = repo.current(uow, who.split(",")[0].strip()) if who else None
    return str(snap["household_no"]) if snap else ""


def form_context(
    request: Request,
    p: Principal,
    kind: MoveKind,
    spec: FormSpec,
    values: dict[str, str],
    lists: dict[str, list[str]],
    *,
    today: Any,
    errors: list[FieldError],
    fresh: bool,
) -> dict[str, Any]:
    """Everything the form template needs; ``fresh`` reloads members and the household version."""
    members: list[dict[str, Any]] = []
    load_errors: list[FieldError] = []
    source = values.get(spec.members.source, "") if spec.members else ""
    try:
        with open_uow(request, p) as uow:
            if source:
                _, members = household_view(uow, source, today=today)
            primary = _primary_household(uow, spec, values, lists)
            if fresh and primary:
                hh = repo.household(uow, primary)
                if hh:
                    values["expected_household_version"] = str(hh["version"])
            uow.commit()
    except DomainError as exc:
        load_errors = errors_of(exc)
    slots = max(1, min(MAX_PERSONS, int(values.get("person_count") or 1))) if spec.persons == "persons" else 1
    targets = error_targets(spec, kind.model, slots)
    all_errors = [*errors, *load_errors]
    by_input: dict[str, list[str]] = {}
    for e in all_errors:
        if e.field in targets:
            by_input.setdefault(targets[e.field], []).append(e.message)
    sections = [
        Section(s.title, labelled(kind.model, s.inputs), s.widget, s.collapsed, s.hint) for s in spec.sections
    ]
    return {
        "title": kind.title, "kind": kind, "spec": spec, "sections": sections, "values": values, "lists": lists,
        "errors": all_errors, "targets": targets, "by_input": by_input, "members": members, "slots": slots,
        "person_main": labelled(PersonInput, PERSON_MAIN), "person_more": labelled(PersonInput, PERSON_MORE),
        "correctable": CORRECTABLE, "changes": correction_changes(values), "change_rows": 5,
    }  # fmt: skip


def router() -> APIRouter:
    r = APIRouter(prefix="/juki/moves", include_in_schema=False)

    @r.get("")
    def menu(request: Request, p: Writer) -> Response:
        groups = {g: [k for k in KINDS if k.group == g] for g in GROUPS}
        return page(request, "move_menu.html", {"title": "異動入力", "groups": groups}, p)

    @r.get("/done")
    def done(request: Request, p: Writer, r: str = "") -> Response:
        data = unsign(request, SALT, r)
        if not data:
            return error_page(
                request, p, NotFound("結果の表示期限が切れました。住民の照会画面で確認してください")
            )
        kind = KIND_BY_SLUG.get(data.get("slug", ""))
        result = MoveResultOut.model_validate(data["result"])
        ctx = {"title": f"{kind.title if kind else '異動'}の結果", "kind": kind, "result": result}
        return page(request, "move_done.html", ctx, p)

    @r.get("/{slug}")
    def form(request: Request, slug: str, p: Writer, today: Today,
             addressee_no: str = "", household_no: str = "") -> Response:  # fmt: skip
        try:
            kind, spec = _kind(slug)
        except DomainError as exc:
            return error_page(request, p, exc)
        names = {i.name for s in spec.sections for i in s.inputs}
        values: dict[str, str] = {"event_on": today.isoformat()}
        lists: dict[str, list[str]] = {}
        if addressee_no:
            if "addressee_no" in names:
                values["addressee_no"] = addressee_no
            if "addressee_nos" in spec.list_fields:
                lists["addressee_nos"] = [addressee_no]
        if household_no:
            values["household_no" if "household_no" in names else "ui_household_no"] = household_no
        ctx = form_context(request, p, kind, spec, values, lists, today=today, errors=[], fresh=True)
        return page(request, "move_form.html", ctx, p)

    @r.post("/{slug}")
    def submit(
        request: Request,
        slug: str,
        p: Writer,
        today: Today,
        posted: Annotated[FormData, Depends(posted_form)],
    ) -> Response:
        try:
            kind, spec = _kind(slug)
        except DomainError as exc:
            return error_page(request, p, exc)
        values, lists = flat(posted)
        action = values.get("action", "")
        if action in ("add_person", "load"):
            if action == "add_person":
                values["person_count"] = str(int(values.get("person_count") or 1) + 1)
            ctx = form_context(
                request, p, kind, spec, values, lists, today=today, errors=[], fresh=action == "load"
            )
            return page(request, "move_form.html", ctx, p)
        try:
            cmd = build(kind.model, command_data(values, spec, lists))
            result = run_move(request, p, kind, cmd, today)
        except DomainError as exc:
            ctx = form_context(
                request, p, kind, spec, values, lists, today=today, errors=errors_of(exc), fresh=False
            )
            return page(request, "move_form.html", ctx, p, status=exc.status)
        token = sign(
            request, SALT, {"slug": slug, "result": MoveResultOut.of(result).model_dump(mode="json")}
        )
        return RedirectResponse(f"/juki/moves/done?r={token}", status_code=303)

    return r
