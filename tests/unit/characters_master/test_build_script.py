"""scripts/build_character_master.py on a tiny stand-in of moji.db (no network): the loader reads
what the script writes, rows come out sorted and the output is byte-for-byte reproducible."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

from kikan.characters import load_master
from kikan.characters.mjmaster import DATA

SCRIPT = DATA.parents[2] / "scripts/build_character_master.py"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_master", SCRIPT)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _fake_moji_db(path: Path, mod) -> None:  # type: ignore[no-untyped-def]
    db = sqlite3.connect(path)
    cols = ", ".join(f'"{src}" TEXT' for _, src in mod.MASTER_COLUMNS)
    db.execute(f"CREATE TABLE mji ({cols})")
    db.execute('CREATE TABLE mjsm_note ("MJ文字図形名" TEXT, "参考情報" TEXT)')
    db.execute(
        'CREATE TABLE mji_duplicated_ivs ("MJ文字図形名" TEXT, "重複実装したMoji_JohoコレクションIVS" TEXT)'
    )
    names = [src for _, src in mod.MASTER_COLUMNS]
    rows = [
        {"MJ文字図形名": "MJ028902", "対応するUCS": "髙", "実装したUCS": "髙", "住基ネット統一文字コード": "J+9AD9",
         "戸籍統一文字番号": "513280", "X0213": "1-25-66", "X0213_包摂区分": "2", "総画数": "11", "MJ文字図形バージョン": "1"},
        {"MJ文字図形名": "MJ026194", "対応するUCS": "邉", "実装したMoji_JohoコレクションIVS": "邉\U000e011a",
         "住基ネット統一文字コード": "J+BD4B", "総画数": "16"},
    ]  # fmt: skip
    for r in rows:
        db.execute(f"INSERT INTO mji VALUES ({', '.join('?' * len(names))})", [r.get(n) for n in names])
    db.execute("INSERT INTO mjsm_note VALUES ('MJ028902', '人名')")
    for table, rank in mod.SHRINK_TABLES.items():
        extra = f', "{rank}" INTEGER' if rank else ""
        db.execute(
            f'CREATE TABLE "mjsm_{table}" ("MJ文字図形名" TEXT, "縮退UCS" TEXT, "縮退X0213" TEXT{extra})'
        )
    db.execute("INSERT INTO \"mjsm_戸籍統一文字情報_親字正字\" VALUES ('MJ028902', '高', '1-25-66', 1)")
    db.execute("INSERT INTO \"mjsm_JIS包摂規準UCS統合規則\" VALUES ('MJ028902', '高', '1-25-66')")
    db.commit()
    db.close()


def test_build_then_load(tmp_path: Path):
    mod = _script()
    _fake_moji_db(tmp_path / "moji.db", mod)
    out = tmp_path / "out"
    manifest = mod.build(tmp_path / "moji.db", out)
    assert manifest["mj_rows"] == 2 and manifest["shrink_rows"] == 2
    m = load_master(out, extra=[])
    assert [r.mj for r in m] == ["MJ026194", "MJ028902"]  # sorted by MJ文字図形名
    (takai,) = m.lookup("髙")
    assert (takai.juki, takai.koseki, takai.strokes, takai.note) == ("J+9AD9", "513280", 11, "人名")
    assert [s.rule for s in m.shrink("MJ028902")] == ["JIS包摂規準UCS統合規則", "戸籍統一文字情報_親字正字"]
    first = (out / "mj_master.tsv.gz").read_bytes()
    mod.build(tmp_path / "moji.db", out)
    assert (out / "mj_master.tsv.gz").read_bytes() == first
