"""`graphplex demo`: the main job of graphplex in a minute, in a temporary (or given) data directory."""
from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import textwrap
import time

from graphplex.databases.errors import Neo4jError
from graphplex.cli.main import EXIT_FAILED, EXIT_OK
from graphplex.cli.output import Printer

_CRASHING_WRITER = textwrap.dedent("""
    import sys
    from graphplex import DBMS
    dbms = DBMS.open(sys.argv[1])
    with dbms.session(database="shop") as session:
        for i in range(1_000_000):
            session.run("CREATE (:Order {n: $n})", n=i).consume()
            print(i, flush=True)
""")


def command_demo(args, out, err) -> int:
    printer = Printer(out, "table")
    if args.directory:
        return _demo(args.directory, printer)
    with tempfile.TemporaryDirectory(prefix="graphplex-demo-") as directory:
        return _demo(directory, printer)


def _step(printer: Printer, title: str) -> None:
    printer.message(f"\n[bold]== {title}[/bold]")


def _show(printer: Printer, session, query: str, **parameters) -> None:
    printer.message(f"[dim]{query}[/dim]")
    start = time.perf_counter()
    result = session.run(query, **parameters)
    keys = result.keys()
    records = [tuple(r.values()) for r in result]
    counters = {k: v for k, v in result.consume().counters.as_dict().items() if v}
    printer.result(keys, records, counters, time.perf_counter() - start)


def _refused(printer: Printer, action) -> None:
    try:
        action()
    except Neo4jError as error:
        printer.message(f"[red]refused:[/red] {error.code}\n  {error.message}")


def _demo(directory: str, printer: Printer) -> int:
    from graphplex import DBMS
    printer.message(f"graphplex demo in {directory}")
    with DBMS.open(directory) as dbms, dbms.session() as session:
        _step(printer, "Many named graphs in one process")
        for name in ("shop", "warehouse"):
            session.run(f"CREATE DATABASE {name} IF NOT EXISTS").consume()
        session.run("USE shop UNWIND ['tea', 'cake'] AS p MERGE (:Product {name: p})").consume()
        session.run("USE warehouse UNWIND [['tea', 12], ['cake', 0]] AS s MERGE (:Stock {product: s[0], units: s[1]})"
                    ).consume()
        _show(printer, session, "SHOW DATABASES YIELD name, currentStatus")

        _step(printer, "One DBMS transaction reads two databases and writes a third")
        with session.begin_transaction() as tx:
            products = tx.run("USE shop MATCH (p:Product) RETURN collect(p.name) AS names").single()["names"]
            empty = tx.run("USE warehouse MATCH (s:Stock {units: 0}) RETURN collect(s.product) AS names"
                           ).single()["names"]
            tx.run("CREATE (:Report {products: $p, out_of_stock: $e})", p=products, e=empty).consume()
        _show(printer, session, "MATCH (r:Report) RETURN r.products, r.out_of_stock")

        _step(printer, "Only one database may be written per transaction")
        tx = session.begin_transaction()
        tx.run("USE shop CREATE (:Product {name: 'jam'})").consume()
        _refused(printer, lambda: tx.run("USE warehouse CREATE (:Stock {product: 'jam'})").consume())
        tx.rollback()

        _step(printer, "Graph and schema work never mix in one transaction")
        tx = session.begin_transaction()
        tx.run("USE shop CREATE (:Product {name: 'jam'})").consume()
        _refused(printer, lambda: tx.run("USE shop CREATE INDEX FOR (p:Product) ON (p.name)").consume())
        tx.rollback()

        _step(printer, "SHOW and TERMINATE TRANSACTIONS from another session")
        with dbms.session(database="shop") as other:
            busy = other.begin_transaction(metadata={"app": "demo"})
            busy.run("MATCH (p:Product) RETURN count(p)").consume()
            _show(printer, session, "SHOW TRANSACTIONS YIELD transactionId, database, metaData, currentQuery "
                                    "WHERE database = 'shop'")
            ids = session.run("SHOW TRANSACTIONS YIELD transactionId, database WHERE database = 'shop' "
                              "RETURN transactionId").value()
            _show(printer, session, "TERMINATE TRANSACTIONS $ids", ids=ids)
            _refused(printer, lambda: busy.run("MATCH (p:Product) RETURN p").consume())
            busy.rollback()

    _step(printer, "A crash loses no committed transaction")
    acknowledged = _crash_a_writer(directory)
    printer.message(f"a writer acknowledged {acknowledged} commits (it prints each number once its commit has "
                    "returned) and was then killed with SIGKILL")
    with DBMS.open(directory) as dbms, dbms.session(database="shop") as session:
        recovered = session.run("MATCH (o:Order) RETURN count(o) AS recovered").single()[0]
        _show(printer, session, "MATCH (o:Order) RETURN count(o) AS recovered")
    printer.message(f"acknowledged {acknowledged}, recovered {recovered}: recovery replays every commit that "
                    "reached the log. One more may be recovered than was acknowledged (committed, but killed "
                    "before it could say so); never fewer.")
    if recovered < acknowledged:
        printer.message("[red]An acknowledged commit was lost.[/red]")
        return EXIT_FAILED
    printer.message("\nEvery acknowledged commit was recovered. See `graphplex shell --data-dir DIR` to explore.")
    return EXIT_OK


def _crash_a_writer(directory: str, commits: int = 200) -> int:
    """Starts a writer, kills it with SIGKILL once it has acknowledged `commits` commits (not after a fixed time,
    which a slow machine might spend starting up), and returns how many it acknowledged in all."""
    writer = subprocess.Popen([sys.executable, "-c", _CRASHING_WRITER, directory], stdout=subprocess.PIPE,
                              text=True)
    acknowledged = 0
    for _ in writer.stdout:
        acknowledged += 1
        if acknowledged >= commits:
            break
    writer.send_signal(signal.SIGKILL)
    return acknowledged + len(writer.communicate()[0].split())
