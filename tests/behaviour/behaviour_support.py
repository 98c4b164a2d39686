"""Helpers shared by the behaviour tests (public API only)."""
from __future__ import annotations

# The initial password of the `neo4j` admin in the DBMS with authentication (`secure` in conftest.py).
ADMIN_PASSWORD = "admin-secret"


def count(dbms, label: str, database: str | None = None) -> int:
    """The number of committed nodes with `label`, read in a new session (so only committed state counts)."""
    with dbms.session(database=database) as s:
        return s.run(f"MATCH (n:`{label}`) RETURN count(n) AS c").single()["c"]


def database_names(dbms) -> list[str]:
    with dbms.session() as s:
        return s.run("SHOW DATABASES YIELD name RETURN name ORDER BY name").value()


def user_session(secure, admin, name: str, *privileges: str, role: str | None = None):
    """A session on `secure` of a new user `name` (password pw-1) whose one role beside PUBLIC, `role` (by default
    `<name>_role`), is created by `admin` with `privileges`."""
    role = role or f"{name}_role"
    admin.run(f"CREATE ROLE {role}").consume()
    for privilege in privileges:
        admin.run(f"{privilege} TO {role}").consume()
    admin.run(f"CREATE USER {name} SET PASSWORD 'pw-1' CHANGE NOT REQUIRED").consume()
    admin.run(f"GRANT ROLE {role} TO {name}").consume()
    return secure.session(auth=(name, "pw-1"))
