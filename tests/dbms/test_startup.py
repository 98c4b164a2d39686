"""Start-up in milliseconds (issue 12): answering `RETURN 1` from a fresh process loads nothing heavy that the
answer does not need, and opening a DBMS parses no Cypher."""
import json
import subprocess
import sys

HEAVY = ("networkx", "rich", "prompt_toolkit", "neo4j", "numpy", "usearch", "tantivy", "tomllib", "sqlite3")
# Only a database with files needs these: the log, snapshots and the on-disk store.
ON_DISK = ("graphplex.databases.durability", "graphplex.databases.storage.disk.storage",
           "graphplex.databases.storage.disk.store",
           # and only a search index needs its engine: the Lucene parser, the analyzers, the vector engine
           "graphplex.databases.search.")

PROBE = """
import json, sys
from graphplex import DBMS
from graphplex.databases.cypher import parser
dbms = DBMS.in_memory()
parsed_at_open = bool(parser._PARSER)
answer = dbms.session().run("RETURN 1 AS x").single()["x"]
print(json.dumps({"answer": answer, "parsed_at_open": parsed_at_open,
                  "loaded": sorted(m for m in sys.modules if m.split(".")[0] in %r or m.startswith(%r))}))
""" % (HEAVY, ON_DISK)


def test_return_1_in_a_fresh_process_imports_nothing_heavy_or_on_disk():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert outcome["answer"] == 1
    assert outcome["loaded"] == []


def test_opening_a_dbms_parses_no_cypher():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["parsed_at_open"] is False
