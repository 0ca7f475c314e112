"""行政事務標準文字 API under ``/api/v1/chars`` and the staff screens under ``/chars`` (外字の同定).

Permissions: looking characters up, checking and degrading text touch no personal data
(``home.view``); the 外字 lists show the records that use each code (``juki.read``, audited);
importing a 外字表 and confirming a mapping change what migrations import (``juki.write``).
Basis: デジタル庁「地方公共団体情報システムの文字要件」; see docs/characters.md.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from kikan.adapters.api.deps import Principal, Requires, app_db
from kikan.adapters.db import characters_gaiji as store
from kikan.adapters.db import characters_gaiji_queries as queries
from kikan.characters import CP932, degrade, describe, master
from kikan.characters.describe import mj_dict, shrink_dict
from kikan.core.errors import FieldError, NotFound, ValidationFailed

PREFIX = "/api/v1/chars"
INT32_MAX = 2**31 - 1  # 決定番号 is a 32-bit column: beyond, 422 rather than a database error
TAGS: list[Any] = ["characters"]
View = Annotated[Principal, Depends(Requires("home.view"))]
Read = Annotated[Principal, Depends(Requires("chars.gaiji"))]
Write = Annotated[Principal, Depends(Requires("chars.gaiji"))]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DegradeIn(_In):
    text: str = Field(max_length=10000, description="変換する文字列", examples=["髙橋 𠮷田"])
    target: str = Field(
        default="cp932", max_length=40, description="cp932 / jisx0213 / Python の文字コード名"
    )


class TableIn(_In):
    csv: str = Field(
        max_length=5_000_000,
        description="外字表（外字コード,字形の説明,住基ネット統一文字コード,MJ文字図形名）",
    )
    source: str = Field(default="", max_length=200, description="外字表の名前（ファイル名等）")


class DecisionIn(_In):
    text: str | None = Field(
        default=None, max_length=40, description="同定する文字（IVS可）", examples=["邉󠄚"]
    )
    mj_name: str | None = Field(
        default=None, max_length=12, description="MJ文字図形名", examples=["MJ026194"]
    )
    basis: str = Field(default="", max_length=200, description="根拠（候補の根拠等）")
    note: str = Field(default="", max_length=400, description="備考")


class WithdrawIn(_In):
    note: str = Field(default="", max_length=400, description="取消しの理由")


class ResolveIn(_In):
    text: str = Field(max_length=10000, description="外字（私用領域）を含む文字列")
    code_system: str = Field(default=CP932, max_length=40, description="外字体系")
    as_of_seq: int | None = Field(default=None, ge=0, le=INT32_MAX, description="この決定番号時点の同定で変換（再現用）")


class DecisionOut(BaseModel):
    seq: int = Field(description="決定番号（団体内連番）")
    code_system: str
    code: str
    text: str = Field(description="同定した文字（空: 取消し）")
    mj_name: str
    basis: str
    note: str
    decided_at: str
    decided_by: str

    @classmethod
    def of(cls, d: store.Decision) -> DecisionOut:
        return cls(**{**d.__dict__, "decided_at": d.decided_at.isoformat()})


def _entry(e: queries.GaijiEntry) -> dict[str, Any]:
    c = e.code
    return {
        "code_system": c.code_system, "code": c.code, "pua": c.pua, "description": c.description,
        "juki_code": c.juki_code, "mj_name": c.mj_name, "source": e.source, "usage_count": e.usage_count,
        "decision": DecisionOut.of(e.decision).model_dump() if e.decision else None,
        "usages": [u.__dict__ for u in e.usages],
    }  # fmt: skip


def _candidate(c: Any) -> dict[str, Any]:
    return {**mj_dict(c.mj), "score": c.score, "basis": c.basis, "text": c.text}


def router() -> APIRouter:
    r = APIRouter(prefix=PREFIX, tags=TAGS)

    @r.get("/check", summary="文字の確認（行政事務標準文字か、MJ文字図形名・各種コード・縮退候補）")
    def check(p: View, text: Annotated[str, Query(max_length=1000)]) -> dict[str, Any]:
        infos = describe(text)
        return {"standard": all(i.standard for i in infos), "characters": [i.as_dict() for i in infos]}

    @r.get("/mj/{key}", summary="MJ文字の照会（MJ文字図形名・住基ネット統一文字コード・戸籍統一文字番号）")
    def mj(p: View, key: str) -> list[dict[str, Any]]:
        m = master()
        row = m.get(key)
        rows = [row] if row else (m.by_juki(key) if key.upper().startswith("J+") else m.by_koseki(key))
        if not rows:
            raise NotFound(f"{key} は文字情報基盤（MJ）にありません", field="キー")
        return [{**mj_dict(x), "shrink": [shrink_dict(s) for s in m.shrink(x.mj)]} for x in rows]

    @r.post("/degrade", summary="縮退（CP932・JIS X 0213 への変換と置換の報告）")
    def degrade_text(p: View, body: DegradeIn) -> dict[str, Any]:
        try:
            result = degrade(body.text, body.target)
        except ValueError as e:
            raise ValidationFailed([FieldError("文字コード", str(e))]) from None
        subs = [{**s._asdict(), "lossy": s.lossy} for s in result.substitutions]
        return {
            "text": result.text,
            "target": result.target,
            "lossless": result.lossless,
            "substitutions": subs,
        }

    @r.get("/gaiji", summary="外字の一覧（未同定のもの。使用しているレコードの件数つき）")
    def gaiji_list(
        request: Request, p: Read, code_system: str | None = None,
        include_mapped: Annotated[bool, Query(description="同定済みも含める")] = False,
        usages: Annotated[int, Query(ge=0, le=50, description="各外字の使用箇所を先頭から何件返すか")] = 0,
    ) -> list[dict[str, Any]]:  # fmt: skip
        with app_db(request).uow(p.ctx) as uow:
            entries = queries.list_codes(
                uow, code_system=code_system, unmapped_only=not include_mapped, usages_per_code=usages
            )
            uow.commit()
        return [_entry(e) for e in entries]

    @r.get("/gaiji/decisions", response_model=list[DecisionOut], summary="同定の決定（決定番号時点の再現）")
    def gaiji_decisions(
        request: Request, p: Read, as_of_seq: Annotated[int | None, Query(ge=0, le=INT32_MAX)] = None
    ) -> list[DecisionOut]:
        with app_db(request).uow(p.ctx) as uow:
            found = queries.decisions(uow, as_of_seq=as_of_seq)
        return [DecisionOut.of(d) for d in sorted(found.values(), key=lambda d: d.seq)]

    @r.post("/gaiji/resolve", summary="同定済みの外字を行政事務標準文字に置き換える")
    def gaiji_resolve(request: Request, p: Read, body: ResolveIn) -> dict[str, Any]:
        with app_db(request).uow(p.ctx) as uow:
            mapper = queries.load_mapper(uow, body.code_system, as_of_seq=body.as_of_seq)
        text, unmapped = mapper.resolve(body.text)
        left = [{"position": u.position, "code_system": u.code_system, "code": u.code} for u in unmapped]
        return {"text": text, "as_of_seq": mapper.as_of_seq, "unmapped": left}

    @r.get("/gaiji/{code_system}/{code}", summary="外字の詳細（使用箇所・同定候補・決定の履歴）")
    def gaiji_detail(request: Request, p: Read, code_system: str, code: str) -> dict[str, Any]:
        with app_db(request).uow(p.ctx) as uow:
            e = queries.entry(uow, code_system, code)
            found = queries.candidates(uow, code_system, code)
            hist = queries.history(uow, code_system, code)
            uow.commit()
        return {**_entry(e), "candidates": [_candidate(c) for c in found],
                "history": [DecisionOut.of(d).model_dump() for d in hist]}  # fmt: skip

    @r.post("/gaiji/{code_system}/table", status_code=201, summary="外字表（CSV）の取込み")
    def gaiji_table(request: Request, p: Write, code_system: str, body: TableIn) -> dict[str, int]:
        with app_db(request).uow(p.ctx) as uow:
            n = store.import_code_table(uow, code_system, body.csv, source=body.source)
            uow.commit()
        return {"imported": n}

    @r.post("/gaiji/{code_system}/{code}/decision", status_code=201, response_model=DecisionOut,
            summary="同定の確定")  # fmt: skip
    def gaiji_confirm(
        request: Request, p: Write, code_system: str, code: str, body: DecisionIn
    ) -> DecisionOut:
        with app_db(request).uow(p.ctx) as uow:
            d = store.confirm(
                uow, code_system, code, body.text, mj_name=body.mj_name, basis=body.basis, note=body.note
            )
            uow.commit()
        return DecisionOut.of(d)

    @r.post("/gaiji/{code_system}/{code}/withdraw", response_model=DecisionOut, summary="同定の取消し")
    def gaiji_withdraw(
        request: Request, p: Write, code_system: str, code: str, body: WithdrawIn
    ) -> DecisionOut:
        with app_db(request).uow(p.ctx) as uow:
            d = store.withdraw(uow, code_system, code, note=body.note)
            uow.commit()
        return DecisionOut.of(d)

    return r


def routers() -> list[APIRouter]:
    from kikan.adapters.web import characters as web

    return [router(), *web.routers()]
