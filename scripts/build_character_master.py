"""Build kikan's derived MJ character master from @mandel59/mojidata (npm).

    .venv/bin/python scripts/build_character_master.py                 # npm pack the pinned version
    .venv/bin/python scripts/build_character_master.py --moji-db moji.db  # an already unpacked moji.db

Writes into ``kikan/characters/data/`` (committed, so runtime needs no download):

- ``mj_master.tsv.gz``: one row per MJ文字図形名 (MJ文字情報一覧表): UCS, Moji_Joho IVS, SVS,
  compatibility ideograph, 戸籍統一文字番号, 住基ネット統一文字コード, 登記統一文字番号, JIS X 0213
  plane-row-cell and 包摂区分, JIS X 0212, 入管正字/外字コード, 漢字施策, 総画数, 図形バージョン, 参考情報.
- ``mj_shrink.tsv.gz``: the MJ縮退マップ: (MJ文字図形名, 縮退先UCS, 縮退先 JIS X 0213, 表, 順位/ホップ数).
- ``manifest.json``: source package, versions and checksums.

Licence: the MJ文字情報一覧表 and the MJ縮退マップ are © IPA, CC BY-SA 2.1 JP; the derived tables are
distributed under the same licence (see ``kikan/characters/data/LICENSE-DATA.md``). This script is
Apache-2.0 like the rest of kikan. Output is deterministic (sorted rows, gzip mtime 0).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "kikan" / "characters" / "data"
PACKAGE = "@mandel59/mojidata"
VERSION = "1.8.1"
MJI_VERSION = "006.02"  # mji.00602.xlsx (download.txt of the package)
SHRINK_MAP_VERSION = "1.2.0"  # MJShrinkMapVer.1.2.0.zip

MASTER_COLUMNS = [
    # (output column, SQL expression over mji)
    ("mj", "MJ文字図形名"),
    ("ucs", "対応するUCS"),
    ("impl_ucs", "実装したUCS"),
    ("ivs", "実装したMoji_JohoコレクションIVS"),
    ("svs", "実装したSVS"),
    ("compat", "対応する互換漢字"),
    ("koseki", "戸籍統一文字番号"),
    ("juki", "住基ネット統一文字コード"),
    ("toki", "登記統一文字番号"),
    ("x0213", "X0213"),
    ("x0213_incl", "X0213_包摂区分"),
    ("x0212", "X0212"),
    ("nyukan_seiji", "入管正字コード"),
    ("nyukan_gaiji", "入管外字コード"),
    ("policy", "漢字施策"),
    ("strokes", "総画数"),
    ("version", "MJ文字図形バージョン"),
]
INDEXED = 6  # the columns the loader indexes come first (then dup_ivs): it splits only those eagerly
HEADER = (
    [c for c, _ in MASTER_COLUMNS[:INDEXED]]
    + ["dup_ivs"]
    + [c for c, _ in MASTER_COLUMNS[INDEXED:]]
    + ["note"]
)

SHRINK_TABLES = {
    # table -> rank column (順位 / ホップ数) or None
    "JIS包摂規準UCS統合規則": None,
    "法務省告示582号別表第四_一": "順位",
    "法務省告示582号別表第四_二": "順位",
    "戸籍統一文字情報_親字正字": "ホップ数",
    "民一2842号通達別表_誤字俗字正字一覧表_俗字": None,
    "民一2842号通達別表_誤字俗字正字一覧表_別字": None,
    "民一2842号通達別表_誤字俗字正字一覧表_無印": None,
    "民二5202号通知別表_正字俗字等対照表": None,
    "読み字形による類推": None,
    "辞書類等による関連字": None,
}


def _clean(value: object) -> str:
    text = "" if value is None else str(value)
    if any(c in text for c in "\t\r\n"):
        raise ValueError(f"field contains a tab or newline: {text!r}")
    return text


def _tsv(header: list[str], rows: list[list[str]]) -> bytes:
    lines = ["\t".join(header)] + ["\t".join(r) for r in rows]
    raw = ("\n".join(lines) + "\n").encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    return buf.getvalue()


def master_rows(db: sqlite3.Connection) -> list[list[str]]:
    select = ", ".join(f'"{src}"' for _, src in MASTER_COLUMNS)
    notes = dict(db.execute('SELECT "MJ文字図形名", "参考情報" FROM mjsm_note').fetchall())
    dup_ivs: dict[str, list[str]] = {}
    for mj, ivs in db.execute(
        'SELECT "MJ文字図形名", "重複実装したMoji_JohoコレクションIVS" FROM mji_duplicated_ivs'
    ):
        dup_ivs.setdefault(mj, []).append(ivs)
    rows = []
    for r in db.execute(f'SELECT {select} FROM mji ORDER BY "MJ文字図形名"'):
        row = [_clean(v) for v in r]
        dup = " ".join(dup_ivs.get(row[0], []))
        rows.append([*row[:INDEXED], dup, *row[INDEXED:], _clean(notes.get(row[0]))])
    return rows


def shrink_rows(db: sqlite3.Connection) -> list[list[str]]:
    rows = []
    for table, rank in SHRINK_TABLES.items():
        rank_sql = f'"{rank}"' if rank else "NULL"
        q = f'SELECT "MJ文字図形名", "縮退UCS", "縮退X0213", {rank_sql} FROM "mjsm_{table}"'
        for mj, target, x0213, r in db.execute(q):
            rows.append([_clean(mj), _clean(target), _clean(x0213), table, _clean(r)])
    order = {t: i for i, t in enumerate(SHRINK_TABLES)}
    rows.sort(key=lambda r: (r[0], order[r[3]], int(r[4] or 0), r[1]))
    return rows


def fetch_moji_db(workdir: Path) -> tuple[Path, str]:
    """``npm pack`` the pinned package (the registry's ordinary client) and unpack dist/moji.db."""
    subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=workdir, check=True)
    (tgz,) = workdir.glob("*.tgz")
    digest = hashlib.sha256(tgz.read_bytes()).hexdigest()
    with tarfile.open(tgz) as tar:
        tar.extract("package/dist/moji.db", workdir, filter="data")
    return workdir / "package" / "dist" / "moji.db", digest


def build(moji_db: Path, out: Path, tarball_sha256: str = "") -> dict[str, object]:
    db = sqlite3.connect(f"file:{moji_db}?mode=ro", uri=True)
    master = master_rows(db)
    shrink = shrink_rows(db)
    db.close()
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "mj_master.tsv.gz": _tsv(HEADER, master),
        "mj_shrink.tsv.gz": _tsv(["mj", "target", "x0213", "rule", "rank"], shrink),
    }
    for name, data in files.items():
        (out / name).write_bytes(data)
    manifest: dict[str, object] = {
        "source_package": f"{PACKAGE}@{VERSION}",
        "source_tarball_sha256": tarball_sha256,
        "mj_character_list_version": MJI_VERSION,
        "mj_shrink_map_version": SHRINK_MAP_VERSION,
        "licence": "CC BY-SA 2.1 JP (IPA); see LICENSE-DATA.md",
        "mj_rows": len(master),
        "shrink_rows": len(shrink),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--moji-db", type=Path, help="an unpacked dist/moji.db (skips npm pack)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.moji_db:
        manifest = build(args.moji_db, args.out)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path, digest = fetch_moji_db(Path(tmp))
            manifest = build(path, args.out, digest)
    print(json.dumps(manifest, ensure_ascii=False))


if __name__ == "__main__":
    main()
