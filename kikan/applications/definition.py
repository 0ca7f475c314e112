"""The shape of a form definition (``forms/*.yaml``): a form is data, not code.

A definition names the procedure it serves (手続), its sections and fields (Japanese labels,
help, type, validation) and how the submitted items map to the target business's command
(共通機能標準仕様書 申請管理: 「申請項目を各基幹業務システムの管理項目にマッピング」). A new procedure
(児童手当 認定請求 …) is a new YAML file plus, once per target command, a hand-off in the adapter
layer (``kikan.adapters.db.applications_handoff``).

The models forbid unknown keys, so a typo in a YAML file fails when the forms are loaded (at
application start), never while a resident fills the form. Cross-references (a mapping that
reads a field that does not exist, a ``required_if`` on an unknown field …) are checked by
:mod:`kikan.applications.loader`.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FieldType = Literal[
    "text", "textarea", "kana", "date", "select", "radio", "checkbox", "postal_code", "email", "phone",
    "number", "addressee_no",
]  # fmt: skip
Era = Literal["both", "wareki", "western"]
ID = r"^[a-z][a-z0-9_]{0,39}$"
#: Sources a mapping may read besides the form's fields.
SPECIAL_SOURCES = frozenset({"$receipt_no", "$submitted_on", "$submitted_at", "$form_id", "$form_version"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    value: str = Field(min_length=1, max_length=60)
    label: str = Field(min_length=1, max_length=100)


class Condition(_Strict):
    """``field`` (a path in the same form, ``section.field``) has the value ``equals``."""

    field: str
    equals: str | bool


class FieldDef(_Strict):
    id: str = Field(pattern=ID)
    label: str = Field(min_length=1, max_length=60)
    type: FieldType = "text"
    help: str | None = Field(default=None, max_length=400)
    required: bool = False
    required_if: Condition | None = None
    max_length: int | None = Field(default=None, ge=1, le=2000)
    min_length: int | None = Field(default=None, ge=1, le=2000)
    pattern: str | None = None
    pattern_message: str | None = None
    standard_characters: bool = False  # 行政事務標準文字 (names, addresses)
    choices: list[Choice] = Field(default_factory=list)
    default: str | None = None
    era: Era = "both"
    not_future: bool = False
    max_past_days: int | None = Field(default=None, ge=0)
    max_future_days: int | None = Field(default=None, ge=0)
    minimum: int | None = None
    maximum: int | None = None
    autocomplete: str | None = Field(default=None, max_length=60)
    staff_only: bool = False  # filled by the clerk at review (宛名番号 …), never shown to the resident
    width: Literal["short", "medium", "long", "full"] = "medium"

    @model_validator(mode="after")
    def _consistent(self) -> FieldDef:
        if self.type in ("select", "radio") and not self.choices:
            raise ValueError(f"{self.id}: type {self.type} needs choices")
        if self.choices and self.type not in ("select", "radio"):
            raise ValueError(f"{self.id}: choices are only for select/radio")
        if len({c.value for c in self.choices}) != len(self.choices):
            raise ValueError(f"{self.id}: duplicate choice values")
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"{self.id}: bad pattern: {exc}") from None
        if self.default is not None and self.choices and self.default not in {c.value for c in self.choices}:
            raise ValueError(f"{self.id}: default {self.default!r} is not a choice")
        if self.type != "date" and (self.not_future or self.max_past_days is not None or self.max_future_days is not None):
            raise ValueError(f"{self.id}: date limits on a {self.type} field")
        if self.staff_only and self.required:
            raise ValueError(f"{self.id}: a staff_only field cannot be required of the resident")
        return self


class Repeat(_Strict):
    """A section the resident may fill several times (異動する方 1人目, 2人目 …)."""

    min: int = Field(default=1, ge=0, le=50)
    max: int = Field(default=10, ge=1, le=50)
    initial: int = Field(default=1, ge=1, le=50)
    item_label: str = Field(default="{n}人目", max_length=40)

    @model_validator(mode="after")
    def _order(self) -> Repeat:
        if not (self.min <= self.max and self.initial <= self.max):
            raise ValueError("repeat: need min <= max and initial <= max")
        return self


class Section(_Strict):
    id: str = Field(pattern=ID)
    title: str = Field(min_length=1, max_length=60)
    help: str | None = Field(default=None, max_length=600)
    repeat: Repeat | None = None
    fields: list[FieldDef] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Section:
        ids = [f.id for f in self.fields]
        if len(set(ids)) != len(ids):
            raise ValueError(f"section {self.id}: duplicate field ids")
        return self


class Source(_Strict):
    """How one target field is computed from the submission.

    ``from``: a field path (``section.field``; ``section[].field`` collects a repeating
    section into a list) or a special source (``$receipt_no``, ``$submitted_on`` …), or a list
    of them joined with ``join``. ``value``: a constant. ``template``: a ``str.format`` text over
    the special sources. ``label``: use the chosen option's label instead of its value.
    ``map``: translate values. ``split``: split a text into a list (宛名番号s separated by
    commas). Empty results are left out, so the command's own default applies.
    """

    from_: str | list[str] | None = Field(default=None, alias="from")
    value: str | int | bool | None = None
    template: str | None = None
    join: str = "\u3000"
    label: bool = False
    map: dict[str, str | bool | int] | None = None
    split: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_kind(self) -> Source:
        kinds = [self.from_ is not None, self.value is not None, self.template is not None]
        if sum(kinds) != 1:
            raise ValueError("a mapping needs exactly one of from / value / template")
        return self

    @property
    def paths(self) -> list[str]:
        if self.from_ is None:
            return []
        return [self.from_] if isinstance(self.from_, str) else list(self.from_)


class Target(_Strict):
    """The business command a form feeds (``business`` + ``command``: the hand-off key)."""

    business: str = Field(pattern=ID)
    command: str = Field(pattern=r"^[A-Z][A-Za-z0-9]{1,59}$")
    permission: str = Field(min_length=1, max_length=60, description="職員が審査・適用に必要な権限")
    fields: dict[str, Source] = Field(min_length=1)


class Identify(_Strict):
    """Helps the clerk find a person of the section in the resident registry (本人確認・対象者の特定):
    candidates by フリガナ and 生年月日; choosing one writes its 宛名番号 into ``into`` (a
    clerk-only field: ``section[].field`` of the same repeating section, or ``section.field``)."""

    section: str = Field(pattern=ID)
    family_name_kana: str = Field(pattern=ID)
    given_name_kana: str = Field(pattern=ID)
    birth_date: str = Field(pattern=ID)
    into: str


class Procedure(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_.]{1,59}$")
    name: str = Field(min_length=1, max_length=60)
    basis: str = Field(min_length=1, max_length=200, description="法令上の根拠")


class FormDefinition(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]{1,59}$")
    version: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=80)
    description: str = Field(default="", max_length=2000)
    procedure: Procedure
    sections: list[Section] = Field(min_length=1)
    notices: list[str] = Field(default_factory=list, description="送信後の案内（受付完了画面）")
    identify: list[Identify] = Field(default_factory=list)
    target: Target

    @model_validator(mode="after")
    def _unique_sections(self) -> FormDefinition:
        ids = [s.id for s in self.sections]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate section ids")
        if self.id in ("status",):
            raise ValueError(f"form id {self.id!r} is reserved")
        return self

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def field(self, path: str) -> tuple[Section, FieldDef] | None:
        """``section.field``, ``section[].field`` or ``section.N.field`` → its definition (None when unknown)."""
        parts = path.replace("[]", "").split(".")
        if len(parts) == 3 and parts[1].isdigit():  # section.N.field: item N of a repeating section
            parts = [parts[0], parts[2]]
        if len(parts) != 2:
            return None
        sec_id, fid = parts
        sec = self.section(sec_id)
        f = next((x for x in sec.fields if x.id == fid), None) if sec else None
        return (sec, f) if sec and f else None
