"""What the DBMS answers for procedures (the `Host` of `databases.cypher.context`): the DBMS transaction's
metadata, the settings, the database's creation date from the catalog, and the caller's right to run admin
procedures. One is made per statement, for the DBMS transaction and the database it runs on."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from graphplex.databases.cypher.context import Counters
from graphplex.databases.errors import AuthError, ClientError
from graphplex.setting_catalog import setting_rows
from graphplex.system_db import forbidden, roles_text

if TYPE_CHECKING:
    from graphplex.transaction import DBMSTransaction


class ProcedureHost:
    """The `Host` of one statement of `txn` on `database`; `composite`: the composite database the statement was
    sent to, whose constituents its `CALL { USE … }` subqueries reach."""

    def __init__(self, txn: "DBMSTransaction", database: str, composite: str | None = None) -> None:
        self.txn = txn
        self.database = database
        self.composite = composite

    def in_composite(self) -> bool:
        return self.composite is not None

    def graph_names(self) -> list[str]:
        return sorted(alias.name for alias in self.txn.dbms.aliases.values() if alias.composite == self.composite)

    def graph_properties(self, name: str) -> dict:
        alias = self.txn.dbms.aliases.get(name.lower())
        if alias is None or alias.composite != self.composite:
            raise ClientError(f"Graph '{name}' is not a constituent of the composite database '{self.composite}'.",
                              "Neo.ClientError.Statement.ArgumentError")
        return dict(alias.properties)

    def graph_subquery(self, graph: str, body: str, arguments: dict, counters: Counters) -> Iterator[dict] | None:
        """A composite's `CALL { USE constituent … }`: run on the constituent, in this DBMS transaction. Elsewhere
        a subquery's USE names the statement's own graph (the DBMS transaction refused any other), and it runs
        here."""
        if self.composite is None:
            return None
        return self.txn.constituent_rows(self.composite, graph, body, arguments, counters)

    @property
    def dialect(self) -> str:
        """The dialect of the session running the statement ("neo4j" or "memgraph", `graphplex.dialects`)."""
        return self.txn.dialect

    def transaction_metadata(self) -> dict:
        """A copy of the DBMS transaction's metadata (the procedure may not change it behind the transaction)."""
        return dict(self.txn.metadata)

    def set_transaction_metadata(self, metadata: dict) -> None:
        """tx.setMetaData: the DBMS transaction's metadata, as SHOW TRANSACTIONS lists it."""
        self.txn.metadata = dict(metadata)

    def settings(self) -> list[dict]:
        """The DBMS's settings as SHOW SETTINGS lists them (`setting_catalog`)."""
        return setting_rows(self.txn.dbms)

    def database_created(self) -> str | None:
        """The creation time the catalog records for the database, in Neo4j's form (milliseconds, `Z`)."""
        entry = self.txn.dbms.entry(self.database)
        if entry is None:
            return None
        return entry.created.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def may_execute(self, name: str, admin: bool, user: str | None) -> bool:
        """Whether `user` (None: the caller) may execute the procedure; asking for another user needs SHOW USER,
        as in Neo4j, and an unknown user is an error."""
        caller = self.txn.principal
        if user is not None and user != caller.user:
            if not (caller.unrestricted or caller.privileges.allows("SHOW USER")):
                raise forbidden(f"Permission denied for SHOW PROCEDURES EXECUTABLE BY {user}: listing another "
                                f"user's procedures needs SHOW USER (user '{caller.user}' with roles "
                                f"[{roles_text(caller.roles)}]).")
            try:
                principal = self.txn.dbms.security.principal(user)
            except AuthError:
                raise ClientError(f"User '{user}' does not exist.", "Neo.ClientError.Statement.ArgumentError") \
                    from None
        else:
            principal = caller
        if principal.unrestricted:
            return True
        privileges = principal.privileges
        return privileges.allows_procedure(name) and (not admin or privileges.allows("EXECUTE ADMIN PROCEDURES"))

    def authorize_admin_procedure(self, name: str) -> None:
        """Raises Forbidden unless the caller is unrestricted or holds EXECUTE ADMIN PROCEDURES."""
        principal = self.txn.principal
        if not principal.unrestricted and not principal.privileges.allows("EXECUTE ADMIN PROCEDURES"):
            raise forbidden(f"Executing admin procedure '{name}' is not allowed for user '{principal.user}' with "
                            f"roles [{roles_text(principal.roles)}].")
