"""The `graphplex` command: an interactive shell, Cypher scripts, a demo, bulk import, dump and load.

Exit codes: see `graphplex.cli.exits.ExitCode` (0 success; 1 a statement or command failed; 2 bad usage; 3 the
DBMS, server or database could not be opened or reached, or the credentials were refused)."""
from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from typing import Iterator

from graphplex.databases.errors import Neo4jError
from graphplex.cli.exits import ExitCode, Unavailable, outcome, unavailable
from graphplex.cli.output import FORMATS, Printer
from graphplex.cli.runner import Exit, Runner, describe_error
from graphplex.cli.script import split_script

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNAVAILABLE = (ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE,
                                                      ExitCode.UNAVAILABLE)

EXAMPLES = {
    "shell": "examples:\n  graphplex shell --data-dir ./data\n  graphplex shell --in-memory --database neo4j",
    "run": "examples:\n  graphplex run --data-dir ./data setup.cypher seed.cypher\n"
           "  echo 'CREATE DATABASE shop;' | graphplex run --data-dir ./data -\n"
           "  graphplex run --in-memory --param limit=10 --format json report.cypher",
    "demo": "examples:\n  graphplex demo\n  graphplex demo ./demo-data",
    "import": "examples:\n  graphplex import --data-dir ./data --database movies --nodes people.csv "
              "--relationships acted_in.csv",
    "dump": "examples:\n  graphplex dump --data-dir ./data neo4j neo4j.dump\n"
            "  graphplex dump --data-dir ./data --format neo4j-admin neo4j ./neo4j-csv\n"
            "  graphplex dump --data-dir ./data --format cypher neo4j neo4j.cypher\n"
            "  graphplex dump --data-dir ./data --format cypher --dialect memgraph neo4j memgraph.cypher",
    "load": "examples:\n  graphplex load --data-dir ./data copy neo4j.dump",
    "serve": "examples:\n  graphplex serve --data-dir ./data --initial-password secret\n"
             "  graphplex serve --in-memory --listen 127.0.0.1:0 --no-auth\n"
             "  graphplex serve --data-dir ./data --http 0.0.0.0:7474   # console at http://HOST:7474/browser/",
}


DUMP_FORMATS = ("graphplex", "neo4j-admin", "cypher")


def _common(formats: tuple[str, ...] = FORMATS, default: str = "table",
            described: str = "how results are printed") -> argparse.ArgumentParser:
    """The options every command takes; `dump`'s `--format` names the dump's format instead of the output's."""
    common = argparse.ArgumentParser(add_help=False)
    where = common.add_mutually_exclusive_group()
    where.add_argument("--data-dir", metavar="DIR", help="the DBMS's data directory (created if new)")
    where.add_argument("--in-memory", action="store_true", help="a DBMS that touches no disk (the default)")
    where.add_argument("--uri", metavar="bolt://HOST:PORT",
                       help="a Bolt server instead of a local DBMS (shell and run only)")
    common.add_argument("--database", "-d", metavar="NAME", help="the database to use (default: the user's home)")
    common.add_argument("--user", "-u", help="log in as this user (turns authentication on)")
    common.add_argument("--password", "-p", help="the user's password")
    common.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="a parameter; VALUE is a Cypher expression (else taken as a string); repeatable")
    common.add_argument("--format", choices=formats, default=default, help=described)
    return common


def parser() -> argparse.ArgumentParser:
    common = _common()
    dumping = _common(DUMP_FORMATS, "graphplex", "graphplex (for graphplex load, the default), neo4j-admin (CSV "
                                                 "files for `neo4j-admin database import`), cypher (a script for "
                                                 "cypher-shell)")
    top = argparse.ArgumentParser(prog="graphplex", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[dumping if name == "dump" else common], help=help_text,
                                   description=help_text,
                                   epilog=EXAMPLES[name], formatter_class=argparse.RawDescriptionHelpFormatter)
    shell = add("shell", "an interactive Cypher prompt (statements end with `;`, `:help` lists the commands)")
    run = add("run", "run Cypher scripts (statements separated by `;`); FILE `-` reads standard input")
    run.add_argument("files", nargs="+", metavar="FILE")
    run.add_argument("--continue-on-error", action="store_true", help="report failures and go on")
    demo = add("demo", "a one-minute tour: several databases, a DBMS transaction, its rules, SHOW/TERMINATE "
                       "TRANSACTIONS, a crash-safe reopen")
    demo.add_argument("directory", nargs="?", help="data directory for the demo (default: a temporary one)")
    bulk = add("import", "bulk import of CSV files (neo4j-admin header format) into a new database")
    bulk.add_argument("--nodes", action="append", default=[], metavar="[LABEL=]FILE", help="a node file; repeatable")
    bulk.add_argument("--relationships", action="append", default=[], metavar="[TYPE=]FILE",
                      help="a relationship file; repeatable")
    bulk.add_argument("--delimiter", default=",", help="the field delimiter (default ,)")
    bulk.add_argument("--array-delimiter", default=";", help="what separates an array's items and a row's labels "
                                                             "(default ;)")
    bulk.add_argument("--storage-mode", choices=["IN_MEMORY_TRANSACTIONAL", "ON_DISK_TRANSACTIONAL"],
                      help="the new database's storage mode (default: the DBMS's)")
    dump = add("dump", "write a consistent copy of a database to a file (graphplex's format), to neo4j-admin "
                       "import CSV files, or to a Cypher script")
    dump.add_argument("source", metavar="DB")
    dump.add_argument("file", metavar="FILE", help="the dump file; a new folder for neo4j-admin; - for standard "
                                                   "output with cypher")
    dump.add_argument("--dialect", choices=["neo4j", "memgraph"], default="neo4j",
                      help="with --format cypher: statements for Neo4j 5 (cypher-shell) or Memgraph (mgconsole)")
    load = add("load", "create a database from a dump file")
    load.add_argument("target", metavar="DB")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--overwrite", action="store_true", help="replace the database if it exists")
    serve = add("serve", "a Bolt server, for the official Neo4j drivers and Memgraph's clients, and an HTTP server "
                         "with Neo4j's Query API and the web console")
    serve.add_argument("--listen", default="127.0.0.1:7687", metavar="HOST:PORT",
                       help="where to listen (default 127.0.0.1:7687; port 0 picks a free one)")
    serve.add_argument("--http", metavar="HOST:PORT",
                       help="where the HTTP server (Query API, console at /browser/) listens (default: the --listen "
                            "host, port 7474, or a free port when --listen's is 0)")
    serve.add_argument("--no-http", action="store_true", help="no HTTP server: Bolt only")
    serve.add_argument("--initial-password", help="the password of the administrator neo4j on first start")
    serve.add_argument("--no-auth", action="store_true", help="accept every client without credentials")
    serve.add_argument("--agent", default="Neo4j/5.26.0", help="the server agent sent to clients")
    serve.add_argument("--max-connections", type=int, default=256)
    serve.add_argument("--handshake-timeout", type=float, metavar="SECONDS",
                       help="to finish the Bolt handshake after connecting (default: setting bolt_handshake_timeout)")
    serve.add_argument("--auth-timeout", type=float, metavar="SECONDS",
                       help="to log in after connecting (default: setting bolt_auth_timeout)")
    serve.add_argument("--idle-timeout", type=float, metavar="SECONDS",
                       help="a logged-in connection may wait for its next message; 0: no limit (default: setting "
                            "bolt_idle_timeout)")
    serve.add_argument("--query-modules-directory", metavar="DIR",
                       help="a folder of Python query modules loaded at start and on CALL mg.load_all() "
                            "(default: setting query_modules_directory)")
    serve.add_argument("--client-dialect", choices=["auto", "neo4j", "memgraph"],
                       help="the dialect of Bolt connections: auto tells Memgraph's clients by their user agent "
                            "(default: setting client_dialect)")
    for command in (shell, run, serve):
        command.add_argument("--import-dir", metavar="DIR",
                             help="where LOAD CSV reads file:/// URLs (default: DATA_DIR/import; none in memory)")
    return top


@contextmanager
def open_dbms(args, remote_allowed: bool = False, **settings) -> Iterator:
    if getattr(args, "uri", None):
        if not remote_allowed:
            raise ValueError(f"graphplex {args.command} works on a local DBMS: use --data-dir, not --uri")
        from graphplex.cli.remote import RemoteDBMS
        remote = RemoteDBMS(args.uri, credentials(args))  # raises Unavailable
        try:
            yield remote
        finally:
            remote.close()
        return
    from graphplex import DBMS
    settings = {key: value for key, value in settings.items() if value is not None}
    if args.user is not None:
        settings["auth_enabled"] = True
    try:
        dbms = DBMS.open(args.data_dir, **settings) if args.data_dir else DBMS.in_memory(**settings)
    except Neo4jError as error:
        raise Unavailable(error) from None
    except OSError as error:
        raise unavailable(f"Cannot use the data directory {args.data_dir}: {error.strerror or error} (choose "
                          "another --data-dir)") from None
    try:
        yield dbms
    finally:
        dbms.close()


def start_runner(dbms, args, printer: Printer) -> Runner:
    """The runner of `run` and `shell`, its database checked at once (an unknown `--database` is refused before
    anything runs)."""
    try:
        runner = Runner(dbms, args.database, credentials(args), printer)
    except Neo4jError as error:
        raise Unavailable(error) from None
    try:
        if args.database:
            runner.verify(runner.session, args.database)
    except Neo4jError as error:
        runner.close()
        raise Unavailable(error) from None
    return runner


def credentials(args):
    return (args.user, args.password or "") if args.user is not None else None


def parameters(runner: Runner, pairs: list[str]) -> dict:
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--param needs KEY=VALUE, got {pair!r}")
        try:
            values[key] = runner.evaluate(value)
        except Neo4jError:
            values[key] = value
    return values


def command_run(args, out, err) -> int:
    printer = Printer(out, args.format, summary=args.format == "table")
    sources = [(name, None if name == "-" else _read(name)) for name in args.files]  # a missing file: usage
    with open_dbms(args, remote_allowed=True, import_dir=args.import_dir) as dbms:
        runner = start_runner(dbms, args, printer)
        try:
            runner.parameters.update(parameters(runner, args.param))
            return run_sources(runner, sources, printer, err, args.continue_on_error)
        finally:
            printer.finish()
            runner.close()


def run_sources(runner: Runner, sources: list, printer: Printer, err, continue_on_error: bool) -> int:
    """Runs the scripts in order; the first failure stops them unless `continue_on_error`. A script that ends
    inside `:begin` fails: its transaction is rolled back, not silently dropped."""
    failed = False
    label, last = "<stdin>", None
    for name, source in sources:
        label = "<stdin>" if name == "-" else name
        for piece in split_script(sys.stdin.read() if source is None else source):
            last = piece
            try:
                runner.run(piece)
            except Exit:
                return EXIT_FAILED if failed else EXIT_OK
            except (Neo4jError, ValueError) as error:
                failed = True
                printer.error(describe_error(error, piece, label), err)
                if not continue_on_error:
                    return EXIT_FAILED
    if runner.in_transaction:
        printer.error(f"{label}:{last.line if last else 1}:{last.column if last else 1}: "
                      "Neo.ClientError.Transaction.TransactionNotFound: the script ended inside a transaction "
                      "(:begin without :commit); it was rolled back. End it with :commit or :rollback.", err)
        return EXIT_FAILED
    return EXIT_FAILED if failed else EXIT_OK


def _read(name: str) -> str:
    with open(name, encoding="utf-8") as file:
        return file.read()


_HANDLERS = {"shell": ("shell", "command_shell"), "demo": ("demo", "command_demo"),
             "import": ("bulk", "command_import"), "dump": ("bulk", "command_dump"),
             "load": ("bulk", "command_load"), "serve": ("serve", "command_serve")}


def _handler(command: str):
    """The function of a subcommand, its module imported only when asked for (the shell's prompt_toolkit, the
    bulk loader's progress bars and the server cost start-up time the others need not pay)."""
    if command == "run":
        return command_run
    from importlib import import_module
    module, function = _HANDLERS[command]
    return getattr(import_module(f"graphplex.cli.{module}"), function)


def main(argv: list[str] | None = None, out=None, err=None) -> int:
    """Runs one subcommand; every error ends as a status of `ExitCode` and one line on `err`."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = parser().parse_args(argv)
    try:
        if args.uri and args.command not in ("run", "shell"):
            raise ValueError(f"graphplex {args.command} works on a local DBMS: use --data-dir, not --uri")
        return int(_handler(args.command)(args, out, err))
    except (Exception, KeyboardInterrupt) as error:  # a report, never a traceback
        status, line = outcome(error)
        if status != ExitCode.INTERRUPTED:
            err.write(f"graphplex: {line}\n")
        return int(status)


if __name__ == "__main__":
    sys.exit(main())
