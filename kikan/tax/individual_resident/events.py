"""Published events of the 個人住民税 assessment (what other businesses may import and consume).

``TaxAssessmentPublished`` is emitted once per committed batch chunk (and once per correction, a
chunk of one). It names the rows it published — ``(fiscal_year, run_id, chunk_no)`` — instead of
listing them: a chunk holds up to tens of thousands of taxpayers, and a million events per annual
run would flood the outbox that every consumer pages through (the registry's seed avoids the same
flood). Consumers pull the ``tax.assessment_status`` dataset: its change feed expands each event
into one record per taxpayer (``kikan/adapters/db/tax_published.py``), immutable per version.
"""

from __future__ import annotations

from kikan.core.events import DomainEvent

ASSESSMENT_PUBLISHED = "TaxAssessmentPublished"
AGGREGATE = "tax_assessment"
EVENT_TYPES = frozenset({ASSESSMENT_PUBLISHED})


def assessment_published(
    *,
    fiscal_year: int,
    run_id: str,
    chunk_no: int,
    kind: str,
    count: int,
    first_key: str,
    last_key: str,
    valid_from: str,
) -> DomainEvent:
    """One committed chunk of results (当初課税) or one correction (更正・追加・取消)."""
    return DomainEvent(
        event_type=ASSESSMENT_PUBLISHED,
        aggregate_type=AGGREGATE,
        aggregate_id=f"{fiscal_year}:{run_id}:{chunk_no}",
        payload={
            "fiscal_year": fiscal_year,
            "run_id": run_id,
            "chunk_no": chunk_no,
            "kind": kind,
            "count": count,
            "first_addressee_no": first_key,
            "last_addressee_no": last_key,
            "valid_from": valid_from,
        },
        occurred_on=valid_from,
    )
