"""Running statements and client commands for the shell and for scripts: one session, its parameters, `:use`,
`:begin`/`:commit`/`:rollback`, and errors reported with their code and where they happened."""
from __future__ import annotations

import re
import time

from graphplex.databases.cypher.parser import redact_passwords
from graphplex.databases.errors import Neo4jError, error_for_code
from graphplex.cli.exits import INVALID_ARGUMENTS
from graphplex.cli.output import Printer, text
from graphplex.cli.remote import plan_rows
from graphplex.cli.script import Piece

HELP = """Client commands:
  :use DB            switch to database DB (a new session)
  :begin             open an explicit transaction (also BEGIN;)
  :commit            commit it (also COMMIT;)
  :rollback          roll it back (also ROLLBACK;)
  :param name => expr  set a parameter to the value of a Cypher expression
  :params            list the parameters
  :help              this text
  :exit              leave the shell
Statements end with `;`."""

_COMMIT = re.compile(r"^\s*commit\s*;?\s*$", re.IGNORECASE)
_POSITION = re.compile(r"\(line (\d+), column (\d+) \(offset: \d+\)\)")


class Exit(Exception):
    """`:exit` / `:quit` in the shell."""


class Runner:
    """Runs pieces of a script (or shell input) on one DBMS, as one user."""

    def __init__(self, dbms, database: str | None, auth, printer: Printer, parameters: dict | None = None) -> None:
        self.dbms = dbms
        self.auth = auth
        self.printer = printer
        self.parameters: dict = dict(parameters or {})
        self.session = dbms.session(database=database, auth=auth)

    @property
    def database(self) -> str:
        return self.session.database

    def close(self) -> None:
        self.session.close()

    def run(self, piece: Piece) -> None:
        """Runs a statement or a client command; raises Neo4jError (or Exit)."""
        try:
            self._run(piece)
        except Neo4jError as error:
            if not (_COMMIT.match(piece.text) and self.in_transaction):
                raise
            # A refused commit leaves the session's transaction for a ROLLBACK to end; a script or a shell user
            # cannot do anything else with it, so end it now, as cypher-shell (and the driver under --uri) do.
            self.session.run("ROLLBACK").consume()
            raise error_for_code(error.code, f"{error.message.rstrip('.')}. The transaction was rolled back.") \
                from error

    def _run(self, piece: Piece) -> None:
        if piece.command:
            self.command(piece.text)
            return
        start = time.perf_counter()
        result = self.session.run(piece.text, self.parameters)
        keys = result.keys()
        records = [tuple(record.values()) for record in result]
        summary = result.consume()
        counters = {name: count for name, count in summary.counters.as_dict().items() if count}
        profile = getattr(summary, "profile", None)
        plan = plan_rows(profile if profile is not None else getattr(summary, "plan", None))
        self.printer.result(keys, records, counters, time.perf_counter() - start,
                            statement=redact_passwords(piece.text), plan=plan, profiled=profile is not None)

    @property
    def in_transaction(self) -> bool:
        """Whether `:begin` (or `BEGIN;`) opened a transaction that is not yet committed or rolled back."""
        return bool(getattr(self.session, "in_statement_transaction", False))

    @staticmethod
    def verify(session, name: str) -> None:
        """Fails unless `session` can use its database. `system` runs only administration commands, so it is
        checked with one; other databases with a trivial read (which also checks the user's access)."""
        if name.strip("`").lower() == "system":
            session.run("SHOW CURRENT USER").consume()
        else:
            session.run("RETURN 1").consume()

    def command(self, line: str) -> None:
        name, _, argument = line.partition(" ")
        name, argument = name.lower(), argument.strip()
        if name in ("exit", "quit"):
            raise Exit()
        if name == "help":
            self.printer.message(HELP)
        elif name == "use":
            if not argument:
                raise ValueError(":use needs a database name")
            if self.in_transaction:
                raise ValueError(":use is not possible inside a transaction: :commit or :rollback first")
            new = self.dbms.session(database=argument.strip("`"), auth=self.auth)
            try:
                self.verify(new, argument)  # fails now if the database does not exist or is not accessible
            except Exception:
                new.close()
                raise
            self.session.close()
            self.session = new
        elif name in ("begin", "commit", "rollback"):
            self.session.run(name.upper()).consume()
        elif name == "param":
            key, arrow, expression = argument.partition("=>")
            if not arrow:
                key, arrow, expression = argument.partition(":")
            if not arrow or not key.strip():
                raise ValueError(":param needs `name => expression`")
            self.parameters[key.strip()] = self.evaluate(expression.strip())
        elif name == "params":
            for key, value in sorted(self.parameters.items()):
                self.printer.message(f":param {key} => {text(value)}")
        else:
            raise ValueError(f"Unknown command :{name} (try :help)")

    def evaluate(self, expression: str) -> object:
        """The value of a Cypher expression (with the current parameters)."""
        with self.dbms.session(database=self.session.database, auth=self.auth) as session:
            return session.run(f"RETURN {expression} AS value", self.parameters).single()["value"]


def describe_error(error: Exception, piece: Piece | None, source: str) -> str:
    """`source:line:column: code: message`, positions made absolute within the script."""
    code = getattr(error, "code", None) or INVALID_ARGUMENTS  # the CLI's own refusals (`:use` without a name…)
    message = getattr(error, "message", None) or str(error)
    if piece is None:
        return f"{source}: {code}: {message}"
    line, column = piece.line, piece.column
    found = _POSITION.search(message) if isinstance(error, Neo4jError) else None
    if found is not None:
        inner_line, inner_column = int(found.group(1)), int(found.group(2))
        line = piece.line + inner_line - 1
        column = inner_column + (piece.column - 1 if inner_line == 1 else 0)
    return f"{source}:{line}:{column}: {code}: {message}"
