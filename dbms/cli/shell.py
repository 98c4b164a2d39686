"""`graphplex shell`: an interactive prompt in the manner of cypher-shell, on prompt_toolkit.

Input may span lines and runs when it ends with `;` (client commands starting with `:` run at once). History
persists in `~/.graphplex_history` (or `$GRAPHPLEX_HISTORY`); Tab completes keywords, labels, relationship types,
property keys and database names. Errors show their code and message, never a traceback."""
from __future__ import annotations

import os
import re
import sys

from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.history import FileHistory

from graphplex.databases.cypher.parser import redact_passwords
from graphplex.databases.errors import Neo4jError
from graphplex.cli.exits import outcome
from graphplex.cli.main import EXIT_OK, run_sources, open_dbms, parameters, start_runner
from graphplex.cli.output import Printer
from graphplex.cli.runner import Exit, Runner, describe_error
from graphplex.cli.script import is_complete, split_script

KEYWORDS = sorted({
    "MATCH", "OPTIONAL MATCH", "WHERE", "RETURN", "WITH", "UNWIND", "ORDER BY", "SKIP", "LIMIT", "DISTINCT", "CREATE",
    "MERGE", "ON CREATE SET", "ON MATCH SET", "SET", "REMOVE", "DELETE", "DETACH DELETE", "FOREACH", "UNION", "CALL",
    "YIELD", "IN TRANSACTIONS", "LOAD CSV", "WITH HEADERS", "FROM", "AS", "USE", "EXPLAIN", "PROFILE", "AND", "OR",
    "XOR", "NOT", "IS NULL", "IS NOT NULL", "STARTS WITH", "ENDS WITH", "CONTAINS", "CASE", "WHEN", "THEN", "ELSE",
    "END", "EXISTS", "COUNT", "CREATE INDEX", "CREATE CONSTRAINT", "DROP INDEX", "DROP CONSTRAINT", "SHOW INDEXES",
    "SHOW CONSTRAINTS", "SHOW DATABASES", "CREATE DATABASE", "DROP DATABASE", "START DATABASE", "STOP DATABASE",
    "SHOW TRANSACTIONS", "TERMINATE TRANSACTIONS", "SHOW USERS", "CREATE USER", "CREATE ROLE", "GRANT", "DENY",
    "REVOKE", "SHOW PRIVILEGES", "BEGIN", "COMMIT", "ROLLBACK", "STORAGE MODE", "SHOW STORAGE INFO",
    ":use", ":begin", ":commit", ":rollback", ":param", ":params", ":help", ":exit",
})


class CypherCompleter(Completer):
    """Completes the word before the cursor from keywords and the names in the current database."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.names: list[str] = []
        self.refresh()

    def refresh(self) -> None:
        names: set[str] = set()
        queries = ("CALL db.labels() YIELD label RETURN label", "CALL db.relationshipTypes() YIELD relationshipType",
                   "CALL db.propertyKeys() YIELD propertyKey", "SHOW DATABASES YIELD name RETURN name")
        for query in queries:
            try:
                with self.runner.dbms.session(database=self.runner.database, auth=self.runner.auth) as session:
                    names.update(str(value) for value in session.run(query).value())
            except Neo4jError:
                continue
        self.names = sorted(names)

    def get_completions(self, document, complete_event):
        before = document.text_before_cursor
        command = re.search(r"^\s*(:\w*)$", before)
        if command is not None:
            word = command.group(1)
            for candidate in KEYWORDS:
                if candidate.startswith(":") and candidate.startswith(word.lower()):
                    yield Completion(candidate, start_position=-len(word))
            return
        found = re.search(r"[A-Za-z_]\w*$", before)
        if found is None:
            return
        word = found.group(0)
        candidates = [k for k in KEYWORDS if not k.startswith(":") and k.startswith(word.upper())] + \
            [n for n in self.names if n.startswith(word)]
        for candidate in candidates:
            yield Completion(candidate, start_position=-len(word))


def _bindings():
    from prompt_toolkit.key_binding import KeyBindings
    bindings = KeyBindings()

    @bindings.add("enter")
    def _(event):
        buffer = event.current_buffer
        if is_complete(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")
    return bindings


class Shell:
    """The read-run-print loop; `input`/`output` let tests drive it through prompt_toolkit's pipes."""

    def __init__(self, runner: Runner, printer: Printer, err, history_path: str | None, input=None, output=None):
        self.runner = runner
        self.printer = printer
        self.err = err
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import InMemoryHistory
        self.completer = CypherCompleter(runner)
        history = PasswordlessHistory(history_path) if history_path and _writable(history_path) else InMemoryHistory()
        self.prompt = PromptSession(history=history, completer=self.completer, multiline=True,
                                    key_bindings=_bindings(), input=input, output=output,
                                    prompt_continuation=lambda width, line, soft: "...> ".rjust(width))

    def loop(self) -> int:
        self.printer.message("graphplex shell — statements end with `;`, `:help` lists commands, `:exit` leaves.")
        while True:
            try:
                text = self.prompt.prompt(self.prompt_text())
            except EOFError:
                return EXIT_OK
            except KeyboardInterrupt:
                continue
            try:
                for piece in split_script(text):
                    self.runner.run(piece)
            except Exit:
                return EXIT_OK
            except (Neo4jError, ValueError) as error:
                self.printer.error(describe_error(error, None, "error"), self.err)
            except Exception as error:  # reported, and the shell stays up
                self.printer.error(f"error: {outcome(error)[1]}", self.err)
            finally:
                self.printer.finish()
            self.completer.refresh()

    def prompt_text(self) -> str:
        """`neo4j> `, or `neo4j# ` while a transaction is open (as cypher-shell marks it)."""
        return f"{self.runner.database}{'#' if self.runner.in_transaction else '>'} "


class PasswordlessHistory(FileHistory):
    """The history file, with each password typed in a statement (`CREATE USER … SET PASSWORD '…'`) written as
    '******': the file outlives the session. This session's own recall keeps what was typed."""

    def store_string(self, string: str) -> None:
        super().store_string(redact_passwords(string))


def _writable(path: str) -> bool:
    """Whether the history file can be kept (an unwritable home keeps history for this run only)."""
    try:
        with open(path, "a", encoding="utf-8"):
            return True
    except OSError:
        return False


def history_file() -> str:
    return os.environ.get("GRAPHPLEX_HISTORY", os.path.expanduser("~/.graphplex_history"))


def command_shell(args, out, err, input=None, output=None) -> int:
    printer = Printer(out, args.format)
    with open_dbms(args, remote_allowed=True, import_dir=args.import_dir) as dbms:
        runner = start_runner(dbms, args, printer)
        try:
            runner.parameters.update(parameters(runner, args.param))
            if input is None and not sys.stdin.isatty():
                # Standard input that is not a terminal is read as a script (as cypher-shell does), without
                # prompt_toolkit, which would warn that it is not a terminal.
                try:
                    return run_sources(runner, [("-", None)], printer, err, continue_on_error=False)
                finally:
                    printer.finish()
            shell = Shell(runner, printer, err, history_file() if input is None else None, input, output)
            return shell.loop()
        finally:
            runner.close()
