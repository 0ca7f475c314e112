"""The disaster residents list (pure part) and the synthetic legacy file generator."""

from __future__ import annotations

import datetime as dt
import json

from kikan.characters import GaijiMapper
from kikan.migration import IssueKind, load_layout, validate_files
from kikan.migration import disaster as d

AS_OF = dt.date(2026, 4, 1)


def person(no: str, address: str, town: str = "", **kw: object) -> d.Person:
    base = dict(addressee_no=no, household_no="H" + no, family_name="山田", given_name="太郎", kana="ヤマダ　タロウ",
                birth_date=dt.date(1989, 1, 7), sex="1", relationship="世帯主", address=address, town_code=town)  # fmt: skip
    return d.Person(**{**base, **kw})  # type: ignore[arg-type]


def test_sections_per_town_in_natural_address_order():
    lst = d.build([
        person("3", "千代田区一番町10番地", "T1"), person("1", "千代田区一番町2番地", "T1"),
        person("2", "千代田区一番町２番地３", "T1"), person("4", "中央区銀座1丁目", ""),
    ], municipality="千代田区", as_of=AS_OF, created_at=dt.datetime(2026, 4, 2, 9), source="テスト")  # fmt: skip
    assert [(s.key, s.label) for s in lst.sections] == [
        ("中央区銀座", "中央区銀座"),
        ("T1", "千代田区一番町"),
    ]
    assert [p.addressee_no for p in lst.sections[1].persons] == ["1", "2", "3"]
    assert lst.persons == 4 and lst.households == 4


def test_csv_has_bom_wareki_and_age_and_no_numbers():
    lst = d.build([person("1", "千代田区一番町2番地", "T1", sex="2")], municipality="x", as_of=AS_OF,
                  created_at=dt.datetime(2026, 4, 2), source="s")  # fmt: skip
    text = d.to_csv(lst)
    assert text.startswith("\ufeff町字コード,町字,住所") and "個人番号" not in text
    assert (
        "T1,千代田区一番町,千代田区一番町2番地,,H1,,世帯主,1,山田　太郎,ヤマダ　タロウ,,,昭和64年1月7日,1989-01-07,37,女,日本人\r\n"
        in text
    )


def test_html_has_cover_with_reference_date_and_counts():
    lst = d.build([person(str(n), f"一番町{n}番地", "T1") for n in range(1, 4)], municipality="千代田区",
                  as_of=AS_OF, created_at=dt.datetime(2026, 4, 2), source="s")  # fmt: skip
    html = d.to_html(lst)
    assert (
        "令和8年4月1日（2026-04-01）" in html and "3人（男 3人・女 0人" in html and "昭和64年1月7日" in html
    )
    assert html.count("<section>") == 1


def test_generator_is_deterministic_and_writes_vendor_gaiji(tmp_path, legacy_gen):
    a = legacy_gen.generate_legacy_set(tmp_path / "a", residents=80, seed=11)
    b = legacy_gen.generate_legacy_set(tmp_path / "b", residents=80, seed=11)
    c = legacy_gen.generate_legacy_set(tmp_path / "c", residents=80, seed=12)
    data = a.files[0].read_bytes()
    assert data == b.files[0].read_bytes() and data != c.files[0].read_bytes()
    assert a.gaiji_truth and all(code.startswith("F0") for code in a.gaiji_truth)
    assert bytes.fromhex(next(iter(a.gaiji_truth))) in data
    assert all(len(line) == 1200 for line in data.split(b"\r\n")[:-1])


def test_broken_set_reports_every_injected_class(tmp_path, legacy_gen):
    s = legacy_gen.generate_legacy_set(tmp_path, residents=120, seed=2, broken=True)
    ds = validate_files([(p.name, p.read_bytes()) for p in s.files], load_layout("legacy_fixed_cp932"),
                        GaijiMapper("cp932", {}), today=AS_OF)  # fmt: skip
    expected = {"date": IssueKind.DATE, "check_digit": IssueKind.CHECK_DIGIT, "household_head": IssueKind.HOUSEHOLD,
                "household_unknown": IssueKind.HOUSEHOLD, "duplicate": IssueKind.DUPLICATE,
                "characters": IssueKind.CHARACTERS, "code": IssueKind.CODE, "truncated": IssueKind.TRUNCATED,
                "mojibake": IssueKind.MOJIBAKE}  # fmt: skip
    found = {(i.file, i.row, i.kind) for i in ds.report.issues}
    for inj in s.injected:
        if inj.kind == "relationship":
            continue  # the household's head is fine; its 孫 is checked below
        assert (inj.file, inj.row, expected[inj.kind]) in found, inj
    assert ds.report.count(IssueKind.RELATIONSHIP) == 1 and ds.report.count(IssueKind.GAIJI) > 0
    manifest = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert manifest["gaiji"] == s.gaiji_truth and len(manifest["injected"]) == len(s.injected)


def test_split_pdfs_are_rendered_by_several_processes(tmp_path):
    from kikan.adapters.cli.migration import _pdfs

    lst = d.build([person("1", "一番町1番地", "T1"), person("2", "二番町1番地", "T2")], municipality="x",
                  as_of=AS_OF, created_at=dt.datetime(2026, 4, 2), source="s")  # fmt: skip
    names = _pdfs(lst, tmp_path, split=1, jobs=2)
    assert names == ["住民一覧_000_表紙.pdf", "住民一覧_001_T1.pdf", "住民一覧_002_T2.pdf"]
    assert all((tmp_path / n).read_bytes().startswith(b"%PDF") for n in names)
