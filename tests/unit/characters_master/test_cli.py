"""``kikan chars check|show|degrade`` (no database)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kikan.adapters.cli.characters import app_chars

runner = CliRunner()


def test_check_prints_each_character_and_exits_zero_when_all_are_standard():
    out = runner.invoke(app_chars, ["check", "渡邉\U000e011a髙"])
    assert out.exit_code == 0, out.output
    for needle in ("MJ026194", "J+BD4B", "U+9089 U+E011A", "MJ028902", "513280", "1-25-66", "縮退候補 高"):
        assert needle in out.output, needle


def test_check_exits_one_when_a_character_is_outside():
    out = runner.invoke(app_chars, ["check", "山\ue000"])
    assert out.exit_code == 1
    assert "外字（私用領域・未同定）" in out.output and "2文字目" in out.output
    assert runner.invoke(app_chars, ["check", "😀"]).exit_code == 1


def test_check_json():
    out = runner.invoke(app_chars, ["check", "𠮷", "--json"])
    assert out.exit_code == 0
    (info,) = json.loads(out.output)
    assert info["mj"][0]["mj"] == "MJ032129" and info["mj"][0]["juki"] == "J+AEAC"
    assert info["shrink"][0]["target"] == "吉"


def test_show_and_degrade():
    out = runner.invoke(app_chars, ["show", "J+BD4B"])
    assert out.exit_code == 0 and "MJ026194" in out.output
    assert runner.invoke(app_chars, ["show", "MJ999999"]).exit_code == 2
    out = runner.invoke(app_chars, ["degrade", "髙橋", "--target", "jisx0213"])
    assert out.exit_code == 0 and "高橋" in out.output and "JIS包摂規準UCS統合規則" in out.output
