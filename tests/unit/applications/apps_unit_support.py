"""Posted form values for the packaged forms (shared by the unit tests)."""

from __future__ import annotations

from datetime import date, timedelta

TODAY = date(2024, 4, 10)


def parts(prefix: str, era: str, year: str, month: str, day: str) -> dict[str, str]:
    return {f"{prefix}.era": era, f"{prefix}.year": year, f"{prefix}.month": month, f"{prefix}.day": day}


def move_out_raw(planned: date | None = None, **over: str) -> dict[str, str]:
    planned = planned or TODAY + timedelta(days=10)
    raw = {
        "applicant.family_name": "山田", "applicant.given_name": "花子", "applicant.family_name_kana": "ヤマダ",
        "applicant.given_name_kana": "ハナコ", **parts("applicant.birth_date", "平成", "2", "2", "3"),
        "applicant.address": "東京都千代田区松町１番地", "applicant.phone": "03-1234-5678",
        "_count.persons": "1", "persons.0.family_name": "山田", "persons.0.given_name": "花子",
        "persons.0.family_name_kana": "ヤマダ", "persons.0.given_name_kana": "ハナコ",
        **parts("persons.0.birth_date", "西暦", "1990", "2", "3"), "persons.0.relationship": "世帯主",
        "move.kind": "domestic", **parts("move.planned_on", "西暦", str(planned.year), str(planned.month), str(planned.day)),
        "destination.postal_code": "530-0001", "destination.address": "大阪府大阪市北区梅町３番地",
        "destination.katagaki": "梅ハイツ２０１", "consent.confirmed": "on",
    }  # fmt: skip
    raw.update(over)
    return raw


def post_raw(**over: str) -> dict[str, str]:
    raw = {
        "requester.family_name": "佐藤", "requester.given_name": "一郎", "requester.family_name_kana": "サトウ",
        "requester.given_name_kana": "イチロウ", **parts("requester.birth_date", "昭和", "55", "5", "5"),
        "requester.postal_code": "1000001", "requester.address": "東京都千代田区松町１番地",
        "requester.phone": "090-1234-5678", "target.scope": "self", "target.copies": "2", "options.head": "on",
        "purpose.kind": "pension", "delivery.to": "requester", "consent.confirmed": "on",
    }  # fmt: skip
    raw.update(over)
    return raw
