"""Resident registry 異動 services, one per category of 標準仕様書 1.2.2 / 第3章 4 異動.

Each is ``fn(cmd, uow, *, today) -> MoveResult``: it validates everything first (nothing is
written on an error), checks 抑止 for 異動入力, writes one full-snapshot history row per
affected person, queues the audit rows and ONE domain event, and leaves the commit to the
caller. See ``kikan/juki/README.md`` for the map and the legal basis.
"""

from kikan.juki.services.cancel import CancelMove, cancel_move
from kikan.juki.services.commands import AddressInput, Command, PersonInput, build
from kikan.juki.services.corrections import (
    ApplyImmigrationNotice,
    CorrectRecord,
    apply_immigration_notice,
    correct_record,
)
from kikan.juki.services.household import (
    ChangeHousehold,
    ChangeHouseholdHead,
    MergeHouseholds,
    SplitHousehold,
    change_head,
    change_household,
    merge_households,
    split_household,
)
from kikan.juki.services.move import MoveResult
from kikan.juki.services.move_in import (
    RecordBirth,
    RecordByAuthority,
    RecordMoveIn,
    TransferCertificate,
    move_in,
    record_birth,
    record_by_authority,
)
from kikan.juki.services.move_out import (
    RecordDeath,
    RecordMoveOut,
    RemoveByAuthority,
    move_out,
    record_death,
    remove_by_authority,
)
from kikan.juki.services.move_within import RecordMoveWithin, move_within
from kikan.juki.services.nationality import (
    RecordNationalityLoss,
    RecordNaturalization,
    record_nationality_loss,
    record_naturalization,
)
from kikan.juki.services.numbers import (
    ChangeIndividualNumber,
    ChangeResidentRecordCode,
    RecordAlias,
    RecordFormerSurname,
    change_individual_number,
    change_resident_record_code,
    record_alias,
    record_former_surname,
)
from kikan.juki.services.remake import (
    RemakeBatchResult,
    RemakeRecord,
    ReproduceRecord,
    remake_batch,
    remake_record,
    reproduce_record,
)

__all__ = [
    "AddressInput", "ApplyImmigrationNotice", "CancelMove", "ChangeHousehold", "ChangeHouseholdHead",
    "ChangeIndividualNumber", "ChangeResidentRecordCode", "Command", "CorrectRecord", "MergeHouseholds",
    "MoveResult", "PersonInput", "RecordAlias", "RecordBirth", "RecordByAuthority", "RecordDeath",
    "RecordFormerSurname", "RecordMoveIn", "RecordMoveOut", "RecordMoveWithin", "RecordNationalityLoss",
    "RecordNaturalization", "RemakeBatchResult", "RemakeRecord", "RemoveByAuthority", "ReproduceRecord",
    "SplitHousehold", "TransferCertificate",
    "apply_immigration_notice", "build", "cancel_move", "change_head", "change_household",
    "change_individual_number", "change_resident_record_code", "correct_record", "merge_households",
    "move_in", "move_out", "move_within", "record_alias", "record_birth", "record_by_authority",
    "record_death", "record_former_surname", "record_nationality_loss", "record_naturalization",
    "remake_batch", "remake_record", "remove_by_authority", "reproduce_record", "split_household",
]  # fmt: skip
