"""The decisions on a case page through the real app (both backends): 額改定（増額・減額）, 支給停止,
停止解除, 消滅 and 却下 each write the next version with its reason and show its notice; a stale version
is a 409, a bad date or reason a 422 next to its field, and in both cases nothing is written; the forms
need ``welfare.write`` and the CSRF token, and only the decisions that apply to the case's status show."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kikan.adapters.db import welfare_feed
from kikan.welfare import cases as wc
from tests.conftest import login_client, make_staff
from tests.e2e.tax_ui.html_checks import problems
from tests.integration.welfare.welfare_support import certify, claim, move_in, person, svc, versions

KIDS = ("2019-04-04", "2021-06-06", "2023-09-09")


def fresh_case(db: Any, town: Any, certified: bool = True) -> tuple[str, tuple[str, ...]]:
    """A family of four moved in on 2025-07-01; a claim for the two elder children (certified on
    2025-07-10 unless ``certified`` is false). The youngest child is left for a 額改定（増額）."""
    r = move_in(db, town.ctx, [person("佐藤", "恵", "1989-01-01", "世帯主", "2"), person("佐藤", "一", KIDS[0], "子"),
                               person("佐藤", "二葉", KIDS[1], "子"), person("佐藤", "三太", KIDS[2], "子")],
                "2025-07-01")  # fmt: skip
    welfare_feed.poll(db, town.tenant_id)
    mom, *kids = r.addressee_nos
    case = claim(db, town.ctx, mom, [(kids[0], KIDS[0]), (kids[1], KIDS[1])], "2025-07-05").case_id
    if certified:
        certify(db, town.ctx, case, "2025-07-10")
    return case, tuple(kids)


def valid(name: str, kids: tuple[str, ...]) -> dict[str, str]:
    return {
        "increase": {"child_id": kids[2], "child_name": "佐藤　三太", "birth_date": KIDS[2], "requested_on": "2025-07-20"},
        "decrease": {"child_id": kids[1], "left_on": "2025-07-25", "reason": "祖父母に引き取られた"},
        "suspend": {"from_month": "2025-09", "reason": "所在不明"},
        "resume": {"from_month": "2025-10", "reason": "所在が判明"},
        "extinguish": {"ended_on": "2025-07-31", "end_reason": "moved_out", "note": "転出届"},
        "reject": {"reason": "監護の実態がない"},
    }[name]  # fmt: skip


def suspended(db: Any, town: Any, case: str) -> None:
    svc(db, town.ctx, wc.suspend, wc.Suspend, {"case_id": case, "from_month": "2025-09", "reason": "所在不明"},
        date(2025, 8, 1))  # fmt: skip


def post(client: Any, case: str, name: str, version: int, data: dict[str, str]) -> Any:
    return client.post(f"/welfare/cases/{case}/{name}", data={"expected_version": str(version), **data},
                       follow_redirects=False)  # fmt: skip


def forms_on(html: str, case: str) -> set[str]:
    names = ("certify", "reject", "increase", "decrease", "suspend", "resume", "extinguish")
    return {n for n in names if f'action="/welfare/cases/{case}/{n}"' in html}


# (decision, reason code, reason shown in the history, notice title)
DECISIONS = [
    ("increase", "increase", "額改定（増額）（佐藤　三太 の追加）", "児童手当額改定通知書"),
    ("decrease", "decrease", "額改定（減額）（祖父母に引き取られた）", "児童手当額改定通知書"),
    ("suspend", "suspend", "支給停止（所在不明）", "児童手当支給停止通知書"),
    ("resume", "resume", "支給停止の解除（所在が判明）", "児童手当支給停止解除通知書"),
    ("extinguish", "extinguish", "消滅（転出、2025-07分まで、転出届）", "児童手当受給資格消滅通知書"),
    ("reject", "reject", "却下（監護の実態がない）", "児童手当認定請求却下通知書"),
]


@pytest.mark.parametrize(("name", "code", "reason", "title"), DECISIONS, ids=[d[0] for d in DECISIONS])
def test_each_decision_from_the_case_page_writes_the_next_version(db, clerk, town, name, code, reason, title):
    case, kids = fresh_case(db, town, certified=name != "reject")
    if name == "resume":
        suspended(db, town, case)
    before = len(versions(db, town.ctx, case))
    page = clerk.get(f"/welfare/cases/{case}")
    assert page.status_code == 200 and not problems(page.text), problems(page.text)
    assert name in forms_on(page.text, case)
    ok = post(clerk, case, name, before, valid(name, kids))
    assert ok.status_code == 303, ok.text
    assert ok.headers["location"] == f"/welfare/cases/{case}?done={before + 1}"
    rows = versions(db, town.ctx, case)
    assert len(rows) == before + 1
    assert rows[-1].reason_code == code and rows[-1].reason == reason
    done = clerk.get(ok.headers["location"])
    assert done.status_code == 200 and not problems(done.text), problems(done.text)
    assert f"第{before + 1}版を記録しました" in done.text and reason in done.text
    assert f'href="/welfare/cases/{case}/versions/{before + 1}/notice.pdf">{title}（PDF）' in done.text


def test_only_the_decisions_of_the_case_status_are_offered(db, clerk, town):
    claimed, _ = fresh_case(db, town, certified=False)
    assert forms_on(clerk.get(f"/welfare/cases/{claimed}").text, claimed) == {"certify", "reject"}
    case, kids = fresh_case(db, town)
    assert forms_on(clerk.get(f"/welfare/cases/{case}").text, case) == {"increase", "decrease", "suspend", "extinguish"}
    suspended(db, town, case)
    page = clerk.get(f"/welfare/cases/{case}").text
    assert forms_on(page, case) == {"increase", "decrease", "suspend", "resume", "extinguish"}
    assert '<label for="u-from_month">支給を再開する月' in page
    post(clerk, case, "extinguish", 3, valid("extinguish", kids))
    ended = clerk.get(f"/welfare/cases/{case}").text
    assert "消滅" in ended and forms_on(ended, case) == set()


@pytest.mark.parametrize("name", [d[0] for d in DECISIONS])
def test_a_stale_version_is_a_conflict_and_writes_nothing(db, clerk, town, name):
    case, kids = fresh_case(db, town, certified=name != "reject")
    if name == "resume":
        suspended(db, town, case)
    before = versions(db, town.ctx, case)
    stale = post(clerk, case, name, len(before) + 1 if name == "reject" else len(before) - 1, valid(name, kids))
    assert stale.status_code == 409 and "他の処理で更新されています" in stale.text
    assert not problems(stale.text), problems(stale.text)
    assert len(versions(db, town.ctx, case)) == len(before)


# (decision, bad input, the input id, the message next to it, its label in the summary)
BAD = [
    ("increase", {"requested_on": "2025-08-05"}, "i-requested_on", "額改定請求日は認定請求日から処理日までの日付にしてください", "額改定請求日"),
    ("increase", {"birth_date": "2023-02-30"}, "i-birth_date", "形式または値が正しくありません", "児童の生年月日"),
    ("decrease", {"left_on": "2025-06-30"}, "c-left_on", "監護しなくなった日は認定請求日以後にしてください", "監護しなくなった日"),
    ("suspend", {"reason": ""}, "s-reason", "必須項目です", "支給停止の理由"),
    ("suspend", {"until_month": "2025-08"}, "s-until_month", "終了月は開始月以後にしてください", "支給停止の終了月"),
    ("resume", {"from_month": "2025/10"}, "u-from_month", "形式または値が正しくありません", "支給を再開する月"),
    ("extinguish", {"ended_on": "2025-06-30"}, "e-ended_on", "消滅日は認定請求日以後にしてください", "消滅日"),
    ("extinguish", {"ended_on": ""}, "e-ended_on", "必須項目です", "消滅日"),
    ("extinguish", {"end_reason": "lost"}, "e-end_reason", "形式または値が正しくありません", "消滅事由"),
    ("reject", {"reason": " "}, "r-reason", "形式または値が正しくありません", "却下の理由"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "bad", "input_id", "message", "label"), BAD,
                         ids=[f"{b[0]}-{b[2]}-{i}" for i, b in enumerate(BAD)])  # fmt: skip
def test_a_bad_date_or_reason_is_shown_next_to_its_field_and_writes_nothing(db, clerk, town, name, bad, input_id,
                                                                             message, label):  # fmt: skip
    case, kids = fresh_case(db, town, certified=name != "reject")
    if name == "resume":
        suspended(db, town, case)
    before = len(versions(db, town.ctx, case))
    r = post(clerk, case, name, before, {**valid(name, kids), **bad})
    assert r.status_code == 422, r.text
    assert not problems(r.text), problems(r.text)
    assert f'<span class="field-error" id="{input_id}-err1">{message}</span>' in r.text, r.text[r.text.find("error-summary"):][:600]
    assert f'aria-describedby="{input_id}-hint {input_id}-err1"' in r.text or f'aria-describedby="{input_id}-err1"' in r.text
    assert f'<a href="#{input_id}">{label}: {message}</a>' in r.text  # the summary links to the field
    kept = {k: v for k, v in {**valid(name, kids), **bad}.items() if v.strip() and k != "end_reason"}
    for value in kept.values():  # what the clerk entered is still there
        assert f'value="{value}"' in r.text, value
    assert len(versions(db, town.ctx, case)) == before


@pytest.mark.parametrize("name", [d[0] for d in DECISIONS])
def test_decisions_need_welfare_write_and_the_csrf_token(app, db, town, name):
    case, kids = fresh_case(db, town, certified=name != "reject")
    if name == "resume":
        suspended(db, town, case)
    before = len(versions(db, town.ctx, case))
    tax = login_client(app, make_staff(db, town.tenant_id, ["tax_clerk"]))
    assert post(tax, case, name, before, valid(name, kids)).status_code == 403
    nocsrf = login_client(app, make_staff(db, town.tenant_id, ["welfare_clerk"]))
    nocsrf.headers.pop("X-CSRF-Token")
    assert post(nocsrf, case, name, before, valid(name, kids)).status_code == 403
    assert len(versions(db, town.ctx, case)) == before
    assert post(nocsrf, case, name, before, {**valid(name, kids), "csrf_token": "forged"}).status_code == 403
    assert len(versions(db, town.ctx, case)) == before
