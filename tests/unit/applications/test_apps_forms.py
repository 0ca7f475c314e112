"""Form definitions: the packaged forms load; a broken definition fails at load with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from kikan.applications import FormDefinitionError, catalog, load_forms, parse_form
from kikan.applications.loader import FORMS_DIR

MINIMAL = """
id: sample
version: 1
title: サンプル
procedure: {code: sample.proc, name: サンプル手続, basis: テスト法第1条}
sections:
  - id: applicant
    title: 申請者
    fields:
      - {id: family_name, label: 氏, required: true}
      - {id: kind, label: 種別, type: select, choices: [{value: a, label: あ}]}
target:
  business: juki
  command: RecordMoveOut
  permission: juki.write
  fields:
    destination: {from: applicant.family_name}
"""


def test_packaged_forms_load_with_their_procedures():
    forms = catalog()
    assert {f.id for f in forms} >= {"move-out", "resident-copy-by-post"}
    move_out = forms.get("move-out")
    assert move_out is not None
    assert move_out.procedure.basis.startswith("住民基本台帳法第24条")
    assert (move_out.target.business, move_out.target.command) == ("juki", "RecordMoveOut")
    post = forms.get("resident-copy-by-post")
    assert post is not None and post.target.command == "CertificateRequest"
    assert post.target.permission == "juki.certificate"


def test_minimal_definition_parses():
    form = parse_form(MINIMAL, name="sample.yaml")
    assert form.field("applicant.family_name") is not None
    assert form.field("applicant.nope") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("title: サンプル", "title: [broken"), "YAML として読めません"),
        (("version: 1", "version: 1\ncolour: red"), "colour"),
        (("version: 1", "version: 0"), "version"),
        (("{from: applicant.family_name}", "{from: applicant.missing}"), "項目 applicant.missing がフォームにありません"),
        (("{from: applicant.family_name}", "{from: $unknown}"), "不明な特別項目"),
        (("{from: applicant.family_name}", "{from: applicant.family_name, label: true}"), "label"),
        (("{from: applicant.family_name}", "{from: applicant.family_name, value: x}"), "exactly one"),
        (("{from: applicant.family_name}", "{template: '受付 {secret}'}"), "{secret}"),
        (("type: select, choices: [{value: a, label: あ}]", "type: select"), "needs choices"),
        (("{id: family_name, label: 氏, required: true}", "{id: family_name, label: 氏, type: colour}"), "type"),
        (("{id: family_name, label: 氏, required: true}", "{id: family_name, label: 氏, pattern: '(['}"), "bad pattern"),
        (("{id: family_name, label: 氏, required: true}",
          "{id: family_name, label: 氏, required_if: {field: applicant.zzz, equals: a}}"), "required_if"),
        (("{id: family_name, label: 氏, required: true}", "{id: family_name, label: 氏, staff_only: true, required: true}"),
         "staff_only"),
        (("id: sample", "id: status"), "reserved"),
    ],
)
def test_broken_definitions_fail_at_load(change, message):
    old, new = change
    assert old in MINIMAL
    with pytest.raises(FormDefinitionError) as exc:
        parse_form(MINIMAL.replace(old, new, 1), name="sample.yaml")
    assert message in str(exc.value)
    assert str(exc.value).startswith("sample.yaml: ")


def test_a_broken_file_in_the_directory_stops_loading(tmp_path: Path):
    (tmp_path / "sample.yaml").write_text(MINIMAL, encoding="utf-8")
    assert len(load_forms(tmp_path)) == 1
    (tmp_path / "other.yaml").write_text(MINIMAL.replace("id: sample", "id: other").replace("sections:", "sektions:"),
                                         encoding="utf-8")  # fmt: skip
    with pytest.raises(FormDefinitionError, match="other.yaml"):
        load_forms(tmp_path)


def test_file_name_must_match_form_id(tmp_path: Path):
    (tmp_path / "wrong-name.yaml").write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="sample.yaml にしてください"):
        load_forms(tmp_path)


def test_empty_directory_is_an_error(tmp_path: Path):
    with pytest.raises(FormDefinitionError, match="フォーム定義がありません"):
        load_forms(tmp_path)


def test_repeating_sections_are_read_with_brackets():
    text = MINIMAL.replace("  - id: applicant\n    title: 申請者\n", "  - id: applicant\n    title: 申請者\n    repeat: {max: 3}\n")
    with pytest.raises(FormDefinitionError, match=r"section\[\]\.field"):
        parse_form(text, name="sample.yaml")
    form = parse_form(text.replace("{from: applicant.family_name}", "{from: 'applicant[].family_name'}"), name="s.yaml")
    assert form.section("applicant").repeat.max == 3  # type: ignore[union-attr]


def test_identify_must_write_into_a_clerk_only_field():
    text = (FORMS_DIR / "move-out.yaml").read_text(encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="staff_only"):
        parse_form(text.replace('into: "persons[].addressee_no"', 'into: "persons[].family_name"'), name="move-out.yaml")
