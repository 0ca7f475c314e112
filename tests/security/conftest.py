"""Fixtures of the security tests: two tenants with residents and staff (see ``sec_fixtures``)."""

from tests.security.sec_fixtures import mynumber_env, world  # noqa: F401
