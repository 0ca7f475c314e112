"""Issuing certificates against a real database (SQLite and PostgreSQL).

住民基本台帳法第12条; 標準仕様書 5.1 (発行番号・交付履歴), 3.1/3.4 (抑止・支援措置), 4.1.3.0.3 (転出証明書),
10.2 (アクセスログ: 帳票発行, 個人番号の出力).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa

from kikan.adapters.db import juki_certificates as jc
from kikan.adapters.db.tables.core import audit_log, tenant_counter
from kikan.adapters.db.tables.juki import juki_block, juki_certificate_issue, juki_history, juki_resident
from kikan.adapters.security import accounts
from kikan.adapters.security.crypto import MyNumberCipher, generate_key
from kikan.core.errors import Blocked, Forbidden, NotFound, ValidationFailed
from kikan.core.identity import compute_local_government_check_digit
from kikan.core.tenancy import Actor, TenantContext
from kikan.juki.certificates import CertificateKind, CertificateOptions, Layout

TODAY = date(2026, 4, 1)
NOW = datetime(2026, 4, 1, 1, 0, tzinfo=UTC)
CIPHER = MyNumberCipher.from_text(generate_key())
MYNUMBER = "123456789018"


def snapshot(no: str, history_no: int = 1, **kw) -> dict:
    rec = {
        "addressee_no": no, "history_no": history_no, "household_no": "H1", "status": "resident",
        "resident_kind": "japanese", "family_name": "青木", "given_name": "太郎", "family_name_kana": "アオキ",
        "given_name_kana": "タロウ", "kana_confirmed": True, "birth_date": date(1980, 5, 1), "sex": "1",
        "relationship": "世帯主", "household_order": 1, "head_name": "青木　太郎", "address": "東京都葛飾区立石五丁目13番1号",
        "became_resident_on": date(2020, 4, 1), "address_set_on": date(2020, 4, 1), "notified_on": date(2020, 4, 3),
        "individual_number_enc": CIPHER.encrypt(MYNUMBER), "juminhyo_code": "12345678901",
        "event_code": "101", "event_on": date(2020, 4, 1), "recorded_at": NOW, "recorded_by": "seed",
    }
    rec.update(kw)
    return rec


def seed(db, ctx, *snaps: dict) -> None:
    """Write history rows; the highest 履歴番号 per person becomes current."""
    with db.uow(ctx) as uow:
        keys = {k for s in snaps for k in s}  # executemany takes its columns from the first row
        uow.conn.execute(sa.insert(juki_history), [{"tenant_id": ctx.tenant_id, **{k: s.get(k) for k in keys}} for s in snaps])
        latest: dict[str, dict] = {}
        for s in snaps:
            if s["addressee_no"] not in latest or s["history_no"] > latest[s["addressee_no"]]["history_no"]:
                latest[s["addressee_no"]] = s
        r = juki_resident.c
        for s in latest.values():
            uow.conn.execute(sa.delete(juki_resident).where(r.tenant_id == ctx.tenant_id, r.addressee_no == s["addressee_no"]))
            uow.conn.execute(sa.insert(juki_resident), {
                "tenant_id": ctx.tenant_id, "addressee_no": s["addressee_no"], "history_no": s["history_no"],
                "household_no": s["household_no"], "status": s["status"], "resident_kind": s["resident_kind"], "version": 1,
            })
        uow.commit()


@pytest.fixture
def family(db, ctx):
    seed(
        db, ctx,
        snapshot("A1"),
        snapshot("A2", relationship="妻", given_name="花子", household_order=2, sex="2"),
        snapshot("A3", relationship="子", given_name="一郎", household_order=3),
        snapshot("A9", relationship="子", given_name="次郎", household_order=4, status="removed",
                 removal_reason="死亡", removal_on=date(2025, 1, 5)),
    )
    return ctx


def with_perms(ctx, *extra: str, actor_id: str = "clerk02") -> TenantContext:
    return TenantContext(ctx.tenant_id, Actor(actor_id, terminal="T02", permissions=ctx.actor.permissions | set(extra)))


def issue(db, ctx, request, today=TODAY):
    with db.uow(ctx) as uow:
        return jc.issue(uow, request, today=today, cipher=CIPHER)


def issues(db, ctx) -> list:
    c = juki_certificate_issue.c
    with db.uow(ctx) as uow:
        return uow.conn.execute(sa.select(juki_certificate_issue).where(c.tenant_id == ctx.tenant_id).order_by(c.issue_no)).all()


def audits(db, ctx, function: str) -> list:
    a = audit_log.c
    with db.uow(ctx) as uow:
        return uow.conn.execute(
            sa.select(audit_log).where(a.tenant_id == ctx.tenant_id, a.function == function).order_by(a.seq)
        ).all()


def text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def add_block(db, ctx, *, person=None, household=None, kind="block") -> None:
    with db.uow(ctx) as uow:
        uow.conn.execute(sa.insert(juki_block), {
            "tenant_id": ctx.tenant_id, "block_id": str(uuid.uuid4()), "kind": kind, "addressee_no": person,
            "household_no": household, "processes": "certificate", "level": "error", "start_on": date(2026, 1, 1),
            "support_stage": "approved" if kind == "support" else None, "reason": "テスト", "created_at": NOW,
            "created_by": "test", "version": 1,
        })
        uow.commit()


# --- issuing ------------------------------------------------------------------------------------


def test_household_copy_records_issue_and_audits(db, family):
    got = issue(db, family, jc.CertificateRequest("resident_copy", household_no="H1", requester="青木太郎", purpose="就職"))
    assert got.issue_no == "R8-000001" and got.pages == 1 and got.pdf.startswith(b"%PDF")
    assert got.sha256 == hashlib.sha256(got.pdf).hexdigest()
    [row] = issues(db, family)
    assert (row.issue_no, row.kind, row.addressee_nos, row.channel) == ("R8-000001", "resident_copy", "A1,A2,A3", "counter")
    assert (row.requester, row.purpose, row.pages, row.sha256, row.issued_by) == ("青木太郎", "就職", 1, got.sha256, "clerk01")
    assert row.household_no == "H1" and row.released_by is None
    assert row.options["options"]["show_mynumber"] is False and row.options["snapshots"] == {"A1": 1, "A2": 1, "A3": 1}
    printed = audits(db, family, jc.FUNCTION)
    assert [(a.action, a.target_id, a.mynumber_shown) for a in printed] == [("print", n, False) for n in ("A1", "A2", "A3")]
    assert "issue_no=R8-000001" in printed[0].detail
    body = text(got.pdf)
    assert "発行番号 R8-000001" in body and "次郎" not in body  # the 除票 person is not on the copy
    assert MYNUMBER not in body and f"テスト市{family.tenant_id}長" in body


def test_issue_numbers_are_sequential_and_restart_each_wareki_year(db, family):
    req = jc.CertificateRequest("resident_copy", addressee_nos=("A1",))
    assert [issue(db, family, req).issue_no for _ in range(2)] == ["R8-000001", "R8-000002"]
    assert issue(db, family, req, today=date(2027, 1, 4)).issue_no == "R9-000001"


def test_removed_copy(db, family):
    req = jc.CertificateRequest("removed_copy", addressee_nos=("A9",), options=CertificateOptions(layout=Layout.INDIVIDUAL))
    got = issue(db, family, req)
    assert "住民票の除票の原本と相違ないことを証明する" in text(got.pdf) and issues(db, family)[0].kind == "removed_copy"


def test_invalid_request_writes_nothing(db, family):
    with pytest.raises(ValidationFailed, match="個人票"):
        issue(db, family, jc.CertificateRequest("removed_copy", addressee_nos=("A9",)))
    with pytest.raises(ValidationFailed, match="交付方法"):
        issue(db, family, jc.CertificateRequest("resident_copy", household_no="H1", channel="fax"))
    with pytest.raises(NotFound):
        issue(db, family, jc.CertificateRequest("resident_copy", addressee_nos=("A1", "ZZ")))
    assert issues(db, family) == [] and audits(db, family, jc.FUNCTION) == []
    t = tenant_counter.c
    with db.uow(family) as uow:
        assert uow.conn.execute(sa.select(t.value).where(t.tenant_id == family.tenant_id, t.name.like("juki.certificate%"))).first() is None


def test_other_tenant_cannot_print_this_tenants_person(db, family):
    for k in range(1, 50):  # a neighbouring free 団体コード
        base = f"{int(family.tenant_id[:2]):02d}{(int(family.tenant_id[2:5]) + k - 100) % 900 + 100:03d}"
        other = base + str(compute_local_government_check_digit(base))
        try:
            accounts.add_tenant(db, other, f"テスト市{other}")
            break
        except accounts.AccessError:
            continue
    with pytest.raises(NotFound):
        issue(db, TenantContext(other, family.actor), jc.CertificateRequest("resident_copy", addressee_nos=("A1",)))


# --- 抑止・支援措置 (3.1, 3.4) --------------------------------------------------------------------------


def test_blocked_person_nothing_issued_refusal_audited(db, family):
    add_block(db, family, person="A2")
    with pytest.raises(Blocked):
        issue(db, family, jc.CertificateRequest("resident_copy", household_no="H1"))
    assert issues(db, family) == [] and audits(db, family, jc.FUNCTION) == []
    denied = audits(db, family, "juki.block.enforce")
    assert [(a.action, a.target_id) for a in denied] == [("deny", "A2")]
    # the refused attempt consumed no 発行番号
    assert issue(db, family, jc.CertificateRequest("resident_copy", addressee_nos=("A1",))).issue_no == "R8-000001"


def test_support_measure_refused_without_supervisor(db, family):
    add_block(db, family, person="A3", kind="support")
    with pytest.raises(Blocked, match="支援措置"):
        issue(db, family, jc.CertificateRequest("resident_copy", household_no="H1"))
    with pytest.raises(Blocked, match="権限"):  # a release note without the 責任者 permission
        issue(db, family, jc.CertificateRequest("resident_copy", household_no="H1", supervisor_release="本人確認済み"))
    assert issues(db, family) == []
    assert [a.action for a in audits(db, family, "juki.block.enforce")] == ["deny", "deny"]


def test_support_measure_released_by_supervisor(db, family):
    add_block(db, family, person="A3", kind="support")
    boss = with_perms(family, "juki.block.release", actor_id="chief01")
    got = issue(db, boss, jc.CertificateRequest("resident_copy", household_no="H1", supervisor_release="本人の請求・確認済み"))
    [row] = issues(db, family)
    assert row.issue_no == got.issue_no and row.released_by == "chief01"
    released = audits(db, family, "juki.block.enforce")
    assert [(a.action, a.target_id) for a in released] == [("release", "A3")]


# --- 個人番号 ------------------------------------------------------------------------------------------


def test_mynumber_needs_permission(db, family):
    req = jc.CertificateRequest("resident_copy", addressee_nos=("A1",), options=CertificateOptions(show_mynumber=True))
    with pytest.raises(Forbidden, match="個人番号"):
        issue(db, family, req)
    assert issues(db, family) == []
    got = issue(db, with_perms(family, "mynumber.view"), req)
    assert MYNUMBER in text(got.pdf)
    [a] = audits(db, family, jc.FUNCTION)
    assert a.mynumber_shown is True and a.actor == "clerk02"


def test_mynumber_not_decrypted_unless_printed(db, family):
    class NoDecrypt:
        def decrypt(self, token):
            raise AssertionError("decrypted although not printed")

    with db.uow(family) as uow:
        got = jc.issue(uow, jc.CertificateRequest("resident_copy", household_no="H1"), today=TODAY, cipher=NoDecrypt())
    assert got.issue_no == "R8-000001"


# --- 転出証明書 (4.1.3.0.3) ---------------------------------------------------------------------------


def _mover(db, ctx, reported_on: date, planned: date) -> None:
    seed(db, ctx, snapshot("M1", history_no=1, household_no="H5"), snapshot(
        "M1", history_no=2, household_no="H5", status="removed", removal_reason="国内転出", removal_on=planned,
        move_out_planned_on=planned, moved_out_to_planned="大阪府大阪市北区梅田一丁目1番", event_code="201",
        event_on=planned, reported_on=reported_on, notified_on=reported_on,
    ))


def test_move_out_certificate_in_the_flow_and_reissue_shows_original_state(db, ctx):
    clerk = with_perms(ctx, "mynumber.view")
    _mover(db, clerk, reported_on=TODAY, planned=date(2026, 4, 10))
    with db.uow(clerk) as uow:
        first = jc.issue_move_out_certificate(uow, ["M1"], today=TODAY, commit=True, cipher=CIPHER)
    body = text(first.pdf)
    assert "転出の届出をしたことを証明する" in body and "梅田一丁目1番" in body and MYNUMBER in body
    # a later correction of the name must not change the reissued certificate (j660 実装しない機能)
    seed(db, clerk, snapshot("M1", history_no=3, household_no="H5", given_name="太朗", status="removed",
                             move_out_planned_on=date(2026, 4, 10), moved_out_to_planned="大阪府大阪市北区梅田一丁目1番",
                             reported_on=TODAY))
    again = issue(db, clerk, jc.CertificateRequest(CertificateKind.MOVE_OUT, reissue_of=first.issue_no), today=date(2026, 4, 5))
    body = text(again.pdf)
    assert again.issue_no == "R8-000002" and "再交付" in body and first.issue_no in body
    assert "太郎" in body and "太朗" not in body
    row = issues(db, clerk)[1]
    assert row.options["reissue_of"] == first.issue_no and row.options["snapshots"] == {"M1": 2}


def test_late_move_out_gives_quasi_certificate(db, ctx):
    _mover(db, ctx, reported_on=date(2026, 3, 31), planned=date(2026, 3, 1))
    got = issue(db, ctx, jc.CertificateRequest("move_out", addressee_nos=("M1",)))
    assert got.document.quasi_move_out and "転入届に添付すべき書類" in text(got.pdf)
    assert issues(db, ctx)[0].options["quasi_move_out"] is True


def test_reissue_only_of_move_out(db, family):
    first = issue(db, family, jc.CertificateRequest("resident_copy", addressee_nos=("A1",)))
    with pytest.raises(ValidationFailed, match="転出証明書ではない"):
        issue(db, family, jc.CertificateRequest("move_out", reissue_of=first.issue_no))


def test_issue_history_of_a_person(db, family):
    issue(db, family, jc.CertificateRequest("resident_copy", household_no="H1"))
    issue(db, family, jc.CertificateRequest("resident_copy", addressee_nos=("A2",)))
    with db.uow(family) as uow:
        rows = jc.issue_history(uow, "A2")
        uow.commit()
    assert [r["issue_no"] for r in rows] == ["R8-000002", "R8-000001"]
    assert [a.target_id for a in audits(db, family, "juki.certificate.history")] == ["A2"]


def test_reissue_of_a_reissue_names_the_first_certificate(db, ctx):
    _mover(db, ctx, reported_on=TODAY, planned=date(2026, 4, 10))
    first = issue(db, ctx, jc.CertificateRequest("move_out", addressee_nos=("M1",)))
    second = issue(db, ctx, jc.CertificateRequest("move_out", reissue_of=first.issue_no), today=date(2026, 4, 3))
    third = issue(db, ctx, jc.CertificateRequest("move_out", reissue_of=second.issue_no), today=date(2026, 4, 6))
    assert third.document.notes == (f"再交付（当初交付 令和8年4月1日 発行番号 {first.issue_no}）",)
