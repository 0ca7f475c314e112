"""Synthetic municipalities for development, demonstrations and benchmarks (``kikan seed``).

A realistic population — households with standard 続柄, Japanese names with readings (some in
異体字 with IVS), the 2020 census age pyramid, 2% foreign residents with their items, 1–4 history
rows per person, ~3% 除票, addresses from the tenant's real 町域 and 郵便番号 — loaded straight
into the resident registry tables. Deterministic per seed. Never for production tenants.
"""

from kikan.synthetic.generate import Chunk, generate, plain
from kikan.synthetic.seed import SeedReport, seed_tenant

__all__ = ["Chunk", "SeedReport", "generate", "plain", "seed_tenant"]
