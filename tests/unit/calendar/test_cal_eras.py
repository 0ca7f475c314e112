"""元号表 (eras.yaml) の内容と検証。"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kikan.core.calendar import (
    ERAS,
    EraDefinitionError,
    WarekiError,
    era_by_abbreviation,
    era_by_code,
    era_by_name,
    era_of,
    load_eras,
)

VALID = textwrap.dedent(
    """\
    eras:
      - {name: 平成, abbreviation: H, code: 4, start: 1989-01-08, end: 2019-04-30}
      - {name: 令和, abbreviation: R, code: 5, start: 2019-05-01}
    """
)


def test_packaged_table() -> None:
    assert [(e.name, e.abbreviation, e.code, e.start) for e in ERAS] == [
        ("明治", "M", 1, dt.date(1868, 10, 23)),
        ("大正", "T", 2, dt.date(1912, 7, 30)),
        ("昭和", "S", 3, dt.date(1926, 12, 25)),
        ("平成", "H", 4, dt.date(1989, 1, 8)),
        ("令和", "R", 5, dt.date(2019, 5, 1)),
    ]
    assert ERAS[-1].end is None
    assert [e.end for e in ERAS[:-1]] == [
        dt.date(1912, 7, 29),
        dt.date(1926, 12, 24),
        dt.date(1989, 1, 7),
        dt.date(2019, 4, 30),
    ]


def test_lookups() -> None:
    assert era_by_name("昭和").code == 3
    assert era_by_abbreviation("h").name == "平成"
    assert era_by_code(1).name == "明治"
    assert era_of(dt.date(1926, 12, 24)).name == "大正"
    assert era_of(dt.date(1926, 12, 25)).name == "昭和"
    assert era_of(dt.date(1868, 10, 23)).name == "明治"
    for bad in (lambda: era_by_name("慶応"), lambda: era_by_abbreviation("K"), lambda: era_by_code(9)):
        with pytest.raises(WarekiError):
            bad()
    with pytest.raises(WarekiError, match="対象期間外"):
        era_of(dt.date(1868, 10, 22))


def test_valid_minimal_table_loads() -> None:
    eras = load_eras(VALID)
    assert [e.name for e in eras] == ["平成", "令和"]
    assert eras[1].end is None


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("eras: []", "空"),
        ("{}", "eras"),
        ("eras: [", "YAML"),
        (VALID.replace("2019-04-30", "2019-05-01"), "重なって"),
        (VALID.replace("2019-04-30", "2019-04-29"), "空白"),
        (VALID.replace("start: 2019-05-01", "start: 1989-01-01"), "並んでいません"),
        (VALID.replace("code: 5", "code: 4"), "重複"),
        (VALID.replace("abbreviation: R", "abbreviation: H"), "重複"),
        (VALID.replace("abbreviation: R", "abbreviation: RW"), "abbreviation"),
        (VALID.replace("abbreviation: R", "abbreviation: r"), "abbreviation"),
        (VALID.replace("code: 5", "code: 10"), "code"),
        (VALID.replace("code: 5", "code: true"), "code"),
        (VALID.replace("name: 令和", "name: Reiwa"), "name"),
        (VALID.replace(", end: 2019-04-30", ""), "end"),
        (VALID.replace("start: 2019-05-01}", "start: 2019-05-01, end: 2099-12-31}"), "end"),
        (VALID.replace("start: 1989-01-08", "start: 2019-05-01"), "end が start より前"),
        (VALID.replace("start: 2019-05-01", "start: 2019-13-01"), "YAML"),
        (VALID.replace("start: 2019-05-01", "start: 'next year'"), "YYYY-MM-DD"),
        (VALID.replace("start: 2019-05-01", "start: 2019-05-01T00:00:00"), "時刻"),
        (VALID.replace("code: 5", "code: 5, note: x"), "未知の項目"),
    ],
)
def test_invalid_tables_fail_loudly(yaml_text: str, message: str) -> None:
    with pytest.raises(EraDefinitionError, match=message):
        load_eras(yaml_text)


def test_new_era_is_addable_by_editing_yaml_only(tmp_path: Path) -> None:
    """Copy the package, append a hypothetical era to the YAML only, and use it in a fresh interpreter."""
    source = Path(__file__).resolve().parents[3] / "kikan" / "core" / "calendar"
    target = tmp_path / "kikan" / "core" / "calendar"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "kikan" / "__init__.py").write_text("")
    (tmp_path / "kikan" / "core" / "__init__.py").write_text("")
    yaml_path = target / "eras.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    text = text.replace("    start: 2019-05-01\n", "    start: 2019-05-01\n    end: 2040-03-31\n")
    text += "  - name: 未来\n    abbreviation: F\n    code: 6\n    start: 2040-04-01\n"
    yaml_path.write_text(text, encoding="utf-8")
    script = textwrap.dedent(
        """\
        import datetime as dt
        import kikan.core.calendar as c
        print(c.__file__)
        print(c.format_wareki(dt.date(2040, 4, 1)), c.format_wareki(dt.date(2040, 3, 31), "abbreviated"))
        print(c.parse_wareki("F2.1.1"), c.parse_wareki("6020101"), c.parse_wareki("未来元年4月1日"))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    module_file, *output = result.stdout.split()
    assert module_file.startswith(str(tmp_path)), module_file
    assert output == ["未来元年4月1日", "R22.3.31", "2041-01-01", "2041-01-01", "2040-04-01"]
