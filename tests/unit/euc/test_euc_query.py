"""The EUC SQL is built from catalogue columns with bound parameters — user text never enters it."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from kikan.adapters.db.euc_query import build
from kikan.euc.spec import parse_spec

HOSTILE = "x' OR '1'='1'; DROP TABLE juki_history; --"


def compiled(spec_raw: dict, dialect: sa.Dialect) -> tuple[str, dict]:
    c = build(parse_spec(spec_raw), "131016", 101).compile(dialect=dialect)
    return str(c), dict(c.params)


def test_values_are_bound_and_the_tenant_is_always_filtered() -> None:
    raw = {"source": "history", "columns": ["addressee_no", "family_name"],
           "conditions": [{"field": "family_name", "op": "eq", "value": HOSTILE},
                          {"field": "address", "op": "contains", "value": "50%_off"}]}  # fmt: skip
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        sql, params = compiled(raw, dialect)
        assert "DROP" not in sql and "50%" not in sql
        assert HOSTILE in params.values() and "131016" in params.values()
        assert any(isinstance(v, str) and "50/%/_off" in v for v in params.values())  # LIKE wildcards escaped
        assert "juki_history.cancelled IS 0" in sql or "juki_history.cancelled IS false" in sql


def test_current_source_joins_the_pointer_and_limits() -> None:
    sql, params = compiled({"columns": ["family_name"], "sort": [{"field": "birth_date", "descending": True}]},
                           sqlite.dialect())  # fmt: skip
    assert "JOIN juki_resident" in sql and "ORDER BY juki_history.birth_date DESC" in sql
    assert 101 in params.values()
