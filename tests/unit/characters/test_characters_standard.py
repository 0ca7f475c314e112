import pytest
from hypothesis import given
from hypothesis import strategies as st

from kikan.core.characters import CharIssueKind, check_standard_characters


@pytest.mark.parametrize(
    "text",
    [
        "髙橋",
        "𠮷田",
        "渡邉",
        "山﨑",
        "渡邉\U000e0102",  # Moji_Joho IVS
        "齋藤　花子",
        "サトウ タロウ",
        "Smith John",
        "東京都千代田区霞が関２丁目１番２号",
        "",
    ],
)
def test_accepts_standard_names(text: str) -> None:
    assert check_standard_characters(text) == []


@pytest.mark.parametrize(
    ("text", "kind", "position"),
    [
        ("山\ue000", CharIssueKind.PRIVATE_USE, 1),
        ("\uf8ff", CharIssueKind.PRIVATE_USE, 0),
        ("田\U000f0000", CharIssueKind.PRIVATE_USE, 1),
        ("\U0010fffd", CharIssueKind.PRIVATE_USE, 0),
        ("山田😀", CharIssueKind.EMOJI, 2),
        ("☕", CharIssueKind.EMOJI, 0),
        ("🈁", CharIssueKind.EMOJI, 0),
        ("山\x00田", CharIssueKind.CONTROL, 1),
        ("山\t田", CharIssueKind.CONTROL, 1),
        ("山田\n", CharIssueKind.CONTROL, 2),
        ("\x7f", CharIssueKind.CONTROL, 0),
        ("\x85", CharIssueKind.CONTROL, 0),
        ("山\u200d田", CharIssueKind.FORMAT, 1),
        ("\u202e田山", CharIssueKind.FORMAT, 0),
        ("\ufeff山", CharIssueKind.FORMAT, 0),
        ("山\ud800", CharIssueKind.SURROGATE, 1),
        ("\udfff", CharIssueKind.SURROGATE, 0),
        ("\U000e0100山", CharIssueKind.STRAY_VARIATION_SELECTOR, 0),
        ("A\U000e0100", CharIssueKind.STRAY_VARIATION_SELECTOR, 1),
        ("カ\ufe00", CharIssueKind.STRAY_VARIATION_SELECTOR, 1),
        ("한", CharIssueKind.NOT_STANDARD, 0),
    ],
)
def test_flags(text: str, kind: CharIssueKind, position: int) -> None:
    issues = check_standard_characters(text)
    assert [(i.kind, i.position) for i in issues] == [(kind, position)]
    issue = issues[0]
    assert issue.char == text[position]
    assert issue.code_point == f"U+{ord(text[position]):04X}"
    assert issue.message.startswith(f"{position + 1}文字目（{issue.code_point}）: ")


def test_several_issues_in_order() -> None:
    issues = check_standard_characters("👍🏽山\ue000\U000e0100\U000e0101")
    assert [(i.position, i.kind) for i in issues] == [
        (0, CharIssueKind.EMOJI),
        (1, CharIssueKind.EMOJI),  # skin tone modifier
        (3, CharIssueKind.PRIVATE_USE),  # its IVS is judged with it, not reported twice
        (5, CharIssueKind.STRAY_VARIATION_SELECTOR),  # a second selector follows a selector
    ]


def test_emoji_presentation_requests() -> None:
    kinds = [i.kind for i in check_standard_characters("❤\ufe0f")]
    assert kinds == [CharIssueKind.EMOJI, CharIssueKind.EMOJI]
    assert [i.kind for i in check_standard_characters("🇯🇵")] == [CharIssueKind.EMOJI] * 2


def test_messages_are_japanese() -> None:
    (issue,) = check_standard_characters("\ue000")
    assert "外字" in issue.message and "行政事務標準文字" in issue.message


class RecordingSet:
    """A pluggable CharacterSet: accepts what it is told and records what it was asked."""

    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed
        self.asked: list[str] = []

    def __contains__(self, sequence: str, /) -> bool:
        self.asked.append(sequence)
        return sequence in self.allowed


def test_pluggable_character_set() -> None:
    mj_plus = RecordingSet({"\ue000", "山", "邉\U000e0102"})
    assert check_standard_characters("山\ue000", mj_plus) == []  # an MJ+ addition assigned to the PUA
    assert check_standard_characters("邉\U000e0102", mj_plus) == []
    assert "邉\U000e0102" in mj_plus.asked  # the base and its IVS are judged together
    issues = check_standard_characters("邉\U000e0100", mj_plus)
    assert [(i.position, i.kind) for i in issues] == [(0, CharIssueKind.NOT_STANDARD)]
    # plain sets work too (a frozenset satisfies the protocol)
    assert [i.kind for i in check_standard_characters("川", frozenset({"山"}))] == [
        CharIssueKind.NOT_STANDARD
    ]


@given(st.text(max_size=30))
def test_any_text_is_checked_without_error(text: str) -> None:
    issues = check_standard_characters(text)
    positions = [i.position for i in issues]
    assert positions == sorted(set(positions))
    for issue in issues:
        assert text[issue.position] == issue.char
