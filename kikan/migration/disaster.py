"""The residents list for a disaster (災害時用住民一覧): readable without kikan, from the live DB or a backup.

Basis: 地方公共団体情報システム非機能要件の標準 — systems holding data needed to confirm residents'
safety, such as 住民記録, must provide it in a usable form within 72 hours after a disaster
(standards.md §6).  The list is therefore plain files: a CSV (UTF-8 with BOM: opens in any
spreadsheet) and a PDF to print, one section per 町字, residents sorted by address, with name,
reading, birth date in 和暦, age, sex, household and address; a cover page gives the 基準日 (the date
of the newest change in the data) and the counts.  No 個人番号 and no 住民票コード.

Pure: the caller reads the rows (``kikan.adapters.db.migration_disaster``) and renders the PDF.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kikan.core.calendar import age_on, format_wareki
from kikan.core.spreadsheet import safe_row

TEMPLATES = Path(__file__).parent / "templates"
SEX = {"1": "男", "2": "女"}
KIND = {"japanese": "日本人", "foreign": "外国人"}
_DIGIT = re.compile(r"[0-9０-９]")
_RUNS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Person:
    addressee_no: str
    household_no: str
    family_name: str
    given_name: str
    kana: str
    birth_date: dt.date | None
    sex: str
    relationship: str
    address: str
    katagaki: str = ""
    town_code: str = ""
    resident_kind: str = "japanese"
    alpha_name: str = ""
    tsusho: str = ""
    head_name: str = ""
    household_order: int = 0

    @property
    def name(self) -> str:
        return "\u3000".join(x for x in (self.family_name, self.given_name) if x)


@dataclass
class Section:
    key: str
    label: str
    persons: list[Person] = field(default_factory=list)

    @property
    def households(self) -> int:
        return len({p.household_no for p in self.persons})


@dataclass
class ResidentList:
    municipality: str
    as_of: dt.date  # 基準日: the newest change in the data
    created_at: dt.datetime
    source: str
    sections: list[Section]

    @property
    def persons(self) -> int:
        return sum(len(s.persons) for s in self.sections)

    @property
    def households(self) -> int:
        return len({p.household_no for s in self.sections for p in s.persons})

    def count(self, attr: str) -> Counter[str]:
        return Counter(getattr(p, attr) for s in self.sections for p in s.persons)


def town_label(address: str) -> str:
    """The 町字 part of an address: everything before the first digit (東京都千代田区神田岩本町)."""
    m = _DIGIT.search(address)
    return (address[: m.start()] if m else address).rstrip("　 ") or address


def address_sort_key(p: Person) -> tuple[object, ...]:
    """Natural order of addresses (2番地 before 10番地), then household and its member order."""
    folded = unicodedata.normalize("NFKC", p.address)
    parts = tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in _RUNS.split(folded) if x)
    return (parts, p.katagaki, p.household_no, p.household_order, p.addressee_no)


def build(persons: Iterable[Person], *, municipality: str, as_of: dt.date, created_at: dt.datetime,
          source: str) -> ResidentList:  # fmt: skip
    """Sections per 町字 (by 町字コード, else by the address text), sorted by address."""
    groups: dict[str, list[Person]] = {}
    for p in persons:
        groups.setdefault(p.town_code or town_label(p.address), []).append(p)
    sections = []
    for key, members in groups.items():
        members.sort(key=address_sort_key)
        label = Counter(town_label(p.address) for p in members).most_common(1)[0][0]
        sections.append(Section(key, label, members))
    sections.sort(key=lambda s: (s.label, s.key))
    return ResidentList(municipality, as_of, created_at, source, sections)


def birth_wareki(p: Person) -> str:
    return format_wareki(p.birth_date) if p.birth_date else ""


def age(p: Person, on: dt.date) -> str:
    return str(age_on(p.birth_date, on)) if p.birth_date else ""


CSV_HEADER = ("町字コード", "町字", "住所", "方書", "世帯番号", "世帯主", "続柄", "宛名番号", "氏名", "フリガナ",
              "氏名（アルファベット）", "通称", "生年月日（和暦）", "生年月日（西暦）", "年齢", "性別", "住民種別")  # fmt: skip


def to_csv(lst: ResidentList) -> str:
    """CSV with BOM, CRLF: one line per resident, in the order of the PDF."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    for s in lst.sections:
        for p in s.persons:
            w.writerow(safe_row((s.key, s.label, p.address, p.katagaki, p.household_no, p.head_name, p.relationship,
                        p.addressee_no, p.name, p.kana, p.alpha_name, p.tsusho, birth_wareki(p),
                        p.birth_date.isoformat() if p.birth_date else "", age(p, lst.as_of), SEX.get(p.sex, p.sex),
                        KIND.get(p.resident_kind, p.resident_kind))))  # fmt: skip
    return "\ufeff" + buf.getvalue()


def to_html(
    lst: ResidentList, *, font_css: str = "", sections: list[Section] | None = None, cover: bool = True
) -> str:
    """The printable list (cover page + a section per 町字); ``font_css`` holds the @font-face rules."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)  # fmt: skip
    env.filters["wareki"] = lambda d: format_wareki(d) if d else ""
    return str(env.get_template("disaster.html").render(
        lst=lst, sections=lst.sections if sections is None else sections, cover=cover, font_css=font_css,
        sex=SEX, kind=KIND, birth=birth_wareki, age=lambda p: age(p, lst.as_of),
        by_sex=lst.count("sex"), by_kind=lst.count("resident_kind"),
    ))  # fmt: skip


def readme(lst: ResidentList, files: list[str]) -> str:
    lines = [
        "災害時用住民一覧（kikan）", "",
        f"団体: {lst.municipality}", f"基準日: {format_wareki(lst.as_of)}（{lst.as_of.isoformat()}）データの最終更新日",
        f"作成日時: {lst.created_at.strftime('%Y-%m-%d %H:%M')}", f"元データ: {lst.source}",
        f"住民数: {lst.persons:,}人  世帯数: {lst.households:,}世帯  町字: {len(lst.sections):,}", "",
        "ファイル:",
        *[f"  {f}" for f in files], "",
        "住民一覧.csv は UTF-8（BOM付き）・CRLF の CSV です。表計算ソフトでそのまま開けます。",
        "PDF は町字ごとに住所順です。個人番号・住民票コードは含みません。",
        "この一覧は個人情報です。安否確認の目的の範囲で取り扱い、使用後は廃棄してください。",
        "SHA256SUMS で各ファイルの改ざん・破損の有無を確認できます（sha256sum -c SHA256SUMS）。",
    ]  # fmt: skip
    return "\r\n".join(lines) + "\r\n"


def parts(lst: ResidentList) -> int:
    """Number of PDF parts when split: the cover plus one per 町字."""
    return len(lst.sections) + 1


def part(lst: ResidentList, k: int, css: str) -> tuple[str, str]:
    """``(file name, html)`` of split part ``k``: 0 the cover, then one per 町字."""
    if k == 0:
        return "住民一覧_000_表紙.pdf", to_html(lst, font_css=css, sections=[])
    s = lst.sections[k - 1]
    return f"住民一覧_{k:03d}_{s.key}.pdf", to_html(lst, font_css=css, sections=[s], cover=False)


def render_pdf(html: str) -> bytes:
    """The PDF of ``html`` (WeasyPrint; the fonts come with ``font_css``)."""
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())
