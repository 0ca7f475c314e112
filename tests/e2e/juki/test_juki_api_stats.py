"""統計 API (標準仕様書 6.1): population as of a date (JSON, CSV) and movements of a period."""

from __future__ import annotations

import csv
import io

from tests.e2e.juki.conftest import person, seed_household, token_client


def test_population_and_movements_json_and_csv(db, app, tenant_id):
    seed_household(db, tenant_id, person(), person(given="花子", gkana="ハナコ", born="1990-01-01", sex="2", rel="妻"),
                   address={"address": "東京都千代田区松町１番地", "town_code": "001"})  # fmt: skip
    c = token_client(app, db, tenant_id, "registry_clerk")
    r = c.get("/api/v1/juki/stats/population", params={"on": "2024-04-02", "by": "sex"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["header"][-1] == "総計 計" and body["rows"][0][-3:] == [1, 1, 2]
    assert body["households"]["total"] == 1
    assert (
        c.get("/api/v1/juki/stats/population", params={"on": "2024-04-01", "by": "sex"}).json()["rows"][0][-1]
        == 0
    )
    towns = c.get("/api/v1/juki/stats/population", params={"on": "2024-04-02", "by": "town"}).json()
    assert towns["rows"][0][:2] == ["001", "東京都千代田区松町"]
    r = c.get("/api/v1/juki/stats/population.csv", params={"on": "2024-04-02", "by": "band5"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["基準日", "年齢階級"] and any(row[1] == "30～34歳" for row in rows)
    mv = c.get("/api/v1/juki/stats/movements", params={"start": "2024-01-01", "end": "2024-12-31"}).json()
    assert mv["table"]["total"]["転入（国内）"] == 2 and mv["table"]["total"]["増減数"] == 2
    r = c.get("/api/v1/juki/stats/movements.csv", params={"start": "2024-01-01", "end": "2024-12-31"})
    assert r.status_code == 200 and "転入（国内）" in r.content.decode("utf-8-sig")
    assert (
        c.get("/api/v1/juki/stats/movements", params={"start": "2024-12-31", "end": "2024-01-01"}).status_code
        == 422
    )
    assert c.get("/api/v1/juki/stats/population", params={"by": "planet"}).status_code == 422
    annual = c.get("/api/v1/juki/stats/annual", params={"year": 2025}).json()
    assert (
        annual["period"] == ["2024-01-01", "2024-12-31"] and annual["movements"]["total"]["転入（国内）"] == 2
    )
