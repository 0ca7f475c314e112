"""行政事務標準文字: the character master, validation, 外字 mapping and degradation for output.

Pure code plus packaged reference data (``data/``, CC BY-SA 2.1 JP; see ``data/LICENSE-DATA.md``);
imports only ``kikan.core``.  See ``docs/characters.md``.

- :func:`master` — MJ文字 (UCS, Moji_Joho IVS, MJ文字図形名, 住基ネット統一文字コード, 戸籍統一文字番号,
  JIS X 0213) and the MJ縮退マップ, loaded lazily and cached.
- :func:`validate` / :data:`STANDARD_CHARACTER_SET` — names and addresses against the full set; the
  set plugs into ``kikan.core.characters.check_standard_characters``.
- :func:`describe` — what each character is (``kikan chars check``).
- :class:`GaijiMapper`, :func:`parse_code_table`, :func:`propose` — 外字 同定 (storage in
  ``kikan.adapters.db.characters_gaiji``).
- :func:`degrade`, :func:`encode_for_partner` — CP932 / JIS X 0213 output with a report.
"""

from kikan.characters.candidates import Candidate, propose
from kikan.characters.degrade import DegradeResult, Substitution, codec_of, degrade, encode_for_partner
from kikan.characters.describe import CharInfo, describe
from kikan.characters.gaiji import (
    CP932,
    UCS,
    GaijiMapper,
    LegacyCode,
    Occurrence,
    Unmapped,
    UnmappedCharacters,
    key_of,
    parse_code_table,
)
from kikan.characters.mjmaster import SHRINK_RULES, Master, MjChar, Shrink, load_master, master
from kikan.characters.standard import (
    STANDARD_CHARACTER_SET,
    Issue,
    IssueKind,
    StandardCharacterSet,
    is_standard,
    validate,
)
from kikan.characters.text import graphemes

__all__ = [
    "CP932", "SHRINK_RULES", "STANDARD_CHARACTER_SET", "UCS", "Candidate", "CharInfo", "DegradeResult",
    "GaijiMapper", "Issue", "IssueKind", "LegacyCode", "Master", "MjChar", "Occurrence", "Shrink", "StandardCharacterSet",
    "Substitution", "Unmapped", "UnmappedCharacters", "codec_of", "degrade", "describe", "encode_for_partner",
    "graphemes", "is_standard", "key_of", "load_master", "master", "parse_code_table", "propose", "validate",
]  # fmt: skip
