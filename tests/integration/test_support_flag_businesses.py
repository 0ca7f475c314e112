"""支援措置 in the tax and welfare businesses' own copies of registry persons, both backends: a measure
started in the registry reaches ``tax_registry_row.protected`` and ``welfare_person.protected`` through
the published feeds only, the taxpayer page, the welfare case page and the case list warn about it,
the end of the measure clears it, and syncing again changes nothing."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from kikan.adapters.db import welfare_feed, welfare_feed_snapshot
from kikan.adapters.db.juki_blocks import SqlBlockStore
from kikan.adapters.db.tables.tax import tax_registry_row
from kikan.adapters.db.tables.welfare import welfare_person
from kikan.adapters.db.tax_registry_source import sync_registry
from kikan.adapters.security import crypto
from kikan.core.tenancy import Actor, TenantContext
from kikan.juki import block_services as blocks
from tests.conftest import login_client, make_staff
from tests.integration.welfare.welfare_support import claim, move_in, person, staff

BADGE = "支援措置対象者：住所等の開示・証明書の第三者交付に注意"
REASON = "加害者は元配偶者（住所は本人の申出書のとおり）"
TAX = frozenset({"tax.read", "tax.write", "linkage.read"})


@pytest.fixture(autouse=True)
def mynumber_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crypto.ENV_KEY, "sf:" + base64.b64encode(bytes(range(7, 39))).decode())
    crypto.reset_cipher()


def tax_ctx(tenant_id: str) -> TenantContext:
    return TenantContext(
        tenant_id, Actor("taxclerk01", client_addr="127.0.0.1", terminal="T09", permissions=TAX)
    )


def block(db: Any, ctx: TenantContext, fn: Any, cmd: Any, today: date) -> Any:
    with db.uow(ctx) as uow:
        out = fn(cmd, uow, today=today, store=SqlBlockStore(uow))
        uow.commit()
    return out


def family(db: Any, ctx: TenantContext) -> tuple[str, str, str]:
    """A mother and her two children moved in (2025-01-31): their 宛名番号."""
    r = move_in(db, ctx, [person("保護", "花子", "1988-02-02", "世帯主", "2", kana="ホゴ"),
                          person("保護", "陽", "2019-07-07", "子"), person("保護", "海", "2021-03-03", "子")],
                "2025-01-31")  # fmt: skip
    mother, a, b = r.addressee_nos
    return mother, a, b


def sync_all(db: Any, tenant_id: str) -> None:
    sync_registry(db, tax_ctx(tenant_id))
    welfare_feed_snapshot.sync(db, tenant_id)


def copies(db: Any, tenant_id: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Both copies, whole rows, in key order (to show a sync changed nothing)."""
    r, p = tax_registry_row.c, welfare_person.c
    with db.uow(tax_ctx(tenant_id)) as uow:
        tax = [tuple(x) for x in uow.conn.execute(
            sa.select(tax_registry_row).where(r.tenant_id == tenant_id).order_by(r.addressee_no, r.history_no))]  # fmt: skip
        welfare = [tuple(x) for x in uow.conn.execute(
            sa.select(welfare_person).where(p.tenant_id == tenant_id).order_by(p.addressee_no))]  # fmt: skip
    return tax, welfare


def flags(db: Any, tenant_id: str) -> tuple[dict[str, set[bool]], dict[str, bool]]:
    """宛名番号 → the flags on the tax rows of the person; 宛名番号 → the welfare copy's flag."""
    r, p = tax_registry_row.c, welfare_person.c
    tax: dict[str, set[bool]] = {}
    with db.uow(tax_ctx(tenant_id)) as uow:
        for no, f in uow.conn.execute(sa.select(r.addressee_no, r.protected).where(r.tenant_id == tenant_id)):
            tax.setdefault(no, set()).add(bool(f))
        welfare = {no: bool(f) for no, f in uow.conn.execute(
            sa.select(p.addressee_no, p.protected).where(p.tenant_id == tenant_id))}  # fmt: skip
    return tax, welfare


def pages(app: Any, db: Any, tenant_id: str, case_id: str, *nos: str) -> tuple[dict[str, str], str, str]:
    """(taxpayer page of each 宛名番号, welfare case page, welfare case list) as the clerks see them."""
    tax = login_client(app, make_staff(db, tenant_id, ["tax_clerk"]))
    welfare = login_client(app, make_staff(db, tenant_id, ["welfare_clerk"]))
    out = {}
    for no in nos:
        r = tax.get(f"/tax/taxpayers/{no}")
        assert r.status_code == 200, r.text
        out[no] = r.text
    case = welfare.get(f"/welfare/cases/{case_id}")
    listing = welfare.get("/welfare/cases")
    assert case.status_code == 200 and listing.status_code == 200
    return out, case.text, listing.text


def _row(listing: str, case_id: str) -> str:
    start = listing.index(f'href="/welfare/cases/{case_id}"')
    return listing[start : listing.index("</tr>", start)]


def test_a_measure_reaches_both_copies_and_screens_and_its_end_clears_them(app, db, ctx, tenant_id) -> None:
    mother, a, b = family(db, ctx)
    sync_all(db, tenant_id)
    wctx = staff(tenant_id)
    case = claim(db, wctx, mother, [(a, "2019-07-07"), (b, "2021-03-03")], "2025-02-10").case_id
    assert flags(db, tenant_id) == (
        {mother: {False}, a: {False}, b: {False}},
        {mother: False, a: False, b: False},
    )
    tax_page, case_page, listing = pages(app, db, tenant_id, case, mother, a)
    assert BADGE not in tax_page[mother] and BADGE not in case_page and BADGE not in listing

    m = block(db, ctx, blocks.start_support, blocks.StartSupport(mother, date(2025, 2, 15), provisional=False,
                                                                  reason=REASON), date(2025, 2, 15))  # fmt: skip
    sync_all(db, tenant_id)
    assert flags(db, tenant_id) == (
        {mother: {True}, a: {False}, b: {False}},
        {mother: True, a: False, b: False},
    )
    tax_page, case_page, listing = pages(app, db, tenant_id, case, mother, a)
    assert BADGE in tax_page[mother] and 'role="note"' in tax_page[mother]
    assert BADGE not in tax_page[a]  # per person: the child is not protected
    assert BADGE in case_page and "（対象: 受給者）" in case_page
    assert BADGE in _row(listing, case)
    for text in (*tax_page.values(), case_page, listing):
        assert REASON not in text  # the reason never leaves the registry

    held = copies(db, tenant_id)
    sync_all(db, tenant_id)  # a second sync changes nothing
    assert copies(db, tenant_id) == held

    block(db, ctx, blocks.end_support, blocks.EndSupport(m.block_id, "本人から終了の申出"), date(2025, 6, 1))
    sync_all(db, tenant_id)
    assert flags(db, tenant_id) == (
        {mother: {False}, a: {False}, b: {False}},
        {mother: False, a: False, b: False},
    )
    tax_page, case_page, listing = pages(app, db, tenant_id, case, mother)
    assert BADGE not in tax_page[mother] and BADGE not in case_page and BADGE not in _row(listing, case)

    held = copies(db, tenant_id)
    sync_all(db, tenant_id)
    assert copies(db, tenant_id) == held


def test_a_protected_child_marks_the_case_and_a_later_move_keeps_the_flag(app, db, ctx, tenant_id) -> None:
    mother, a, b = family(db, ctx)
    # the measure starts before either business has pulled anything: the first sync brings the
    # persons in (tax: snapshot; welfare: the moves feed) and the flag with them
    block(db, ctx, blocks.start_support, blocks.StartSupport(b, date(2025, 2, 1), provisional=False, reason=REASON),
          date(2025, 2, 1))  # fmt: skip
    sync_all(db, tenant_id)
    assert flags(db, tenant_id) == (
        {mother: {False}, a: {False}, b: {True}},
        {mother: False, a: False, b: True},
    )
    case = claim(db, staff(tenant_id), mother, [(a, "2019-07-07"), (b, "2021-03-03")], "2025-02-10").case_id
    tax_page, case_page, listing = pages(app, db, tenant_id, case, mother, b)
    assert BADGE in tax_page[b] and BADGE not in tax_page[mother]
    assert BADGE in case_page and "（対象: 児童）" in case_page and BADGE in _row(listing, case)

    # a 転居 writes new history rows: the tax copy stores them flagged, welfare keeps its flag
    from kikan.juki.services import RecordMoveWithin, build, move_within

    cmd = build(RecordMoveWithin, {"event_on": "2025-03-01", "reported_on": "2025-03-01",
                                   "addressee_nos": [mother, a, b], "address": {"address": "東京都千代田区竹町２番地"}})  # fmt: skip
    with db.uow(staff(tenant_id)) as uow:
        move_within(cmd, uow, today=date(2025, 3, 1))
        uow.commit()
    sync_all(db, tenant_id)
    assert flags(db, tenant_id) == (
        {mother: {False}, a: {False}, b: {True}},
        {mother: False, a: False, b: True},
    )
    r = tax_registry_row.c
    with db.uow(tax_ctx(tenant_id)) as uow:
        assert uow.conn.execute(sa.select(sa.func.max(r.history_no)).where(
            r.tenant_id == tenant_id, r.addressee_no == b)).scalar() == 2  # fmt: skip
    held = copies(db, tenant_id)
    sync_all(db, tenant_id)
    assert copies(db, tenant_id) == held


def test_the_welfare_flag_feed_never_reads_past_the_moves_it_has_applied(db, ctx, tenant_id) -> None:
    """A person a 異動 brings into the copy is flagged by that 異動's residents record, even when the
    flag feed would otherwise have passed the record over (the person not yet copied)."""
    mother, a, b = family(db, ctx)
    block(db, ctx, blocks.start_support, blocks.StartSupport(mother, date(2025, 2, 1), provisional=False,
                                                              reason=REASON), date(2025, 2, 1))  # fmt: skip
    # the flag feed alone, before the moves feed has applied anything: it reads nothing
    assert welfare_feed.poll_flags(db, tenant_id).received == 0
    welfare_feed.poll(db, tenant_id)
    assert flags(db, tenant_id)[1] == {mother: True, a: False, b: False}
