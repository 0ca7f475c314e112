"""Fixed texts and numbering of the 個人住民税 notices: legal notes (with their articles), 和暦 labels
of fiscal years and months, the (placeholder) 納付番号."""

from __future__ import annotations

from datetime import date

from kikan.core.calendar import to_wareki

LEGAL_ORDINARY = (
    "この通知書は地方税法第1条第1項第6号の納税通知書で、同法第13条による納付の告知です。記載事項は同法第319条の2第1項、納期は同法第320条及び{tax_ordinance}によります。",
    "賦課の根拠: 地方税法（第2章第1節 道府県民税・第3章第1節 市町村民税）、森林環境税及び森林環境譲与税に関する法律、{tax_ordinance}。",
    "納期限までに納付されないときは、地方税法第326条により延滞金を加算して納付していただくほか、督促（同法第329条）の後、滞納処分を受けることがあります。",
    "この処分に不服があるときは、この通知書を受け取った日の翌日から起算して3か月以内に{head}に審査請求をすることができます（行政不服審査法第2条・第18条）。処分の取消しの訴えは、審査請求に対する裁決を経た後でなければ提起できません（地方税法第19条の12）。",
)
LEGAL_SPECIAL = (
    "この通知書は地方税法第321条の4による給与所得に係る特別徴収税額の通知です（納税義務者には特別徴収義務者を経由して通知します）。",
    "毎月の給与の支払の際に月割額を徴収し、徴収した月の翌月10日までに納入してください（地方税法第321条の5第1項）。納入期限後の納入には延滞金が加算されます（同法第326条）。",
    "この処分に不服があるときは、この通知書を受け取った日の翌日から起算して3か月以内に{head}に審査請求をすることができます（行政不服審査法第2条・第18条、地方税法第19条の12）。",
)
# 税額変更通知書 (更正). Articles and what was checked:
# * 地方税法第13条 (納付の告知: 文書で金額・期限・場所を告知) — wording checked against a published
#   text of the article. 第321条の6 (給与所得に係る特別徴収税額の変更の通知) — checked against a
#   published municipal 「特別徴収税額の決定・変更通知書」 form, which cites 「第321条の4（第321条の6）」.
# * 第319条の2 (納税通知書) and 第17条・第17条の2 (還付・充当) as the annual notice cites them;
#   行政不服審査法第2条・第4条第1号・第18条第1項 (審査請求, 3か月), 行政事件訴訟法第14条 (取消訴訟, 6か月)
#   and 地方税法第19条の12 (審査請求の前置) — from the statutes as commonly cited by municipalities'
#   教示文, not re-read against the official text (e-Gov) here.
LEGAL_CORRECTION = (
    "この通知書は、{fiscal_year_text}の{municipal}・{prefectural}（個人住民税）及び森林環境税の税額を変更したことの通知です。"
    "普通徴収の税額の変更は地方税法第13条による納付の告知（記載事項は同法第319条の2）、給与からの特別徴収の税額の変更は"
    "同法第321条の6による通知です（特別徴収義務者にも通知します）。",
    "賦課の根拠: 地方税法（第2章第1節 道府県民税・第3章第1節 市町村民税）、森林環境税及び森林環境譲与税に関する法律、{tax_ordinance}。",
    "変更により納め過ぎとなった額（過誤納金）は、還付し、又は未納の地方団体の徴収金に充当します（地方税法第17条・第17条の2）。",
    "【教示】この処分に不服がある場合は、この通知書を受け取った日の翌日から起算して3か月以内に、{head}に対して審査請求をすることが"
    "できます（行政不服審査法第2条・第4条第1号・第18条第1項）。",
    "この処分の取消しの訴えは、審査請求に対する裁決があったことを知った日の翌日から起算して6か月以内に、{name}を被告として"
    "（訴訟において{name}を代表する者は{head}となります。）提起することができます（行政事件訴訟法第11条・第14条）。"
    "ただし、処分の取消しの訴えは、審査請求に対する裁決を経た後でなければ提起することができません（地方税法第19条の12）。",
)
SLIP_NOTE = (
    "納付番号・バーコードは kikan の仮の形式（ITF）です。地方税統一QRコード（eL-QR、eLTAX）の印字は今後の対応で、"
    "この納付書ではスマートフォン決済・eL-QR による納付はできません。"
)
SLIP_PARTS = ("領収証書（納税者保管）", "納付済通知書", "領収済通知書")


def fiscal_year_text(fiscal_year: int) -> str:
    """「令和8年度」: the era in force at the end of the calendar year the fiscal year starts in, as the
    government wrote them across a change of era (FY2019 = 令和元年度, FY1988 = 昭和63年度)."""
    w = to_wareki(date(fiscal_year, 12, 31))
    return f"{w.era.name}{'元' if w.year == 1 else w.year}年度"


def month_text(month: str) -> str:
    """``2026-06`` → 「令和8年6月」."""
    w = to_wareki(date(int(month[:4]), int(month[5:7]), 1))
    return f"{w.era.name}{'元' if w.year == 1 else w.year}年{w.month}月"


def payment_number(tenant_id: str, fiscal_year: int, addressee_no: str, version: int, period: int) -> str:
    """28 digits: 団体コード(6) 年度(2) 宛名番号(15) 版(2) 期(2) + a mod-10 (weights 3/1) check digit."""
    body = f"{tenant_id}{fiscal_year % 100:02d}{addressee_no.zfill(15)[-15:]}{version % 100:02d}{period % 100:02d}"
    if not body.isdigit():
        raise ValueError(f"payment number needs digits only: {body!r}")
    weighted = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(body)))
    return body + str((10 - weighted % 10) % 10)
