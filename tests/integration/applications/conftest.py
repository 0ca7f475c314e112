from apps_support import mynumber_key  # noqa: F401  (autouse: the 個人番号 key for seeding residents)
