"""Roles and permissions.

Roles are granted per tenant (and per business through the role name); the operator role is
global (a vendor's staff who onboard and run municipalities). Every API route and UI view
declares one permission; a test fails if a route has none.
"""

from __future__ import annotations

from dataclasses import dataclass

# permission -> Japanese label (shown on the account screen)
PERMISSIONS: dict[str, str] = {
    "home.view": "ホーム画面",
    "juki.read": "住民記録の照会",
    "juki.write": "住民記録の異動入力",
    "juki.certificate": "住民票の写し等の交付",
    "juki.block.manage": "抑止・支援措置の設定",
    "juki.block.release": "支援措置対象者の交付判断（責任者）",
    "juki.stats": "住民記録の統計",
    "mynumber.view": "個人番号の表示",
    "chars.gaiji": "外字の同定",
    "applications.review": "申請の審査・適用",
    "addressee.read": "統合宛名・住登外者の照会",
    "addressee.write": "住登外者の付番・更新",
    "euc.define": "EUC抽出条件の定義",
    "euc.run": "EUC抽出の実行",
    "audit.read": "アクセスログの検索",
    "tenant.admin": "団体の管理（職員・条例パラメータ）",
    "linkage.read": "データ連携の参照",
    "tax.read": "税務の照会",
    "tax.write": "税務の入力・賦課",
    "welfare.read": "福祉の照会",
    "welfare.write": "福祉の入力・決定",
    "operator": "全団体の運用（オペレータ）",
}


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    permissions: frozenset[str]


def _role(name: str, label: str, *perms: str) -> Role:
    unknown = set(perms) - PERMISSIONS.keys()
    if unknown:
        raise ValueError(f"unknown permissions {unknown}")
    return Role(name, label, frozenset(("home.view",) + perms))


ROLES: dict[str, Role] = {
    r.name: r
    for r in [
        _role(
            "registry_clerk", "住民記録担当", "juki.read", "juki.write", "juki.certificate", "juki.stats",
            "addressee.read", "addressee.write", "euc.run", "euc.define", "applications.review",
        ),
        _role(
            "registry_supervisor", "住民記録責任者", "juki.read", "juki.write", "juki.certificate",
            "juki.block.manage", "juki.block.release", "juki.stats", "mynumber.view", "chars.gaiji",
            "addressee.read", "addressee.write", "applications.review",
            "euc.define", "euc.run",
        ),
        _role("tax_clerk", "税務担当", "tax.read", "tax.write", "linkage.read", "addressee.read", "addressee.write"),
        _role("welfare_clerk", "福祉担当", "welfare.read", "welfare.write", "linkage.read", "addressee.read"),
        _role("auditor", "監査担当", "audit.read"),
        _role(
            "tenant_admin", "団体管理者", "tenant.admin", "audit.read", "juki.read", "juki.stats", "chars.gaiji",
            "euc.define", "euc.run", "addressee.read",
        ),
        _role("operator", "運用オペレータ", *PERMISSIONS.keys()),
    ]
}


def permissions_of(roles: list[str] | set[str] | frozenset[str]) -> frozenset[str]:
    out: set[str] = set()
    for r in roles:
        role = ROLES.get(r)
        if role is None:
            raise ValueError(f"unknown role {r!r}")
        out |= role.permissions
    return frozenset(out)
