"""File linkage: whole and differential CSV, UTF-8 by default, CP932 with a report of every degraded
character, formula injection neutralised; through the API (streamed) and the CLI."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from linkage_support import client, enter, person, relocate, token

from kikan.adapters.db import linkage_exchange as xlog
from kikan.linkage.datasets import REGISTRY

BASE = "/api/v1/linkage"
COLUMNS = [f.name for f in REGISTRY["juki.residents"].csv_fields]


@pytest.fixture
def http(app):
    return TestClient(app)


@pytest.fixture
def h(db, http, ctx):
    cid, secret = client(db, ctx.tenant_id)
    return {"Authorization": f"Bearer {token(http, cid, secret)}"}


def rows(raw: bytes, encoding: str = "utf-8") -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode(encoding), newline="")))


def test_whole_then_differential_export(db, http, ctx, h):
    a = enter(db, ctx, person(), person(rel="妻", sex="2"))
    r = http.get(f"{BASE}/juki.residents/export", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv; charset=utf-8")
    assert "attachment" in r.headers["content-disposition"] and r.content.count(b"\r\n") == 3
    table = rows(r.content)
    assert table[0] == COLUMNS
    assert [x[0] for x in table[1:]] == a.addressee_nos
    cursor = r.headers["x-kikan-next-cursor"]
    moved = relocate(db, ctx, a.addressee_nos, "東京都千代田区梅町２番地")
    b = enter(db, ctx, person())
    diff = http.get(f"{BASE}/juki.residents/export", params={"after": cursor}, headers=h)
    got = [(x[0], x[1]) for x in rows(diff.content)[1:]]
    assert got == [*((n, str(h)) for n, h in zip(moved.addressee_nos, moved.history_nos, strict=True)),
                   (b.addressee_nos[0], "1")]  # fmt: skip
    empty = http.get(
        f"{BASE}/juki.residents/export", params={"after": diff.headers["x-kikan-next-cursor"]}, headers=h
    )
    assert rows(empty.content) == [COLUMNS]


def test_japanese_header_bom_and_moves_one_line_per_person(db, http, ctx, h):
    fam = enter(db, ctx, person(), person(rel="妻", sex="2"))
    ja = http.get(
        f"{BASE}/juki.residents/export", params={"header": "ja", "encoding": "utf-8-sig"}, headers=h
    )
    assert ja.content.startswith("\ufeff".encode())
    assert rows(ja.content, "utf-8-sig")[0][:3] == ["宛名番号", "履歴番号", "異動事由コード"]
    moves = rows(http.get(f"{BASE}/juki.moves/export", params={"header": "none"}, headers=h).content)
    assert [(m[0], m[11]) for m in moves] == [(fam.event_id, n) for n in fam.addressee_nos]


def test_cp932_degrades_and_reports_every_character(db, http, ctx, h):
    kicchi = enter(db, ctx, person(family_name="𠮷田", given_name="葛\U000e0102子"))
    r = http.get(f"{BASE}/juki.residents/export", params={"encoding": "cp932"}, headers=h)
    assert r.headers["content-type"].startswith("text/csv; charset=Shift_JIS")
    table = rows(r.content, "cp932")
    line = table[1]
    assert line[COLUMNS.index("family_name")] == "吉田" and line[COLUMNS.index("given_name")] == "葛子"
    subs = http.get(
        f"{BASE}/juki.residents/exports/{r.headers['x-kikan-exchange-id']}/substitutions", headers=h
    ).json()
    key = f"{kicchi.addressee_nos[0]}-1"
    got = [
        (s["line"], s["record_key"], s["column_name"], s["original"], s["replacement"], s["method"])
        for s in subs
    ]
    assert got == [
        (2, key, "family_name", "𠮷", "吉", "mj_shrink"),
        (2, key, "given_name", "葛\U000e0102", "葛", "ivs"),
        (2, key, "head_name", "𠮷", "吉", "mj_shrink"),  # 世帯主の氏名 carries the same characters
        (2, key, "head_name", "葛\U000e0102", "葛", "ivs"),
    ]
    assert subs[0]["code_points"] == "U+20BB7"
    with db.uow(ctx) as uow:
        (start, end) = xlog.entries(uow.conn, ctx.tenant_id, r.headers["x-kikan-exchange-id"])
    assert (start.entry.status, end.entry.status) == ("started", "completed")
    assert end.entry.record_count == 1 and "substitutions=4" in end.entry.detail
    other = http.get(f"{BASE}/juki.moves/exports/{r.headers['x-kikan-exchange-id']}/substitutions", headers=h)
    assert other.status_code == 404


def test_formula_injection_is_neutralised(db, http, ctx, h):
    enter(db, ctx, person(given_name="+太郎"), address='=HYPERLINK("http://evil")')
    line = rows(http.get(f"{BASE}/juki.residents/export", headers=h).content)[1]
    assert line[COLUMNS.index("address")] == '\'=HYPERLINK("http://evil")'
    assert line[COLUMNS.index("given_name")] == "'+太郎"


def test_bad_export_parameters_are_4xx(db, http, ctx, h):
    assert (
        http.get(f"{BASE}/juki.residents/export", params={"encoding": "latin-1"}, headers=h).status_code
        == 422
    )
    assert http.get(f"{BASE}/juki.residents/export", params={"after": "x"}, headers=h).status_code == 400
    both = http.get(f"{BASE}/juki.residents/export", params={"mode": "whole", "after": "x"}, headers=h)
    assert both.status_code == 400 and both.json()["error"]["errors"][0]["field"] == "after"


def test_cli_export_writes_the_file_and_the_report(db, ctx, db_url, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from kikan.adapters.cli.linkage import app_linkage
    from kikan.config import get_settings

    enter(db, ctx, person(family_name="𠮷田"))
    monkeypatch.setenv("KIKAN_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        out = tmp_path / "residents.csv"
        res = runner.invoke(app_linkage, ["export", "juki.residents", "--tenant", ctx.tenant_id, "--out", str(out),
                                          "--encoding", "cp932"])  # fmt: skip
        assert res.exit_code == 0, res.output
        assert rows(out.read_bytes(), "cp932")[1][COLUMNS.index("family_name")] == "吉田"
        report = rows((tmp_path / "residents.csv.substitutions.csv").read_bytes())
        assert report[0][:3] == ["line", "key", "column"] and report[1][4:] == [
            "𠮷",
            "U+20BB7",
            "吉",
            "mj_shrink",
        ]
        cursor = res.output.split("next_cursor:")[1].split()[0]
        enter(db, ctx, person(family_name="赤井"))
        diff = tmp_path / "diff.csv"
        res2 = runner.invoke(app_linkage, ["export", "juki.residents", "--tenant", ctx.tenant_id, "--out", str(diff),
                                           "--after", cursor])  # fmt: skip
        assert res2.exit_code == 0 and [
            r[COLUMNS.index("family_name")] for r in rows(diff.read_bytes())[1:]
        ] == ["赤井"]
        bad = runner.invoke(app_linkage, ["export", "juki.residents", "--tenant", ctx.tenant_id, "--out", str(diff),
                                          "--after", "garbage"])  # fmt: skip
        assert bad.exit_code == 2 and "カーソル" in bad.output
        nowhere = runner.invoke(
            app_linkage, ["export", "juki.residents", "--tenant", "470996", "--out", str(diff)]
        )
        assert nowhere.exit_code == 2 and "登録されていません" in nowhere.output
    finally:
        get_settings.cache_clear()


def test_an_export_cut_short_is_logged_as_aborted(db, ctx):
    from kikan.adapters.db.linkage_delivery import Caller
    from kikan.adapters.db.linkage_export import Export

    enter(db, ctx, person())
    exp = Export(db, Caller(ctx.tenant_id, "cli:test", "batch"), REGISTRY["juki.residents"])
    chunks = exp.chunks()
    assert next(chunks).startswith(b"addressee_no,")
    chunks.close()  # the consumer went away after the header
    with db.uow(ctx) as uow:
        statuses = [e.entry.status for e in xlog.entries(uow.conn, ctx.tenant_id, exp.exchange_id)]
    assert statuses == ["started", "aborted"]
