"""照会 API: 個人番号 masked unless mynumber.view asks for it (audited), permissions, tenant isolation."""

from __future__ import annotations

from kikan.adapters.security.crypto import MASK
from tests.conftest import random_tenant_code
from tests.e2e.juki.conftest import audits, person, seed_household, staff_client, token_client


def test_individual_number_is_masked_by_default_and_shown_only_with_mynumber_view(
    db, app, tenant_id, owner_engine
):
    p = person()
    no = seed_household(db, tenant_id, p).addressee_nos[0]
    clerk = token_client(app, db, tenant_id, "registry_clerk")
    r = clerk.get(f"/api/v1/juki/residents/{no}").json()
    assert r["individual_number"] == MASK and r["individual_number_shown"] is False
    assert "individual_number_enc" not in r["record"] and "individual_number_hash" not in r["record"]
    asked = clerk.get(f"/api/v1/juki/residents/{no}", params={"show_individual_number": "true"}).json()
    assert asked["individual_number"] == MASK  # a clerk lacks mynumber.view
    boss = token_client(app, db, tenant_id, "registry_supervisor")
    assert boss.get(f"/api/v1/juki/residents/{no}").json()["individual_number"] == MASK
    shown = boss.get(f"/api/v1/juki/residents/{no}", params={"show_individual_number": "true"}).json()
    assert shown["individual_number"] == p["individual_number"] and shown["individual_number_shown"] is True
    rows = audits(owner_engine, tenant_id, "juki.resident")
    assert [r.mynumber_shown for r in rows] == [False, False, False, True]
    assert all(r.target_id == no and r.action == "read" for r in rows)


def test_resident_read_has_household_in_standard_order_and_history(db, app, tenant_id, owner_engine):
    seeded = seed_household(
        db,
        tenant_id,
        person(given="一郎", gkana="イチロウ", born="2010-01-01", rel="子"),
        person(given="花子", gkana="ハナコ", born="1987-02-03", sex="2", rel="妻"),
        person(),
    )
    c = token_client(app, db, tenant_id, "registry_clerk")
    r = c.get(f"/api/v1/juki/residents/{seeded.addressee_nos[0]}").json()
    assert [m["relationship"] for m in r["household"]["members"]] == ["世帯主", "妻", "子"]
    assert r["record"]["birth_date"] == "2010-01-01" and r["status"] == "resident"
    hist = c.get(f"/api/v1/juki/residents/{seeded.addressee_nos[0]}/history").json()
    assert (
        hist[0]["event_name"] == "転入"
        and hist[0]["event_on"] == "2024-04-01"
        and hist[0]["processed_on"] == "2024-04-10"
    )
    assert len(audits(owner_engine, tenant_id, "juki.resident.history")) == 1


def test_tax_clerk_gets_403_on_every_registry_endpoint_family(db, app, tenant_id):
    no = seed_household(db, tenant_id, person()).addressee_nos[0]
    tax = token_client(app, db, tenant_id, "tax_clerk")
    assert tax.get(f"/api/v1/juki/residents/{no}").status_code == 403
    assert tax.get("/api/v1/juki/search", params={"kana": "アオキ"}).status_code == 403
    assert (
        tax.post("/api/v1/juki/moves/death", json={"event_on": "2024-04-09", "addressee_no": no}).status_code
        == 403
    )
    assert tax.post("/api/v1/juki/certificates", json={"addressee_nos": [no]}).status_code == 403
    assert tax.get("/api/v1/juki/stats/population").status_code == 403
    assert tax.get("/api/v1/juki/blocks", params={"addressee_no": no}).status_code == 403
    body = tax.get(f"/api/v1/juki/residents/{no}").json()
    assert body["error"]["code"] == "forbidden" and "権限" in body["error"]["message"]


def test_registry_clerk_cannot_manage_blocks(db, app, tenant_id):
    no = seed_household(db, tenant_id, person()).addressee_nos[0]
    clerk = token_client(app, db, tenant_id, "registry_clerk")
    r = clerk.post("/api/v1/juki/support-measures", json={"addressee_no": no, "start_on": "2024-04-10"})
    assert r.status_code == 403


def test_another_tenants_resident_is_not_found(db, app, tenant_id):
    from kikan.adapters.security import accounts

    other = random_tenant_code()
    while True:
        try:
            accounts.add_tenant(db, other, "別の市")
            break
        except accounts.AccessError:
            other = random_tenant_code()
    seeded = seed_household(db, other, person())
    no, hno = seeded.addressee_nos[0], seeded.household_no
    mine = token_client(app, db, tenant_id, "registry_supervisor")
    for path in (f"/api/v1/juki/residents/{no}", f"/api/v1/juki/residents/{no}/history",
                 f"/api/v1/juki/households/{hno}"):  # fmt: skip
        r = mine.get(path)
        assert r.status_code == 404, (path, r.text)
    r = mine.post("/api/v1/juki/certificates", json={"addressee_nos": [no]})
    assert r.status_code == 404
    r = mine.post("/api/v1/juki/moves/death", json={"event_on": "2024-04-09", "addressee_no": no})
    assert r.status_code == 404
    session = staff_client(app, db, tenant_id, "registry_supervisor")
    assert session.get(f"/api/v1/juki/residents/{no}").status_code == 404
    page = session.get(f"/juki/residents/{no}")
    assert page.status_code == 404 and "見つかりません" in page.text and "青木" not in page.text
    theirs = token_client(app, db, other, "registry_clerk")
    assert theirs.get(f"/api/v1/juki/residents/{no}").status_code == 200
