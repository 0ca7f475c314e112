"""庁内データ連携 (pull linkage) — 共通機能標準仕様書「庁内データ連携」, データ要件・連携要件標準仕様書.

Each business publishes datasets; consumers (kikan's own tax and welfare businesses exactly like
another vendor's system) pull them: a change feed after an opaque cursor, whole-dataset
snapshots, and CSV files (whole or differential), authenticated as OAuth 2.0 clients with
``client_secret_jwt`` (RFC 7523 §2.2, OIDC Core §9). Every delivery is written to a hash-chained
exchange log. See ``docs/linkage.md``.

Pure modules here (no adapters): dataset definitions (:mod:`.datasets`), record shapes
(:mod:`.records`), cursors (:mod:`.cursor`), HS256 JWS (:mod:`.jws`), assertion checks
(:mod:`.assertion`), CSV layout and CP932 degradation (:mod:`.csvout`, :mod:`.encoding`), the
exchange-log chain (:mod:`.chain`) and the pull client (:mod:`.client`, HTTP only).
"""
