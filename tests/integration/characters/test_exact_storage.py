"""Names and addresses are stored exactly as registered: no normalisation form is applied anywhere
between a 転入 and the database (SQLite and PostgreSQL).  U+FA19 神 and U+FA10 塚 are what NFC/NFKC
would rewrite; 﨑 U+FA11 and Moji_Joho IVS sequences must keep every code point."""

from __future__ import annotations

import base64
import random
import unicodedata

import pytest
import sqlalchemy as sa

from kikan.adapters.db import juki_repo
from kikan.adapters.db.tables.juki import juki_history
from kikan.adapters.security import crypto
from kikan.characters import STANDARD_CHARACTER_SET, validate
from kikan.core.characters import check_standard_characters
from kikan.core.identity import individual_number, resident_record_code
from kikan.juki.services import RecordMoveIn, build, move_in

FAMILY = "\ufa19\ufa11"  # 神﨑 as registered: compatibility 神 (NFC → U+795E) and 﨑
GIVEN = "邉\U000e011a\ufa10"  # 邉 + Moji_Joho IVS (MJ026194), compatibility 塚 (NFC → U+585A)
ADDRESS = "東京都千代田区\ufa11町１番地"
KATAGAKI = "神\U000e0103ハイツ"  # the IVS spelling of MJ030211
_rng = random.Random(20240401)


@pytest.fixture(autouse=True)
def mynumber_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crypto.ENV_KEY, "t1:" + base64.b64encode(bytes(range(32))).decode())
    crypto.reset_cipher()


def _numbers() -> dict[str, str]:
    base = f"{_rng.randrange(10**11):011d}"
    code = f"{_rng.randrange(10**10):010d}"
    return {"individual_number": base + individual_number.compute_check_digit(base),
            "juminhyo_code": code + resident_record_code.compute_check_digit(code)}  # fmt: skip


def test_the_sample_text_is_what_normalisation_would_change():
    for text in (FAMILY, GIVEN):
        assert unicodedata.normalize("NFC", text) != text
    assert validate(FAMILY + GIVEN + ADDRESS + KATAGAKI) == []
    assert check_standard_characters(FAMILY + GIVEN + KATAGAKI, STANDARD_CHARACTER_SET) == []


def test_move_in_stores_names_and_addresses_byte_for_byte(db, ctx):
    from datetime import date

    person = {"family_name": FAMILY, "given_name": GIVEN, "birth_date": "1980-02-03", "sex": "2",
              "relationship": "世帯主", **_numbers()}  # fmt: skip
    data = {"event_on": "2024-04-01", "reported_on": "2024-04-01", "previous_address": "東京都港区竹町２番地",
            "persons": [person], "address": {"address": ADDRESS, "katagaki": KATAGAKI}}  # fmt: skip
    with db.uow(ctx) as uow:
        result = move_in(build(RecordMoveIn, data), uow, today=date(2024, 4, 10))
        uow.commit()
    (no,) = result.addressee_nos
    with db.uow(ctx) as uow:
        snap = juki_repo.current(uow, no)
        raw = uow.conn.execute(
            sa.select(juki_history.c.family_name, juki_history.c.given_name, juki_history.c.address,
                      juki_history.c.katagaki)
            .where(juki_history.c.tenant_id == ctx.tenant_id, juki_history.c.addressee_no == no)
        ).one()  # fmt: skip
    assert snap is not None
    expected = (FAMILY, GIVEN, ADDRESS, KATAGAKI)
    assert (snap["family_name"], snap["given_name"], snap["address"], snap["katagaki"]) == expected
    assert tuple(raw) == expected
    assert [v.encode("utf-8") for v in raw] == [v.encode("utf-8") for v in expected]
    assert [len(v) for v in raw] == [2, 3, 12, 5]  # every code point, the IVS selectors included
