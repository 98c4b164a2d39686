"""Names of databases and aliases, as Neo4j spells and checks them."""
from __future__ import annotations

import re

from graphplex.databases.errors import ClientError

# The label every `(:Database)` and `(:Alias)` node carries, unique by name: one namespace for databases and
# aliases, kept by the storage's uniqueness constraint (two transactions creating a database and an alias of one
# name cannot both commit).
NAME_LABEL = "DatabaseName"
_NAME = re.compile(r"^[a-z][a-z0-9.\-]{2,62}$")


def normalise(name: str) -> str:
    """Database names are case-insensitive (Neo4j stores them in lower case)."""
    return name.lower()


def check_name(name: str) -> None:
    """Neo4j's rules: 3 to 63 characters, starting with a letter; letters, digits, dots and dashes."""
    if not _NAME.match(normalise(name)) or normalise(name).startswith("system"):
        raise ClientError(f"Could not create database with specified name '{name}'. Database name contains "
                          "illegal characters, is reserved or has an illegal length: names are 3 to 63 "
                          "characters of ASCII letters, digits, dots and dashes, starting with a letter.",
                          "Neo.ClientError.Statement.ArgumentError")
