"""Search-key throughput (computed for every history row when seeding and migrating).

    python -m bench.search_keys [--n 200000]

Prints one JSON line: kana and name keys per CPU-second.
"""

from __future__ import annotations

import argparse
import json
import time

from kikan.core.characters import kana_search_key, name_search_key, prepare_name_search

KANA = ["サトウ タロウ", "すずき はなこ", "ﾀｶﾊｼ ｲﾁﾛｳ", "ヴァレンタイン・ジョン", "ワタナベ　ユウコ"]
NAMES = ["渡邉 太郎", "髙橋 花子", "山﨑 一郎", "佐藤 健", "ＳＭＩＴＨ ＪＯＨＮ"]


def rate(fn, items: list[str]) -> float:  # type: ignore[no-untyped-def]
    start = time.process_time()
    for x in items:
        fn(x)
    return len(items) / max(time.process_time() - start, 1e-9)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200_000)
    n = ap.parse_args().n
    prepare_name_search()
    kana = (KANA * (n // len(KANA) + 1))[:n]
    names = (NAMES * (n // len(NAMES) + 1))[:n]
    print(json.dumps({"bench": "search_keys", "n": n, "kana_keys_per_cpu_s": round(rate(kana_search_key, kana)),
                      "name_keys_per_cpu_s": round(rate(name_search_key, names))}))


if __name__ == "__main__":
    main()
