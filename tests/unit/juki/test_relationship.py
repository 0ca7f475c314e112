"""続柄 (標準仕様書 1.1.11): the closed list, chains up to four generations, everything else refused."""

from __future__ import annotations

import pytest

from kikan.juki.model import generations, is_valid_relationship, normalize_relationship, relationship_error

ALLOWED = [
    "世帯主", "夫", "妻", "夫（未届）", "妻（未届）", "子", "子（子の夫）", "子（子の妻）", "父", "母",
    "兄", "姉", "弟", "妹", "子の夫", "子の妻", "子の子", "妻の父", "夫の母", "父の父", "母の母",
    "兄の子", "子の子の子の子", "妻の父の兄の子", "子の妻（未届）", "縁故者", "同居人",
]  # fmt: skip
REFUSED = [
    "祖父", "祖母", "孫", "甥", "姪", "おじ", "おば", "準世帯主", "家事使用人", "子の子の子の子の子",
    "長男", "養子", "世帯主の子", "子の", "の子", "妻妻", "", "  ", "従業員", "子の縁故者", "同居人の子",
]  # fmt: skip


@pytest.mark.parametrize("rel", ALLOWED)
def test_allowed(rel: str) -> None:
    assert relationship_error(rel) is None
    assert is_valid_relationship(rel)


@pytest.mark.parametrize("rel", REFUSED)
def test_refused(rel: str) -> None:
    assert relationship_error(rel)
    assert not is_valid_relationship(rel)


def test_five_generations_must_be_enko() -> None:
    msg = relationship_error("子の子の子の子の子")
    assert msg is not None and "縁故者" in msg


def test_forbidden_terms_suggest_the_chain() -> None:
    assert "父の父" in (relationship_error("祖父") or "")
    assert "子の子" in (relationship_error("孫") or "")


def test_normalize_parentheses_and_blanks() -> None:
    assert normalize_relationship(" 妻(未届) ") == "妻（未届）"
    assert is_valid_relationship("子(子の妻)")


def test_generations_count_mechanically() -> None:
    assert generations("世帯主") == 0
    assert generations("子（子の夫）") == 1  # the の inside （…） is not a link
    assert generations("妻の父の兄の子") == 4
