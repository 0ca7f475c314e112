"""Curated 異体字 → 標準字体 pairs for name search keys, each group with its source.

These cover characters that the MJ縮退マップ route in ``names`` deliberately leaves alone: JIS X 0208
characters.  The MJ縮退マップ (法務省 戸籍法関連通達・通知 part) also "shrinks" many ordinary JIS X 0208
characters onto unrelated ones (書→昼, 師→帥, 功→切), so for JIS X 0208 sources kikan only folds the
reviewed pairs below.  A unit test asserts that every pair of the first two groups is also a candidate
pair in the MJ縮退マップ shipped with jntajis, so none of them is kikan's invention.

Pairs are written ``"<variant><standard>"``; targets must not themselves be variants (the builder
resolves chains, e.g. 齊 → 斎 via the kikan choice below).
"""

from __future__ import annotations

JOYO_TRADITIONAL_FORMS = (
    "亞亜 惡悪 壓圧 圍囲 爲為 醫医 壹壱 隱隠 榮栄 營営 衞衛 驛駅 圓円 緣縁 應応 歐欧 "
    "毆殴 櫻桜 奧奥 假仮 價価 畫画 會会 壞壊 懷懐 繪絵 擴拡 殼殻 覺覚 學学 嶽岳 樂楽 "
    "渴渇 卷巻 陷陥 寬寛 歡歓 勸勧 觀観 關関 顏顔 歸帰 氣気 龜亀 僞偽 戲戯 犧犠 舊旧 "
    "據拠 擧挙 峽峡 挾挟 狹狭 曉暁 勳勲 徑径 莖茎 經経 溪渓 螢蛍 輕軽 鷄鶏 藝芸 缺欠 "
    "儉倹 劍剣 圈圏 檢検 權権 獻献 縣県 險険 顯顕 驗験 嚴厳 效効 廣広 恆恒 鑛鉱 號号 "
    "國国 濟済 碎砕 齋斎 劑剤 雜雑 參参 慘惨 棧桟 蠶蚕 贊賛 殘残 絲糸 齒歯 兒児 辭辞 "
    "濕湿 實実 寫写 舍舎 釋釈 壽寿 收収 從従 澁渋 獸獣 縱縦 肅粛 處処 敍叙 將将 燒焼 "
    "稱称 證証 乘乗 剩剰 壤壌 孃嬢 條条 淨浄 疊畳 讓譲 釀醸 觸触 寢寝 愼慎 眞真 盡尽 "
    "圖図 粹粋 醉酔 隨随 髓髄 數数 樞枢 聲声 靜静 齊斉 攝摂 竊窃 專専 戰戦 淺浅 潛潜 "
    "纖繊 錢銭 禪禅 雙双 壯壮 搜捜 插挿 巢巣 總総 莊荘 裝装 騷騒 臟臓 藏蔵 屬属 續続 "
    "墮堕 對対 體体 帶帯 滯滞 臺台 瀧滝 擇択 澤沢 擔担 單単 膽胆 團団 彈弾 斷断 癡痴 "
    "晝昼 蟲虫 鑄鋳 廳庁 聽聴 鎭鎮 遞逓 鐵鉄 轉転 點点 傳伝 黨党 盜盗 燈灯 當当 鬪闘 "
    "獨独 讀読 屆届 繩縄 貳弐 惱悩 腦脳 廢廃 拜拝 賣売 麥麦 發発 髮髪 拔抜 蠻蛮 祕秘 "
    "濱浜 甁瓶 拂払 佛仏 竝並 變変 邊辺 辨弁 瓣弁 辯弁 舖舗 寶宝 萬万 滿満 默黙 藥薬 "
    "譯訳 豫予 餘余 與与 譽誉 搖揺 樣様 謠謡 來来 亂乱 覽覧 龍竜 兩両 獵猟 綠緑 壘塁 "
    "勵励 禮礼 靈霊 齡齢 戀恋 爐炉 勞労 樓楼 錄録 灣湾 惠恵 彌弥 穗穂 祿禄 穩穏 遲遅 "
    "曾曽 "
)
"""常用漢字表 (平成22年内閣告示第2号) 本表の括弧内の康熙字典体 (旧字体) → 通用字体, the pairs found in
names and addresses (also 人名用漢字, 戸籍法施行規則別表第二 一 where the old form is allowed in names)."""

NAME_VARIANTS = (
    "邉辺 嶋島 嶌島 槇槙 冨富 峯峰 渕淵 舘館 薗園 苅刈 祢禰 袮禰 埜野 栢柏 桝枡 楳梅 "
    "涌湧 穐秋 駈駆 頴穎 堯尭 濵浜 邨村 嵜崎 圀国 寳宝 劔剣 劒剣 剱剣 鐡鉄 躰体 軆体 "
    "脉脈 凉涼 冩写 兔兎 册冊 萠萌 亰京 徃往 "
)
"""俗字・異体字 common in 氏名 and 地名 (嶋/島, 冨/富, 渕/淵 …), all listed as candidates in the MJ縮退マップ
(戸籍法関連通達・通知) — reviewed by hand and kept only where both forms are read alike in names."""

SPEC_EXAMPLES = "籐藤 籘藤 滨浜 "
"""住民記録システム標準仕様書 2.1.2「検索文字入力」's own examples: 「藤」で検索時は「籘」「籐」, 「浜」で検索時は
「滨」.  (Its list for 浜 also names 頻, a distinct common character; kikan does not fold it.)"""

KIKAN_CHOICES = "斉斎 齊斎 篭籠 桧檜 "
"""kikan's name-search choices, not 字体 relations: 斉/齊/齋/斎 all search as サイトウ's 斎 (a user who
types 斎藤 expects 斉藤 and 齊藤); 篭/籠 and 桧/檜 are 俗字 pairs not in the MJ縮退マップ."""


def curated_pairs() -> dict[str, str]:
    """All groups as one ``{variant: standard}`` mapping (later groups win)."""
    table: dict[str, str] = {}
    for group in (JOYO_TRADITIONAL_FORMS, NAME_VARIANTS, SPEC_EXAMPLES, KIKAN_CHOICES):
        for pair in group.split():
            table[pair[0]] = pair[1]
    return table
