"""The settings SHOW SETTINGS lists: every setting of `Settings` but the secret, and Neo4j's forms of values."""
from __future__ import annotations

import dataclasses

import pytest

from graphplex import DBMS
from graphplex.setting_catalog import setting_rows
from graphplex.settings import Settings


def test_every_setting_but_the_password_is_listed():
    with DBMS.in_memory() as dbms:
        names = {row["name"] for row in setting_rows(dbms)}
    own = {f.name for f in dataclasses.fields(Settings)} - {"given", "initial_password"}
    assert own <= names and "initial_password" not in names


@pytest.mark.parametrize(("settings", "name", "value"), [
    ({}, "db.transaction.timeout", "0s"),
    ({"transaction_timeout": 2.5}, "db.transaction.timeout", "2500ms"),
    ({"lock_acquisition_timeout": 5}, "db.lock.acquisition.timeout", "5s"),
    ({"transaction_memory_max": 1024}, "db.memory.transaction.max", "1024B"),
    ({}, "db.memory.transaction.max", "0B"),
    ({"auth_enabled": True, "initial_password": "pw-secret"}, "dbms.security.auth_enabled", "true"),
    ({}, "server.directories.import", None),
])
def test_neo4j_named_settings_take_neo4j_forms(settings, name, value):
    with DBMS.in_memory(**settings) as dbms:
        row = next(row for row in setting_rows(dbms) if row["name"] == name)
    assert row["value"] == value
    assert row["isExplicitlySet"] is bool(settings)
