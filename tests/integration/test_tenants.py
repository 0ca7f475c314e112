import pytest
from typer.testing import CliRunner

from kikan.adapters.security import accounts
from kikan.core.identity import IdentifierError


def test_add_tenant_derives_prefecture_and_designated_city(db):
    code = "141003"  # 横浜市 (指定都市)
    if accounts.get_tenant(db, code) is None:
        accounts.add_tenant(db, code, "横浜市")
    t = accounts.get_tenant(db, code)
    assert (t.prefecture_code, t.prefecture_name, t.designated_city) == ("14", "神奈川県", True)


def test_wrong_check_digit_is_refused_and_nothing_written(db):
    with pytest.raises(IdentifierError, match="検査"):
        accounts.add_tenant(db, "131017", "千代田区")
    assert accounts.get_tenant(db, "131017") is None


def test_duplicate_tenant_refused(db, tenant_id):
    with pytest.raises(accounts.AccessError, match="登録済み"):
        accounts.add_tenant(db, tenant_id, "again")


def test_cli_tenant_add(db_url, monkeypatch):
    from kikan.adapters.cli.main import app
    from kikan.config import get_settings

    monkeypatch.setenv("KIKAN_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        ok = runner.invoke(app, ["tenant", "add", "131016", "--name", "千代田区"])
        assert ok.exit_code == 0 or "登録済み" in ok.output, ok.output
        bad = runner.invoke(app, ["tenant", "add", "131017", "--name", "千代田区"])
        assert bad.exit_code == 2
        assert "検査数字" in bad.output
    finally:
        get_settings.cache_clear()
