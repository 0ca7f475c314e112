"""抑止 (blocks) and 支援措置 (DV・ストーカー・児童虐待等の被害者の支援措置): pure rules.

Legal basis and spec:
- 住民記録システム標準仕様書 第3章 3.1 異動・発行・照会抑止: per process (異動入力・証明書発行・照会),
  per person or household, level error or alert, start/end date, several may coexist; the end
  date does NOT end a block; a temporary release (一時解除) re-locks after a configurable time
  and is not sent to other systems (コンビニ交付 included).
- 同 3.4 支援措置, and 住民基本台帳事務処理要領 第5-10 (住民基本台帳の一部の写しの閲覧及び住民票の
  写し等の交付等に関する省令 and 住民基本台帳法 第11条の2, 第12条 第6項, 第12条の2, 第12条の3 に基づく
  不当な目的による請求の拒否): a copy including a 支援対象者 is refused unless the 支援措置責任者
  releases it after review; period one year; extension from one month before the end; 仮支援措置
  before approval; on 転出 the measure continues as 前住所地.

No I/O and no clock reads: every function takes ``today``/``now``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

PROCESSES: dict[str, str] = {"move": "異動入力", "certificate": "証明書発行", "inquiry": "照会"}
LEVELS: dict[str, str] = {"error": "エラー", "alert": "アラート"}
KINDS: dict[str, str] = {"block": "抑止", "support": "支援措置"}
SUPPORT_STAGES: dict[str, str] = {
    "provisional": "仮支援措置",
    "approved": "支援措置",
    "continued": "仮支援措置（前住所地として継続）",
}
#: 支援措置 protects against copies (証明書発行) and is shown/masked on 照会 (3.4).
SUPPORT_PROCESSES: frozenset[str] = frozenset({"certificate", "inquiry"})
#: 一時解除 re-locks after this time unless the tenant configures another (3.1 「時間を設定できること」).
DEFAULT_TEMPORARY_RELEASE = timedelta(minutes=30)


@dataclass(frozen=True)
class Block:
    """One 抑止 or 支援措置 setting. Exactly one of ``addressee_no`` / ``household_no`` is set."""

    block_id: str
    kind: str  # block | support
    processes: frozenset[str]
    level: str  # error | alert
    start_on: date
    end_on: date | None = None
    addressee_no: str | None = None
    household_no: str | None = None
    released_on: date | None = None
    temporary_release_until: datetime | None = None
    support_stage: str | None = None
    parent_block_id: str | None = None
    reason: str = ""
    details: dict = field(default_factory=dict)
    released_by: str | None = None
    version: int = 1

    @property
    def target(self) -> str:
        if self.addressee_no:
            return f"宛名番号 {self.addressee_no}"
        return f"世帯番号 {self.household_no}"

    @property
    def label(self) -> str:
        """A short Japanese label for messages (never contains an address)."""
        if self.kind == "support":
            return SUPPORT_STAGES.get(self.support_stage or "approved", "支援措置")
        procs = "・".join(PROCESSES[p] for p in PROCESSES if p in self.processes)
        return f"{procs}抑止（{LEVELS.get(self.level, self.level)}）"

    def in_force(self, today: date) -> bool:
        """In force from its start date until released explicitly (3.1: 終了日を経過しても自動的に終了しない)."""
        if today < self.start_on:
            return False
        return self.released_on is None or today < self.released_on

    def past_end(self, today: date) -> bool:
        """期限経過: the end date has passed but the block stays in force until released."""
        return self.end_on is not None and today > self.end_on and self.in_force(today)

    def temporarily_released(self, now: datetime) -> bool:
        """一時解除中 (3.1): until ``temporary_release_until``; afterwards it re-locks by itself."""
        return self.temporary_release_until is not None and now < self.temporary_release_until

    def applies_to(self, process: str) -> bool:
        return process in self.processes


@dataclass(frozen=True)
class BlockHit:
    """A block found for a process; ``refuses`` is true when it stops the process."""

    block: Block
    addressee_no: str | None  # the person the block was found through (None: household only)
    process: str
    refuses: bool
    temporarily_released: bool
    past_end: bool

    @property
    def message(self) -> str:
        b = self.block
        who = f"宛名番号 {self.addressee_no}" if self.addressee_no else b.target
        via = f"（世帯番号 {b.household_no} の世帯抑止）" if b.household_no and self.addressee_no else ""
        lapse = "（期限経過）" if self.past_end else ""
        return f"{who}{via}: {b.label}{lapse}が設定されています"


def parse_processes(value: Iterable[str] | str) -> frozenset[str]:
    """Validate a process set; raises ValueError with a Japanese message."""
    items = [p.strip() for p in value.split(",")] if isinstance(value, str) else list(value)
    procs = frozenset(p for p in items if p)
    if not procs:
        raise ValueError("抑止する処理を1つ以上指定してください")
    unknown = sorted(procs - PROCESSES.keys())
    if unknown:
        raise ValueError(f"抑止する処理 {', '.join(unknown)} は指定できません（異動入力・証明書発行・照会）")
    return procs


def evaluate(
    blocks: Iterable[Block], process: str, *, today: date, now: datetime, person_of: dict[str, list[str]]
) -> list[BlockHit]:
    """Hits of ``process`` among ``blocks`` (3.1). ``person_of`` maps a block id to the persons it reached.

    An error-level block refuses unless temporarily released; an alert never refuses. Blocks
    past their end date still apply (flagged 期限経過).
    """
    if process not in PROCESSES:
        raise ValueError(f"処理区分 {process} は不正です")
    hits: list[BlockHit] = []
    for b in blocks:
        if not (b.applies_to(process) and b.in_force(today)):
            continue
        released = b.temporarily_released(now)
        for person in person_of.get(b.block_id) or [None]:  # type: ignore[list-item]
            hits.append(
                BlockHit(
                    block=b, addressee_no=person, process=process,
                    refuses=b.level == "error" and not released, temporarily_released=released,
                    past_end=b.past_end(today),
                )
            )
    return hits


def temporary_release_until(now: datetime, minutes: int | None = None) -> datetime:
    """When a 一時解除 granted at ``now`` re-locks (3.1 「一定時間経過後に自動で抑止状態に戻る」)."""
    span = DEFAULT_TEMPORARY_RELEASE if minutes is None else timedelta(minutes=minutes)
    if span <= timedelta(0) or span > timedelta(hours=24):
        raise ValueError("一時解除の時間は1分以上24時間以内で指定してください")
    return now + span


def release(block: Block, today: date, by: str) -> Block:
    """本解除 (explicit release, 3.1). A released block cannot be released again."""
    if block.released_on is not None and block.released_on <= today:
        raise ValueError(f"この{KINDS[block.kind]}は既に解除（終了）されています")
    return replace(block, released_on=today, released_by=by, temporary_release_until=None)


# --- 支援措置 periods (標準仕様書 3.4; 事務処理要領 第5-10-(3)) -----------------------------------


def add_years(d: date, years: int) -> date:
    """Same month and day ``years`` later; 2/29 falls back to 2/28 (民法第143条 の暦による計算)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def support_period_end(start_on: date) -> date:
    """End of a one-year 支援措置 period: start + 1 year − 1 day (3.4 例: R2.4.1 → R3.3.31)."""
    return add_years(start_on, 1) - timedelta(days=1)


def extension_opens_on(end_on: date) -> date:
    """The extension may be processed from one month before the end date (3.4).

    "１か月前から": the same day of the previous month + 1 day, i.e. the first day of the last
    month of the period (end 2021-03-31 → from 2021-03-01; end 2021-04-30 → from 2021-04-01).
    """
    return _months_before(end_on + timedelta(days=1), 1)


def can_extend(end_on: date, today: date) -> bool:
    return today >= extension_opens_on(end_on)


def extended_period(end_on: date) -> tuple[date, date]:
    """The extended period: from the day after the current end, for one year (3.4)."""
    start = end_on + timedelta(days=1)
    return start, support_period_end(start)


def expiry_alert(end_on: date | None, today: date) -> str | None:
    """The alert shown when the record is referenced (3.4), from one month before the end until
    one month after it; None outside that window."""
    if end_on is None:
        return None
    if extension_opens_on(end_on) <= today <= end_on:
        return f"支援措置の期間が1か月以内に終了します（終了日 {end_on.isoformat()}）"
    if end_on < today <= _months_after(end_on, 1):
        return f"支援措置の期間が終了しています（終了日 {end_on.isoformat()}）。延長又は終了の処理をしてください"
    return None


def expiry_alerts(measures: Iterable[Block], today: date) -> list[tuple[Block, str]]:
    """Alerts for in-force 支援措置 around their end date (3.4)."""
    out = []
    for m in measures:
        if m.kind == "support" and m.in_force(today):
            a = expiry_alert(m.end_on, today)
            if a:
                out.append((m, a))
    return out


def alert_window(today: date) -> tuple[date, date]:
    """A superset [lo, hi] of the end dates whose alert may show on ``today`` (for a set-based
    query; filter the rows with :func:`expiry_alert`)."""
    return today - timedelta(days=32), today + timedelta(days=32)


def continue_after_move_out(measure: Block, today: date) -> Block:
    """On 転出 the 当初受付市区町村 keeps protecting as 前住所地 (3.4: 仮支援措置として自動で切替え)."""
    if measure.kind != "support":
        raise ValueError("支援措置ではありません")
    if not measure.in_force(today):
        raise ValueError("支援措置は終了しています")
    details = {**measure.details, "continued_on": today.isoformat(), "as": "前住所地"}
    return replace(measure, support_stage="continued", details=details)


def _months_before(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 - n, 12)
    return _clamp(d.year + y, m + 1, d.day)


def _months_after(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return _clamp(d.year + y, m + 1, d.day)


def _clamp(year: int, month: int, day: int) -> date:
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


# --- 支援措置 stage transitions (3.4) ------------------------------------------------------------


def approve(measure: Block, start_on: date, end_on: date | None = None) -> Block:
    """仮支援措置 → 支援措置: the one-year period runs from the start of the measure (3.4,
    事務処理要領 第5-10-(3): 支援の必要性の確認結果を連絡した日から起算して1年)."""
    if measure.kind != "support" or measure.support_stage != "provisional":
        raise ValueError("仮支援措置ではないため承認できません")
    end = end_on or support_period_end(start_on)
    if end < start_on:
        raise ValueError("終了年月日は開始年月日以後の日付を指定してください")
    details = {**measure.details, "provisional_from": measure.start_on.isoformat()}
    return replace(measure, support_stage="approved", start_on=start_on, end_on=end, details=details)


def extend(measure: Block, new_id: str, today: date, end_on: date | None = None) -> tuple[Block, Block]:
    """延長 (3.4): allowed from one month before the end; the new period starts the day after
    the current end and lasts one year (end editable). Returns (closed old row, new row): the
    old row stops applying exactly when the new one starts, so protection has no gap."""
    if measure.kind != "support" or measure.support_stage not in ("approved", "continued"):
        raise ValueError("承認済みの支援措置のみ延長できます")
    if measure.end_on is None:
        raise ValueError("終了年月日のない支援措置は延長できません")
    if measure.released_on is not None:
        raise ValueError("この支援措置は既に延長又は終了されています")
    if not can_extend(measure.end_on, today):
        opens = extension_opens_on(measure.end_on).isoformat()
        raise ValueError(f"延長は期間終了日の1か月前（{opens}）から処理できます")
    start, default_end = extended_period(measure.end_on)
    end = end_on or default_end
    if end < start:
        raise ValueError("延長後の終了年月日は延長後の開始年月日以後の日付を指定してください")
    new = replace(
        measure, block_id=new_id, start_on=start, end_on=end, parent_block_id=measure.block_id,
        released_on=None, released_by=None, temporary_release_until=None, version=1,
    )
    old = replace(measure, released_on=start, details={**measure.details, "extended_by": new_id})
    return old, new
