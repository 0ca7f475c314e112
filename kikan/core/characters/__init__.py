"""Characters: search keys (kana fuzzy search, 異体字 folding) and the 行政事務標準文字 check.

Stored text is never normalised; folding happens only inside search keys.  See ``kana``, ``names``
and ``standard`` for the specification each follows.
"""

from .kana import kana_search_key, kana_search_tokens
from .names import name_search_key, name_search_key_with, name_search_tokens, prepare_name_search
from .standard import (
    DEFAULT_CHARACTER_SET,
    CharacterSet,
    CharIssue,
    CharIssueKind,
    JisX0213OrMjShrinkSet,
    check_standard_characters,
)

__all__ = [
    "DEFAULT_CHARACTER_SET",
    "CharIssue",
    "CharIssueKind",
    "CharacterSet",
    "JisX0213OrMjShrinkSet",
    "check_standard_characters",
    "kana_search_key",
    "kana_search_tokens",
    "name_search_key",
    "name_search_key_with",
    "name_search_tokens",
    "prepare_name_search",
]
