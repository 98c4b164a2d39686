"""The system database: catalog, users, roles and privileges (built on `databases`).

The names below are the package's face: `dbms` imports these and nothing deeper (tests/test_layering.py)."""
from graphplex.system_db.administration import resolve_name
from graphplex.system_db.aliases import AliasEntry
from graphplex.system_db.catalog import SYSTEM, Catalog, DatabaseEntry
from graphplex.system_db.secret_key import FernetSecrets
from graphplex.system_db.commands import SystemCommands, Viewer
from graphplex.system_db.security.commands import SecurityCommands
from graphplex.system_db.security.guards import ReadFilter, WriteGuard, forbidden, roles_text
from graphplex.system_db.security.model import Privileges
from graphplex.system_db.security.passwords import verify_no_password, verify_password
from graphplex.system_db.security.store import ADMIN_USER, SecurityStore

__all__ = ["SYSTEM", "Catalog", "DatabaseEntry", "AliasEntry", "FernetSecrets", "SystemCommands", "Viewer", "resolve_name", "SecurityCommands",
           "SecurityStore", "ADMIN_USER", "Privileges", "ReadFilter", "WriteGuard", "forbidden", "roles_text",
           "verify_password", "verify_no_password"]
