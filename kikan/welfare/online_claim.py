"""The online 児童手当 認定請求 (form ``child-allowance-claim``) as the case service's command.

The form's mapping (``kikan/applications/forms/child-allowance-claim.yaml``) delivers flat lists per
child (宛名番号, 氏, 名, 生年月日) and the clerk's identification of the claimant and spouse; this
turns them into :class:`~kikan.welfare.cases.commands.FileClaim`. 認定請求日 = the day the
application reached the municipality (情報通信技術を活用した行政の推進等に関する法律第6条第3項), which
also decides the 15日特例 (児童手当法第8条第3項) together with the registry's 出生・転入. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kikan.core.errors import FieldError, ValidationFailed

from .cases.commands import FileClaim, parse

CHILD_KEYS = ("addressee_nos", "family_names", "given_names", "birth_dates")


def claim_from_application(fields: Mapping[str, Any]) -> FileClaim:
    """The mapped fields → ``FileClaim`` (raises ValidationFailed naming what the clerk must fill)."""
    kids = fields.get("children") or {}
    nos, families, givens, births = (list(kids.get(k) or []) for k in CHILD_KEYS)
    errors: list[FieldError] = []
    if not fields.get("recipient"):
        errors.append(FieldError("請求者（宛名番号）", "請求者を住民記録から特定して宛名番号を入力してください"))
    if not births:
        errors.append(FieldError("監護している児童", "児童がいません"))
    elif len(nos) != len(births):
        errors.append(FieldError("監護している児童（宛名番号）",
                                 f"すべての児童（{len(births)}人）を住民記録から特定して宛名番号を入力してください"))  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    children = [
        {"child_id": no, "name": "\u3000".join(x for x in (f, g) if x), "birth_date": born}
        for no, f, g, born in zip(nos, families, givens, births, strict=False)
    ]
    data = {
        "allowance": "child_allowance", "recipient": fields["recipient"],
        "recipient_kana": str(fields.get("recipient_kana") or "")[:100], "spouse": fields.get("spouse") or None,
        "public_servant": bool(fields.get("public_servant", False)), "claim_on": fields.get("claim_on"),
        "children": children,
    }  # fmt: skip
    return parse(FileClaim, data)
