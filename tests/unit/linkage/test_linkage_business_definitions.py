"""Definitions of the applications and 課税状況 datasets: minimised item lists, permissions, records
that validate against their JSON Schemas, and no 個人番号 anywhere."""

from __future__ import annotations

import pytest

from kikan.core.access import PERMISSIONS
from kikan.linkage import datasets, records
from kikan.tax.individual_resident import published
from kikan.tax.individual_resident.published import status_id

APPS, STATUS, HOUSEHOLDS = (
    datasets.REGISTRY[n] for n in ("applications.submitted", "tax.assessment_status", "tax.household_status")
)


def test_every_dataset_declares_its_business_and_a_known_permission():
    owners = {ds.name: (ds.owner, ds.permission) for ds in datasets.REGISTRY.values()}
    assert owners["applications.submitted"] == ("applications", "applications.review")
    assert owners["tax.assessment_status"] == owners["tax.household_status"] == ("tax", "tax.read")
    assert owners["juki.residents"] == ("juki", "linkage.read")
    assert all(p in PERMISSIONS for _, p in owners.values())
    assert all("permission" in datasets.describe(ds) for ds in datasets.REGISTRY.values())


def test_no_dataset_has_an_individual_number_item():
    for ds in datasets.REGISTRY.values():
        names = [f.name for f in ds.fields] + [i.name for f in ds.fields for i in f.items]
        assert not [n for n in names if "individual_number" in n and n != "individual_number_changed"], (
            ds.name
        )


def test_tax_items_are_a_subset_of_what_the_tax_business_publishes():
    assert set(STATUS.field_names) < {n for n, _, _ in published.STATUS_FIELDS}
    assert not {"exemption_reason", "total_tax", "forest_environment_tax", "salary_revenue"} & set(
        STATUS.field_names
    )
    assert set(HOUSEHOLDS.field_names) == {n for n, _, _ in published.HOUSEHOLD_FIELDS} - {"total_income_sum"}
    assert STATUS.key == ("fiscal_year", "addressee_no") and STATUS.semantics == "history"
    assert HOUSEHOLDS.semantics == "state" and APPS.semantics == "event"


def _row(**over):
    row = {n: 0 for n, _, _ in published.STATUS_FIELDS} | {
        "fiscal_year": 2026, "addressee_no": "000000000000019", "version": 1, "valid_from": "2026-06-01",
        "kind": "annual", "household_no": "000000000000007", "taxpayer_kind": "resident", "taxation": "exempt",
        "declared": False, "exemption_reason": 2,
    }  # fmt: skip
    return row | over


def test_tax_records_validate_and_keep_only_the_listed_items():
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    rec = published.status_record(_row())
    data = records.tax_status(rec)
    jsonschema_rs.validate(datasets.json_schema(STATUS), data)
    assert "exemption_reason" not in data and status_id(data) == "2026-000000000000019-1"
    with pytest.raises(ValueError):
        jsonschema_rs.validate(datasets.json_schema(STATUS), rec)  # the full record has unlisted items
    (hh,) = published.household_records(2026, [_row(total_income=10)])
    h = records.tax_household(hh)
    jsonschema_rs.validate(datasets.json_schema(HOUSEHOLDS), h)
    assert h["household_exempt"] is True and "total_income_sum" not in h
    assert records.tax_household_id(h) == records.tax_household_id(dict(h))
    assert records.tax_household_id(h) != records.tax_household_id({**h, "household_exempt": False})
    assert records.tax_household_id(h).startswith("2026-000000000000007@")


def test_application_records_validate_and_drop_any_individual_number():
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    payload = {"receipt_no": "0000000013", "form_id": "move-out", "form_version": 1, "procedure": "juki.move_out",
               "procedure_name": "転出届", "business": "juki", "command": "RecordMoveOut",
               "submitted_at": "2026-11-26T08:36:01.123456+00:00",
               "data": {"persons": [{"family_name": "山田", "individual_number": "123456789018"}]}}  # fmt: skip
    sub = records.application("e1", "ApplicationSubmitted", "2026-11-26", payload)
    jsonschema_rs.validate(datasets.json_schema(APPS), sub)
    assert sub["status"] == "received" and sub["status_ja"] == "受付"
    assert sub["data"] == {"persons": [{"family_name": "山田"}]}
    changed = records.application("e2", "ApplicationStatusChanged", "2026-11-27", {
        "receipt_no": "0000000013", "form_id": "move-out", "procedure": "juki.move_out", "status": "completed",
        "result_ref": "異動ID m-1"})  # fmt: skip
    jsonschema_rs.validate(datasets.json_schema(APPS), changed)
    assert (changed["status_ja"], changed["data"], changed["result_ref"]) == ("完了", None, "異動ID m-1")
