"""Each search field of 標準仕様書 2.1.1 finds the right person (and only them)."""

from __future__ import annotations

from datetime import date

from test_search_helpers import ADDRESS, find, nos, person  # noqa: F401

from kikan.core.identity import individual_number


def _number(base: str) -> str:
    return base + individual_number.compute_check_digit(base)


def test_birth_date_in_wareki_or_seireki_day_month_or_year(db, ctx) -> None:
    with db.uow(ctx) as uow:
        a = person(uow, {"birth_date": date(1975, 1, 2)})
        b = person(uow, {"birth_date": date(1975, 1, 30)})
        c = person(uow, {"birth_date": date(1975, 12, 31)})
        d = person(uow, {"birth_date": date(1989, 1, 8)})
        uow.commit()
    for text in ("昭和50年1月2日", "1975-01-02", "S50.1.2", "１９７５年１月２日", "3500102"):
        assert nos(find(db, ctx, birth_date=text)) == {a}, text
    assert nos(find(db, ctx, birth_date="昭和50年1月")) == {a, b}
    assert nos(find(db, ctx, birth_date="1975")) == {a, b, c}
    assert nos(find(db, ctx, birth_date="S50")) == {a, b, c}
    assert nos(find(db, ctx, birth_date="平成元年")) == {d}
    assert nos(find(db, ctx, birth_date="昭和64年")) == set()  # 昭和64年 = 1989-01-01..07 only
    assert nos(find(db, ctx, birth_from=date(1975, 1, 15), birth_to=date(1975, 12, 31))) == {b, c}


def test_sex_relationship_and_household(db, ctx) -> None:
    with db.uow(ctx) as uow:
        head = person(uow, {"family_name": "杉本", "sex": "1"})
        wife = person(uow, {"family_name": "杉本", "given_name": "花子", "sex": "2", "relationship": "妻",
                            "household_no": "000000000000990"})  # fmt: skip
        uow.commit()
    assert nos(find(db, ctx, name="杉本", sex="2")) == {wife}
    assert nos(find(db, ctx, name="杉本", relationship="世帯主")) == {head}
    assert nos(find(db, ctx, household_no="000000000000990")) == {wife}
    assert nos(find(db, ctx, addressee_no=head)) == {head}


def test_address_partial_prefix_chome_codes_and_katagaki(db, ctx) -> None:
    with db.uow(ctx) as uow:
        a = person(uow, {"address": ADDRESS, "katagaki": "コーポさくら203号室"})
        b = person(
            uow,
            {
                "address": "東京都新宿区西新宿三丁目1番1号",
                "town_code": "131040001",
                "address_code": "131040001003",
            },
        )
        c = person(
            uow,
            {
                "address": "東京都新宿区北新宿一丁目2番3号",
                "town_code": "131040002",
                "address_code": "131040002001",
            },
        )
        uow.commit()
    assert nos(find(db, ctx, address="西新宿")) == {a, b}
    assert nos(find(db, ctx, address="新宿")) == {a, b, c}
    assert nos(find(db, ctx, address="8番1号")) == {a}
    assert nos(find(db, ctx, address="西新宿2丁目")) == {a}  # 2丁目 finds 二丁目
    assert nos(find(db, ctx, address="西新宿", address_match="prefix")) == {
        a,
        b,
    }  # 都道府県・市区町村 omitted
    assert nos(find(db, ctx, address="東京都新宿区北", address_match="prefix")) == {c}
    assert nos(find(db, ctx, address="新宿", address_match="prefix")) == set()  # 「新宿」 is not a town here
    assert nos(find(db, ctx, town_code="131040001")) == {a, b}
    assert nos(find(db, ctx, address_code="131040002001")) == {c}
    assert nos(find(db, ctx, katagaki="コーポさくら")) == {a}


def test_former_surname_and_alias(db, ctx) -> None:
    with db.uow(ctx) as uow:
        a = person(
            uow,
            {
                "family_name": "佐藤",
                "given_name": "花子",
                "former_family_name": "田中",
                "former_family_name_kana": "タナカ",
                "family_name_kana": "サトウ",
                "given_name_kana": "ハナコ",
            },
        )
        f = person(uow, {"family_name": "金", "given_name": "英子", "resident_kind": "foreign", "alpha_name": "KIM YOUNG-JA",
                         "tsusho": "金田　英子", "tsusho_kana": "カネダ エイコ", "family_name_kana": "キム",
                         "given_name_kana": "ヨンジャ"})  # fmt: skip
        uow.commit()
    assert nos(find(db, ctx, former_family_name="田中")) == {a}
    assert nos(find(db, ctx, former_family_name="タナカ")) == {a}
    assert nos(find(db, ctx, tsusho="金田")) == {f}
    assert nos(find(db, ctx, tsusho="カネダ")) == {f}
    page = find(db, ctx, kana="タナカ")  # カナ also covers 旧氏 and 通称 readings
    assert nos(page) == {a} and page.items[0].matched_on == "former surname"
    assert find(db, ctx, kana="カネダ").items[0].matched_on == "alias"


def test_identifiers(db, ctx) -> None:
    number = _number("12345678901")
    with db.uow(ctx) as uow:
        a = person(uow, {"juminhyo_code": "12345678906"}, number=number)
        f = person(uow, {"resident_kind": "foreign", "residence_card_no": "AB12345678CD"},
                   {"residence_card_no": "EF87654321GH", "event_code": "314"})  # fmt: skip
        person(uow, {"juminhyo_code": "98765432109"}, number=_number("98765432101"))
        uow.commit()
    assert nos(find(db, ctx, individual_number=number)) == {a}
    assert nos(find(db, ctx, juminhyo_code="12345678906")) == {a}
    assert nos(find(db, ctx, juminhyo_code="00000000000")) == set()
    assert nos(find(db, ctx, residence_card_no="ef87654321gh")) == {f}
    page = find(db, ctx, residence_card_no="AB12345678CD")  # the card before the renewal
    assert nos(page) == {f} and page.items[0].matched_on == "past record"


def test_conditions_combine_with_and(db, ctx) -> None:
    with db.uow(ctx) as uow:
        a = person(uow, {"family_name_kana": "サトウ", "birth_date": date(1975, 1, 2)})
        person(uow, {"family_name_kana": "サトウ", "birth_date": date(1980, 1, 2)})
        person(uow, {"family_name_kana": "スズキ", "birth_date": date(1975, 1, 2)})
        uow.commit()
    assert nos(find(db, ctx, kana="サトウ", birth_date="昭和50年1月2日")) == {a}


def test_results_are_ordered_by_reading_and_paged(db, ctx) -> None:
    with db.uow(ctx) as uow:
        made = [person(uow, {"family_name": "森", "family_name_kana": "モリ", "given_name_kana": g})
                for g in ("ユウキ", "アキラ", "ケン", "サクラ", "ハル")]  # fmt: skip
        uow.commit()
    first = find(db, ctx, name="森", limit=2)
    second = find(db, ctx, name="森", limit=2, offset=2)
    beyond = find(db, ctx, name="森", limit=2, offset=10)
    assert first.total == second.total == beyond.total == 5 and not beyond.items
    kana = [x.kana for x in first.items + second.items]
    assert kana == ["モリ アキラ", "モリ ケン", "モリ サクラ", "モリ ハル"]
    assert set(made) >= nos(first) | nos(second)
