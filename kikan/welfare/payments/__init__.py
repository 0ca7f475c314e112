"""定期払（児童手当・児童扶養手当）: 支払期月 (``schedule``), vectorised entitlements and the ledger
settlement (``compute``). Pure; the run itself is ``kikan.adapters.db.welfare_payment_runs``.
See ``README.md``."""
