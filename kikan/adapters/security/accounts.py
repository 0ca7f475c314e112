"""Control-plane services: tenants, staff accounts, role grants, sessions and API tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.core import (
    api_token,
    login_attempt,
    role_grant,
    staff_account,
    staff_session,
    tenant,
)
from kikan.adapters.security.passwords import DUMMY_HASH, hash_password, verify_password
from kikan.config import Settings
from kikan.core.access import ROLES, permissions_of
from kikan.core.identity import is_designated_city, prefecture_of, validate_local_government_code


class AccessError(Exception):
    """Raised with a message that can be shown to the user."""


@dataclass(frozen=True)
class Account:
    account_id: str
    login: str
    display_name: str
    is_operator: bool


@dataclass(frozen=True)
class SessionInfo:
    session_id: str
    account: Account
    tenant_id: str | None
    csrf_token: str
    permissions: frozenset[str]
    tenants: tuple[str, ...]


def add_tenant(db: Database, code: str, name: str) -> dict:
    """Register a municipality; the code's check digit is validated (総務省 団体コード)."""
    validate_local_government_code(code)
    pref_code, pref_name = prefecture_of(code)
    row = {
        "tenant_id": code, "name": name, "prefecture_code": pref_code, "prefecture_name": pref_name,
        "designated_city": is_designated_city(code), "status": "active", "created_at": db.clock.now(),
    }
    with db.control() as conn:
        if conn.execute(sa.select(tenant.c.tenant_id).where(tenant.c.tenant_id == code)).first():
            raise AccessError(f"団体コード {code} は登録済みです")
        conn.execute(sa.insert(tenant), row)
    return row


def get_tenant(db: Database, code: str) -> sa.Row | None:
    with db.control() as conn:
        return conn.execute(sa.select(tenant).where(tenant.c.tenant_id == code)).first()


def list_tenants(db: Database, codes: tuple[str, ...] | None = None) -> list[sa.Row]:
    q = sa.select(tenant).order_by(tenant.c.tenant_id)
    if codes is not None:
        q = q.where(tenant.c.tenant_id.in_(codes))
    with db.control() as conn:
        return list(conn.execute(q).all())


def add_account(
    db: Database, login: str, password: str, display_name: str, *, is_operator: bool = False
) -> Account:
    acc = Account(str(uuid.uuid4()), login, display_name, is_operator)
    with db.control() as conn:
        if conn.execute(sa.select(staff_account.c.login).where(staff_account.c.login == login)).first():
            raise AccessError(f"ログインID {login} は使用されています")
        conn.execute(
            sa.insert(staff_account),
            {
                "account_id": acc.account_id, "login": login, "display_name": display_name,
                "password_hash": hash_password(password), "is_operator": is_operator, "failed_count": 0,
                "disabled": False, "created_at": db.clock.now(),
            },
        )
    return acc


def grant(db: Database, account_id: str, tenant_id: str, role: str) -> None:
    if role not in ROLES:
        raise AccessError(f"不明な役割です: {role}")
    with db.control() as conn:
        conn.execute(
            sa.insert(role_grant),
            {"tenant_id": tenant_id, "account_id": account_id, "role": role, "granted_at": db.clock.now()},
        )


def _account(r: sa.Row) -> Account:
    return Account(r.account_id, r.login, r.display_name, r.is_operator)


def authenticate(db: Database, settings: Settings, login: str, password: str, client_addr: str) -> Account:
    """Check a password with lock-out after repeated failures.

    The failure count and lock are committed before the error is raised, so that a failed
    attempt is never rolled back with the request.
    """
    now = db.clock.now()
    failure: str | None = None
    with db.control() as conn:
        r = conn.execute(sa.select(staff_account).where(staff_account.c.login == login)).first()
        if r is None or r.disabled:
            verify_password(DUMMY_HASH, password)
            reason, failure = ("unknown" if r is None else "disabled"), "ログインIDまたはパスワードが正しくありません"
        elif r.locked_until is not None and r.locked_until > now:
            reason = "locked"
            failure = "ログインに続けて失敗したため、一時的にロックされています。しばらくしてから再度お試しください"
        elif not verify_password(r.password_hash, password):
            failures = r.failed_count + 1
            values: dict = {"failed_count": failures}
            if failures >= settings.login_max_failures:
                values = {"failed_count": 0, "locked_until": now + timedelta(minutes=settings.login_lock_minutes)}
            conn.execute(sa.update(staff_account).where(staff_account.c.account_id == r.account_id).values(**values))
            reason, failure = "password", "ログインIDまたはパスワードが正しくありません"
        else:
            conn.execute(
                sa.update(staff_account)
                .where(staff_account.c.account_id == r.account_id)
                .values(failed_count=0, locked_until=None)
            )
            reason = "ok"
        conn.execute(
            sa.insert(login_attempt),
            {"login": login[:100], "at": now, "client_addr": client_addr, "success": failure is None, "reason": reason},
        )
    if failure is not None or r is None:
        raise AccessError(failure or "ログインIDまたはパスワードが正しくありません")
    return _account(r)


def tenants_of(conn: sa.Connection, acc: Account) -> tuple[str, ...]:
    if acc.is_operator:
        return tuple(r[0] for r in conn.execute(sa.select(tenant.c.tenant_id).order_by(tenant.c.tenant_id)))
    return tuple(
        r[0]
        for r in conn.execute(
            sa.select(role_grant.c.tenant_id).where(role_grant.c.account_id == acc.account_id).distinct()
        )
    )


def _permissions(conn: sa.Connection, acc: Account, tenant_id: str | None) -> frozenset[str]:
    if acc.is_operator:
        return permissions_of({"operator"})
    if tenant_id is None:
        return frozenset()
    roles = {
        r[0]
        for r in conn.execute(
            sa.select(role_grant.c.role).where(
                role_grant.c.account_id == acc.account_id, role_grant.c.tenant_id == tenant_id
            )
        )
    }
    return permissions_of(roles)


def start_session(db: Database, settings: Settings, acc: Account, client_addr: str) -> str:
    now = db.clock.now()
    sid = secrets.token_urlsafe(32)
    with db.control() as conn:
        tenants = tenants_of(conn, acc)
        conn.execute(
            sa.insert(staff_session),
            {
                "session_id": sid, "account_id": acc.account_id,
                "tenant_id": tenants[0] if len(tenants) == 1 or (tenants and not acc.is_operator) else None,
                "csrf_token": secrets.token_urlsafe(24), "created_at": now, "last_seen_at": now,
                "expires_at": now + timedelta(hours=settings.session_max_hours), "client_addr": client_addr,
                "revoked": False,
            },
        )
    return sid


def load_session(db: Database, settings: Settings, sid: str) -> SessionInfo | None:
    """Return the live session, touching its idle timer; None when expired or revoked."""
    now = db.clock.now()
    s, a = staff_session, staff_account
    with db.control() as conn:
        r = conn.execute(
            sa.select(s, a.c.login, a.c.display_name, a.c.is_operator, a.c.disabled)
            .join(a, a.c.account_id == s.c.account_id)
            .where(s.c.session_id == sid)
        ).first()
        if r is None or r.revoked or r.disabled or r.expires_at <= now:
            return None
        if r.last_seen_at + timedelta(minutes=settings.session_idle_minutes) <= now:
            conn.execute(sa.update(s).where(s.c.session_id == sid).values(revoked=True))
            return None
        conn.execute(sa.update(s).where(s.c.session_id == sid).values(last_seen_at=now))
        acc = Account(r.account_id, r.login, r.display_name, r.is_operator)
        tenants = tenants_of(conn, acc)
        tid = r.tenant_id if r.tenant_id in tenants else None
        return SessionInfo(sid, acc, tid, r.csrf_token, _permissions(conn, acc, tid), tenants)


def switch_tenant(db: Database, sid: str, tenant_id: str, allowed: tuple[str, ...]) -> None:
    if tenant_id not in allowed:
        raise AccessError("この団体を操作する権限がありません")
    with db.control() as conn:
        conn.execute(sa.update(staff_session).where(staff_session.c.session_id == sid).values(tenant_id=tenant_id))


def end_session(db: Database, sid: str) -> None:
    with db.control() as conn:
        conn.execute(sa.update(staff_session).where(staff_session.c.session_id == sid).values(revoked=True))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(db: Database, account_id: str, tenant_id: str, name: str, days: int = 90) -> str:
    """An API token for staff tools; only its SHA-256 is stored."""
    token = "kkn_" + secrets.token_urlsafe(32)
    now = db.clock.now()
    with db.control() as conn:
        conn.execute(
            sa.insert(api_token),
            {
                "token_id": str(uuid.uuid4()), "token_hash": _token_hash(token), "account_id": account_id,
                "tenant_id": tenant_id, "name": name, "created_at": now, "expires_at": now + timedelta(days=days),
            },
        )
    return token


def load_token(db: Database, token: str) -> SessionInfo | None:
    now = db.clock.now()
    t, a = api_token, staff_account
    with db.control() as conn:
        r = conn.execute(
            sa.select(t, a.c.login, a.c.display_name, a.c.is_operator, a.c.disabled)
            .join(a, a.c.account_id == t.c.account_id)
            .where(t.c.token_hash == _token_hash(token))
        ).first()
        if r is None or r.revoked_at is not None or r.expires_at <= now or r.disabled:
            return None
        acc = Account(r.account_id, r.login, r.display_name, r.is_operator)
        return SessionInfo("", acc, r.tenant_id, "", _permissions(conn, acc, r.tenant_id), (r.tenant_id,))
