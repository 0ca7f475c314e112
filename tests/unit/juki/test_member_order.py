"""世帯員の並び順 (標準仕様書 5.2) as a pure sort."""

from __future__ import annotations

from datetime import date

from kikan.juki.model import sort_members


def m(no: str, rel: str, born: str, **kw: str) -> dict:
    return {"addressee_no": no, "relationship": rel, "birth_date": date.fromisoformat(born), **kw}


def order(members: list[dict], **kw) -> list[str]:  # type: ignore[no-untyped-def]
    return [x["addressee_no"] for x in sort_members(list(reversed(members)), **kw)]


def test_rank1_head_spouse_children_by_birth_then_number() -> None:
    members = [
        m("01", "世帯主", "1970-01-01"), m("02", "妻", "1972-01-01"),
        m("03", "子", "2000-05-01"), m("05", "子", "2003-01-01"), m("04", "子", "2003-01-01"),
    ]  # fmt: skip
    assert order(members) == ["01", "02", "03", "04", "05"]


def test_rank2_families_of_children_by_the_childs_birth() -> None:
    members = [
        m("01", "世帯主", "1950-01-01"), m("02", "妻", "1952-01-01"),
        m("10", "子", "1975-01-01"), m("11", "子の妻", "1976-01-01"), m("12", "子の子", "2005-01-01"),
        m("20", "子", "1978-01-01"), m("21", "子の妻", "1979-01-01"),
        m("30", "子", "1985-01-01"),  # no family in the household: stays in 第1順位
        m("40", "父", "1925-01-01"),
    ]  # fmt: skip
    links = {"11": "10", "12": "10", "21": "20"}
    assert order(members, family_of=links) == ["01", "02", "30", "10", "11", "12", "20", "21", "40"]


def test_single_child_family_needs_no_link() -> None:
    members = [m("01", "世帯主", "1950-01-01"), m("10", "子", "1975-01-01"), m("11", "子の夫", "1974-01-01"),
               m("12", "子の子", "2001-01-01"), m("13", "子の子", "1999-01-01")]  # fmt: skip
    assert order(members) == ["01", "10", "11", "13", "12"]


def test_rank3_parents_hitto_first_then_siblings_then_grandparents() -> None:
    members = [
        m("01", "世帯主", "1980-01-01"),
        m("50", "父の母", "1920-01-01"),
        m("40", "妹", "1985-01-01"), m("41", "兄", "1978-01-01"),
        m("31", "母", "1950-01-01", family_name="青木", given_name="花子", hitto_name="青木花子"),
        m("30", "父", "1948-01-01", family_name="青木", given_name="一郎", hitto_name="青木花子"),
    ]  # fmt: skip
    assert order(members) == ["01", "31", "30", "41", "40", "50"]


def test_rank4_relatives_then_enko_then_lodgers() -> None:
    members = [
        m("01", "世帯主", "1970-01-01"),
        m("90", "同居人", "1960-01-01"), m("80", "縁故者", "1990-01-01"),
        m("70", "兄の子", "1995-01-01"),
        m("62", "妻の弟", "1975-01-01"), m("61", "妻の兄", "1968-01-01"),
        m("60", "妻の父", "1940-01-01"),
        m("20", "弟", "1972-01-01"),
    ]  # fmt: skip
    # 妻の兄 before 妻の弟 (例1), the spouse's parents before her siblings (第3順位 に倣う)
    assert order(members) == ["01", "20", "60", "61", "62", "70", "80", "90"]


def test_twins_ordered_by_addressee_number() -> None:
    members = [
        m("01", "世帯主", "1970-01-01"),
        m("124", "妻の姉", "1968-01-01"),
        m("123", "妻の兄", "1968-01-01"),
    ]
    assert order(members) == ["01", "123", "124"]
