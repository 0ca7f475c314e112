"""Mapping a submission to the target command; the registry's own command model accepts the result."""

from __future__ import annotations

import pytest
from apps_unit_support import TODAY, move_out_raw, post_raw

from kikan.applications import Context, catalog, parse_form, staff_todo, to_command, validate_submission
from kikan.core.errors import ValidationFailed
from kikan.juki.certificates import CertificateOptions
from kikan.juki.services import RecordMoveOut, build

CTX = Context("0000000017", "2024-04-10", "2024-04-10T01:00:00+00:00", "move-out", 1)


def _data(form_id: str, raw: dict[str, str]) -> dict:  # type: ignore[type-arg]
    form = catalog().get(form_id)
    assert form is not None
    sub = validate_submission(form, raw, today=TODAY, staff=True)
    assert sub.ok, sub.errors
    return sub.data


def test_move_out_maps_to_record_move_out():
    form = catalog().get("move-out")
    assert form is not None
    data = _data("move-out", move_out_raw(**{"persons.0.addressee_no": "000000000000019"}))
    mapped = to_command(form, data, CTX)
    assert (mapped.business, mapped.command) == ("juki", "RecordMoveOut")
    f = mapped.fields
    assert f["addressee_nos"] == ["000000000000019"]
    assert f["event_on"] == "2024-04-20" and f["reported_on"] == "2024-04-10"
    assert f["destination"] == "大阪府大阪市北区梅町３番地\u3000梅ハイツ２０１"
    assert f["note"] == "オンライン申請（受付番号 0000000017）"
    cmd = build(RecordMoveOut, f)  # the registry's model accepts it as is
    assert cmd.kind == "domestic" and cmd.input_place == "オンライン申請"


def test_unidentified_persons_leave_the_command_incomplete_and_are_listed():
    form = catalog().get("move-out")
    assert form is not None
    data = _data("move-out", move_out_raw())
    assert "addressee_nos" not in to_command(form, data, CTX).fields
    assert staff_todo(form, data) == ["転出する方（1人目）の宛名番号"]
    with pytest.raises(ValidationFailed) as exc:
        build(RecordMoveOut, to_command(form, data, CTX).fields)
    assert exc.value.errors[0].field == "異動者（宛名番号）"


def test_longest_destination_fits_the_registry_item():
    data = _data("move-out", move_out_raw(**{"destination.address": "大" * 150, "destination.katagaki": "方" * 49,
                                              "persons.0.addressee_no": "19"}))  # fmt: skip
    form = catalog().get("move-out")
    assert form is not None
    assert len(build(RecordMoveOut, to_command(form, data, CTX).fields).destination) == 200


def test_certificate_by_post_maps_options_copies_purpose_and_split_numbers():
    form = catalog().get("resident-copy-by-post")
    assert form is not None
    data = _data("resident-copy-by-post", post_raw(**{"target.addressee_nos": "19,27", "purpose.kind": "other",
                                                       "purpose.detail": "会社への提出"}))  # fmt: skip
    f = to_command(form, data, CTX).fields
    assert f["kind"] == "resident_copy" and f["channel"] == "post"
    assert f["addressee_nos"] == ["19", "27"] and "household_no" not in f
    assert f["copies"] == "2"
    assert f["requester"] == "佐藤\u3000一郎"
    assert f["purpose"] == "その他\u3000会社への提出"  # the choice's label, then the detail
    assert f["options"] == {"show_head": True, "show_honseki": False, "show_juminhyo_code": False, "show_mynumber": False}
    opts = CertificateOptions.from_dict(f["options"])  # the registry's options accept it
    assert opts.show_head and not opts.show_honseki


def test_map_translates_values_and_template_reads_specials():
    text = """
id: tt
version: 2
title: T
procedure: {code: t.t, name: T, basis: B}
sections:
  - id: s
    title: S
    fields:
      - {id: ok, label: OK, type: checkbox}
      - {id: k, label: K, type: select, choices: [{value: a, label: エー}]}
target:
  business: b
  command: Cmd
  permission: p
  fields:
    flag: {from: s.ok, map: {"true": "yes", "false": "no"}}
    kind: {from: s.k, map: {a: alpha}}
    ref: {template: "{form_id}/v{form_version}/{receipt_no}"}
    const: {value: 3}
"""
    form = parse_form(text, name="tt.yaml")
    mapped = to_command(form, {"s": {"ok": False, "k": "a"}}, Context("0000000017", "2024-01-01", "x", "tt", 2))
    assert mapped.fields == {"flag": "no", "kind": "alpha", "ref": "tt/v2/0000000017", "const": 3}
