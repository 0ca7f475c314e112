"""The rows of the character master: :class:`MjChar` (one MJ文字図形名) and :class:`Shrink` (one MJ縮退マップ
candidate), and the order of the 縮退マップ's tables.  Sources: MJ文字情報一覧表 Ver.006.02, MJ縮退マップ
Ver.1.2.0 (IPA, CC BY-SA 2.1 JP)."""

from __future__ import annotations

from dataclasses import dataclass

SHRINK_RULES: tuple[str, ...] = (
    "JIS包摂規準UCS統合規則",
    "法務省告示582号別表第四_一",
    "法務省告示582号別表第四_二",
    "戸籍統一文字情報_親字正字",
    "民一2842号通達別表_誤字俗字正字一覧表_俗字",
    "民一2842号通達別表_誤字俗字正字一覧表_別字",
    "民一2842号通達別表_誤字俗字正字一覧表_無印",
    "民二5202号通知別表_正字俗字等対照表",
    "読み字形による類推",
    "辞書類等による関連字",
)
"""The MJ縮退マップ's tables, in the order kikan prefers them when degrading: first the JIS包摂規準
(same 字体 under the JIS X 0213 unification rules: not a change of character), then the 法務省 notices,
then inference by reading/shape and dictionary relations (a different character: always reported)."""


@dataclass(frozen=True, slots=True)
class Shrink:
    """One 縮退 candidate of an MJ character: the JIS X 0213 character ``target`` (plane-row-cell
    ``x0213``) under ``rule`` (an MJ縮退マップ table), ``rank`` its 順位/ホップ数 where the table has one."""

    mj: str
    target: str
    x0213: str
    rule: str
    rank: int | None

    @property
    def same_glyph_class(self) -> bool:
        """True for the JIS包摂規準UCS統合規則: the target is the same character under JIS unification."""
        return self.rule == SHRINK_RULES[0]


@dataclass(frozen=True, slots=True)
class MjChar:
    """One row of the master (one MJ文字図形名, or one extension row)."""

    mj: str  # MJ文字図形名 (MJ000001 …) or an extension id
    ucs: str = ""  # 対応するUCS
    impl_ucs: str = ""  # 実装したUCS (the code point IPAmj明朝 draws this glyph at)
    ivs: str = ""  # 実装したMoji_JohoコレクションIVS (base + U+E01xx)
    svs: str = ""  # 実装したSVS (base + U+FE0x, compatibility ideographs)
    compat: str = ""  # 対応する互換漢字
    dup_ivs: tuple[str, ...] = ()  # 重複実装したMoji_JohoコレクションIVS (2 rows)
    koseki: str = ""  # 戸籍統一文字番号
    juki: str = ""  # 住基ネット統一文字コード (J+XXXX)
    toki: str = ""  # 登記統一文字番号
    x0213: str = ""  # JIS X 0213 plane-row-cell (面-区-点)
    x0213_incl: str = ""  # X0213 包摂区分 (0: same, 2: unified under the 包摂規準)
    x0212: str = ""
    nyukan_seiji: str = ""  # 入管正字コード
    nyukan_gaiji: str = ""  # 入管外字コード
    policy: str = ""  # 漢字施策 (常用漢字 / 人名用漢字)
    strokes: int | None = None
    version: str = ""  # MJ文字図形バージョン
    note: str = ""  # MJ縮退マップ 参考情報 (国字, 地名外字 …)
    source: str = "MJ"

    @property
    def sequence(self) -> str:
        """How kikan writes this glyph: the code point it is implemented at (a unified ideograph), else
        its Moji_Joho IVS.  A compatibility ideograph (神 U+FA19) is written as its IVS (神 U+795E
        U+E0103), because other systems' NFC/NFKC silently turn U+FA19 into U+795E."""
        if self.impl_ucs and self.impl_ucs != self.compat:
            return self.impl_ucs
        return self.ivs or self.svs or self.compat or self.impl_ucs or self.ucs

    @property
    def sequences(self) -> tuple[str, ...]:
        """Every sequence that denotes exactly this glyph (IVS, SVS, compatibility or implemented UCS)."""
        out = [s for s in (self.ivs, *self.dup_ivs, self.svs, self.compat, self.impl_ucs) if s]
        return tuple(dict.fromkeys(out))

    @property
    def base(self) -> str:
        seq = self.sequence
        return seq[0] if seq else ""
