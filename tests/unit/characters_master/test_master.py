"""The derived MJ master: size, known characters and their codes, indexes, extension rows, licence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kikan.characters import SHRINK_RULES, load_master, master
from kikan.characters.mjmaster import COLUMNS, DATA


def test_master_has_every_mj_row():
    m = master()
    assert len(m) >= 58_000
    assert m.manifest["mj_rows"] == len(m) == 58_862
    assert m.manifest["mj_character_list_version"] == "006.02"
    assert m.manifest["mj_shrink_map_version"] == "1.2.0"


def test_master_is_cached():
    assert master() is master()


@pytest.mark.parametrize(
    ("sequence", "mj", "juki", "koseki", "x0213"),
    [
        ("邉\U000e011a", "MJ026194", "J+BD4B", "", "1-78-21"),  # Moji_Joho IVS
        ("邉", "MJ026190", "J+9089", "445000", "1-78-21"),  # the glyph implemented at U+9089
        ("髙", "MJ028902", "J+9AD9", "513280", "1-25-66"),
        ("﨑", "MJ030196", "J+FA11", "094190", "1-47-82"),  # U+FA11, a unified ideograph in the compat block
        ("𠮷", "MJ032129", "J+AEAC", "038140", "1-21-40"),  # plane 2
        ("\ufa19", "MJ030211", "J+FA19", "275870", "1-89-28"),  # compatibility 神
    ],
)
def test_known_characters(sequence, mj, juki, koseki, x0213):
    (row,) = master().lookup(sequence)
    assert (row.mj, row.juki, row.koseki, row.x0213) == (mj, juki, koseki, x0213)
    assert master().get(mj) == row
    assert row in master().by_juki(juki.lower().removeprefix("j+"))
    if koseki:
        assert master().by_koseki(koseki) == [row]


def test_compatibility_ideograph_has_three_spellings_and_is_written_as_its_ivs():
    m = master()
    rows = [m.lookup(s) for s in ("\ufa19", "神\U000e0103", "神\ufe00")]
    assert rows[0] == rows[1] == rows[2] and rows[0][0].mj == "MJ030211"
    assert rows[0][0].sequence == "神\U000e0103"  # NFC elsewhere would turn U+FA19 into U+795E
    assert m.lookup("神")[0].mj == "MJ018811"  # the plain unified code point is another glyph


def test_ivs_variants_on_one_code_point():
    family = {r.mj for r in master().variants_on("邉")}
    assert {"MJ026190", "MJ026194", "MJ026191"} <= family and len(family) >= 16


def test_unregistered_sequences_are_not_in_the_master():
    m = master()
    assert "邉\U000e0100" not in m  # an IVS that is not Moji_Joho's for this glyph
    assert "\ue000" not in m and "A" not in m and "" not in m


def test_shrink_candidates_are_in_preference_order():
    m = master()
    shrinks = m.shrink("MJ032129")
    assert [s.target for s in shrinks] == ["吉", "吉", "吉"]
    assert [s.rule for s in shrinks] == sorted((s.rule for s in shrinks), key=SHRINK_RULES.index)
    assert shrinks[0].same_glyph_class
    assert "MJ028902" in {s.mj for s in m.shrunk_from("高")}


def test_extension_rows_are_added_and_marked(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("mj_master.tsv.gz", "mj_shrink.tsv.gz", "manifest.json"):
        (data / name).write_bytes((DATA / name).read_bytes())
    extra = tmp_path / "mjplus.tsv"
    extra.write_text(
        "mj\tucs\tjuki\tnote\nMJPLUS000001\t\ue100\tj+f100\t行政事務標準文字 追加分（例）\n", "utf-8"
    )
    m = load_master(data, [extra])
    (row,) = m.lookup("\ue100")
    assert (row.mj, row.source, row.juki) == ("MJPLUS000001", "mjplus.tsv", "J+F100")
    assert len(m) == len(master()) + 1


def test_extension_table_with_unknown_columns_is_refused(tmp_path: Path):
    extra = tmp_path / "bad.tsv"
    extra.write_text("mj\tglyph\nX1\t\ue100\n", "utf-8")
    with pytest.raises(ValueError, match="unknown columns"):
        load_master(DATA, [extra])


def test_data_files_are_small_and_licensed():
    sizes = sum(p.stat().st_size for p in DATA.glob("*.gz"))
    assert sizes < 10_000_000
    licence = (DATA / "LICENSE-DATA.md").read_text("utf-8")
    for needle in ("CC BY-SA 2.1 JP", "情報処理推進機構", "@mandel59/mojidata", "006.02", "1.2.0", "継承"):
        assert needle in licence, needle
    manifest = json.loads((DATA / "manifest.json").read_text("utf-8"))
    assert manifest["source_package"] == "@mandel59/mojidata@1.8.1"


def test_columns_match_the_build_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_master", DATA.parents[2] / "scripts/build_character_master.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert tuple(mod.HEADER) == COLUMNS
    assert tuple(mod.SHRINK_TABLES) == SHRINK_RULES
