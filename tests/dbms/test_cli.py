"""The `graphplex` command: run, shell, demo, import, dump and load."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from graphplex import DBMS
from graphplex.cli.main import main


def cli(*argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def script(tmp_path, text: str, name: str = "script.cypher") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


SETUP = """
CREATE DATABASE shop IF NOT EXISTS;
:use shop
CREATE (:Product {name: 'tea; green', price: 3}), (:Product {name: "cake", price: 5});
CREATE INDEX product_name FOR (p:Product) ON (p.name);
"""


def test_run_scripts_administration_into_a_data_directory(tmp_path):
    data = str(tmp_path / "data")
    code, out, err = cli("run", "--data-dir", data, script(tmp_path, SETUP))
    assert (code, err) == (0, "")
    assert "2 nodes created" in out
    with DBMS.open(data) as dbms, dbms.session(database="shop") as session:
        assert sorted(session.run("MATCH (p:Product) RETURN p.name").value()) == ["cake", "tea; green"]
        assert session.run("SHOW INDEXES YIELD name WHERE name = 'product_name'").value() == ["product_name"]


@pytest.mark.parametrize("format, expected", [
    ("json", '"rows": [{"name": "cake", "price": 5}, {"name": "tea; green", "price": 3}], "counters": {}}]}\n'),
    ("jsonl", '{"name": "cake", "price": 5}\n{"name": "tea; green", "price": 3}\n'),
    ("csv", "name,price\ncake,5\ntea; green,3\n"),
])
def test_output_formats(tmp_path, format, expected):
    path = script(tmp_path, SETUP + "MATCH (p:Product) RETURN p.name AS name, p.price AS price ORDER BY name;\n")
    code, out, _ = cli("run", "--in-memory", "--format", format, path)
    assert code == 0
    assert out.endswith(expected)


def test_tables_show_rows_and_counters(tmp_path):
    code, out, _ = cli("run", "--in-memory", script(tmp_path, "CREATE (n:A {x: 1}) RETURN n;"))
    assert code == 0
    assert "(:A {x: 1})" in out and "1 row; 1 nodes created" in out


def test_the_first_error_stops_with_its_place_code_and_status(tmp_path):
    path = script(tmp_path, "CREATE (:A);\nMATCH (n)\nRETRUN n;\nCREATE (:B);\n")
    code, out, err = cli("run", "--in-memory", path)
    assert code == 1
    assert err.startswith(f"{path}:3:1: Neo.ClientError.Statement.SyntaxError: Invalid input 'RETRUN'")
    assert "Traceback" not in err
    code, out, err = cli("run", "--in-memory", "--continue-on-error", "--format", "jsonl",
                         path, script(tmp_path, "MATCH (n) RETURN count(n) AS c;", "count.cypher"))
    assert code == 1 and out.strip().endswith('{"c": 2}')


def test_transactions_and_parameters_in_scripts(tmp_path):
    text = """
    :param limit => 1 + 1
    BEGIN;
    CREATE (:Kept);
    COMMIT;
    :begin
    CREATE (:Dropped);
    :rollback
    UNWIND range(1, 5) AS i RETURN i LIMIT $limit;
    RETURN $name AS name;
    """
    code, out, err = cli("run", "--in-memory", "--format", "jsonl", "--param", "name='Ann'", script(tmp_path, text))
    assert (code, err) == (0, "")
    assert out.splitlines()[-3:] == ['{"i": 1}', '{"i": 2}', '{"name": "Ann"}']


def test_standard_input(tmp_path, monkeypatch):
    code, out, _ = cli("run", "--in-memory", "--format", "jsonl", "-", stdin="RETURN 40 + 2 AS answer;",
                       monkeypatch=monkeypatch)
    assert (code, out) == (0, '{"answer": 42}\n')


def test_authentication_through_the_command_line(tmp_path):
    data = str(tmp_path / "data")
    DBMS.open(data, auth_enabled=True, initial_password="pw").close()
    code, out, _ = cli("run", "--data-dir", data, "--user", "neo4j", "--password", "pw", "--format", "jsonl",
                       script(tmp_path, "SHOW CURRENT USER YIELD user;"))
    assert (code, out) == (0, '{"user": "neo4j"}\n')
    code, _, err = cli("run", "--data-dir", data, "--user", "neo4j", "--password", "bad",
                       script(tmp_path, "RETURN 1;"))
    assert code == 3 and "Neo.ClientError.Security.Unauthorized" in err


def test_usage_errors_and_help(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["run", "--help"])
    assert caught.value.code == 0
    assert "examples:" in capsys.readouterr().out
    with pytest.raises(SystemExit) as caught:
        main(["nosuch"])
    assert caught.value.code == 2


def test_the_console_script_is_installed(tmp_path):
    path = script(tmp_path, "RETURN 'installed' AS state;")
    console_script = Path(sys.executable).parent / "graphplex"  # this environment's, whatever PATH says
    output = subprocess.run([str(console_script), "run", "--in-memory", "--format", "csv", path], capture_output=True,
                            text=True, timeout=120)
    assert output.returncode == 0 and output.stdout == "state\ninstalled\n"


def test_the_shell_through_prompt_toolkit_input(tmp_path):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from graphplex.cli.main import parser
    from graphplex.cli.shell import command_shell
    args = parser().parse_args(["shell", "--in-memory"])
    out, err = io.StringIO(), io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("CREATE (:A {x: 1}),\n(:A {x: 2});\r")
        pipe.send_text("MATCH (a:A) RETURN sum(a.x) AS total;\r")
        pipe.send_text("RETRUN 1;\r")
        pipe.send_text(":exit\r")
        code = command_shell(args, out, err, input=pipe, output=DummyOutput())
    assert code == 0
    assert "2 nodes created" in out.getvalue()
    assert "total" in out.getvalue() and "3" in out.getvalue()
    assert "Neo.ClientError.Statement.SyntaxError" in err.getvalue() and "Traceback" not in err.getvalue()


def test_completion_knows_the_graph(tmp_path):
    from prompt_toolkit.document import Document

    from graphplex.cli.output import Printer
    from graphplex.cli.runner import Runner
    from graphplex.cli.shell import CypherCompleter
    with DBMS.in_memory() as dbms:
        with dbms.session() as session:
            session.run("CREATE (:Customer {loyalty: 1})-[:BOUGHT]->(:Item)").consume()
        runner = Runner(dbms, None, None, Printer(io.StringIO()))
        completer = CypherCompleter(runner)
        words = [c.text for c in completer.get_completions(Document("MATCH (c:Cu"), None)]
        assert "Customer" in words
        words = [c.text for c in completer.get_completions(Document("MAT"), None)]
        assert "MATCH" in words
        words = [c.text for c in completer.get_completions(Document("RETURN c.loy"), None)]
        assert "loyalty" in words
        runner.close()


def test_demo_runs_end_to_end(tmp_path):
    code, out, err = cli("demo", str(tmp_path / "demo"))
    assert (code, err) == (0, "")
    for expected in ("Writing to more than one database per transaction is not allowed",
                     "Neo.ClientError.Transaction.ForbiddenDueToTransactionType", "Transaction terminated.",
                     "Every acknowledged commit was recovered"):
        assert expected in out


def test_import_in_the_neo4j_admin_format(tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("personId:ID(Person),name,born:int,tags:string[],:LABEL\n"
                      "p1,Ann,1970,a;b,Actor\np2,Bob,,c,Actor;Director\n")
    movies = tmp_path / "movies.csv"
    movies.write_text("movieId:ID(Movie),title,released:date\nm1,Heat,1995-12-15\n")
    roles = tmp_path / "roles.csv"
    roles.write_text(":START_ID(Person),role,:END_ID(Movie),:TYPE\np1,Neil,m1,ACTED_IN\np2,,m1,DIRECTED\n")
    data = str(tmp_path / "data")
    code, out, err = cli("import", "--data-dir", data, "--database", "movies", "--nodes", f"Person={people}",
                         "--nodes", f"Movie={movies}", "--relationships", str(roles))
    assert (code, err) == (0, "")
    assert "3 nodes, 2 relationships" in out
    with DBMS.open(data) as dbms, dbms.session(database="movies") as session:
        row = session.run("MATCH (p:Person {name: 'Ann'})-[r:ACTED_IN]->(m:Movie) "
                          "RETURN p.born, p.tags, labels(p), r.role, toString(m.released)").values()
        assert row == [[1970, ["a", "b"], ["Actor", "Person"], "Neil", "1995-12-15"]]
        assert session.run("MATCH (p {name: 'Bob'}) RETURN p.born, labels(p)").values() == \
            [[None, ["Actor", "Director", "Person"]]]
        info = dict(session.run("SHOW STORAGE INFO ON CURRENT DATABASE").values())
        assert info["storage_mode"] == "IN_MEMORY_TRANSACTIONAL", "the import's analytical mode was left"


def test_import_into_an_on_disk_database(tmp_path):
    (tmp_path / "n.csv").write_text("id:ID,name\n1,a\n2,b\n")
    (tmp_path / "r.csv").write_text(":START_ID,:END_ID,w:float\n1,2,0.5\n")
    data = str(tmp_path / "data")
    code, out, err = cli("import", "--data-dir", data, "--database", "disk", "--storage-mode",
                         "ON_DISK_TRANSACTIONAL", "--nodes", f"N={tmp_path / 'n.csv'}",
                         "--relationships", f"R={tmp_path / 'r.csv'}")
    assert (code, err) == (0, "")
    with DBMS.open(data) as dbms, dbms.session(database="disk") as session:
        assert session.run("MATCH (a {name: 'a'})-[r:R]->(b) RETURN r.w, b.name").values() == [[0.5, "b"]]
        assert dict(session.run("SHOW STORAGE INFO ON CURRENT DATABASE").values())["storage_mode"] == \
            "ON_DISK_TRANSACTIONAL"


def test_import_of_many_rows_with_progress(tmp_path):
    nodes = tmp_path / "n.csv"
    nodes.write_text("id:ID,v:int\n" + "".join(f"{i},{i}\n" for i in range(25_000)))
    rels = tmp_path / "r.csv"
    rels.write_text(":START_ID,:END_ID\n" + "".join(f"{i},{(i * 7) % 25_000}\n" for i in range(25_000)))
    code, out, err = cli("import", "--data-dir", str(tmp_path / "data"), "--database", "many", "--nodes", f"N={nodes}",
                         "--relationships", f"NEXT={rels}")
    assert (code, err) == (0, "")
    assert "25000 nodes, 25000 relationships, 50000 properties" in out  # the named id column is a property


def test_import_refuses_unknown_ids(tmp_path):
    (tmp_path / "n.csv").write_text("id:ID\n1\n")
    (tmp_path / "r.csv").write_text(":START_ID,:END_ID,:TYPE\n1,2,R\n")
    code, _, err = cli("import", "--data-dir", str(tmp_path / "data"), "--database", "bad",
                       "--nodes", str(tmp_path / "n.csv"), "--relationships", str(tmp_path / "r.csv"))
    assert code == 1 and "r.csv:2: no node with id '2'" in err


def test_a_failed_import_leaves_no_database(tmp_path):
    (tmp_path / "n.csv").write_text("id:ID,age:int\n1,30\n2,thirty\n")
    data = str(tmp_path / "data")
    code, _, err = cli("import", "--data-dir", data, "--database", "half", "--nodes", str(tmp_path / "n.csv"))
    assert code == 1 and "n.csv:3: column age: invalid literal for int()" in err
    with DBMS.open(data) as dbms:
        assert "half" not in dbms.database_names()


def test_dump_and_load_round_trip(tmp_path):
    data = str(tmp_path / "data")
    with DBMS.open(data) as dbms, dbms.session() as session:
        session.run("CREATE CONSTRAINT person_id FOR (p:Person) REQUIRE p.id IS UNIQUE").consume()
        session.run("UNWIND range(1, 25000) AS i CREATE (:Person {id: i, at: date('2020-01-01')})").consume()
        session.run("MATCH (a:Person {id: 1}), (b:Person {id: 2}) CREATE (a)-[:KNOWS {w: 0.5}]->(b)").consume()
    dump = str(tmp_path / "neo4j.dump")
    code, out, err = cli("dump", "--data-dir", data, "neo4j", dump)
    assert (code, err) == (0, "") and "25000 nodes, 1 relationships" in out
    code, out, err = cli("load", "--data-dir", data, "copy", dump)
    assert (code, err) == (0, "")
    with DBMS.open(data) as dbms, dbms.session(database="copy") as session:
        assert session.run("MATCH (p:Person) RETURN count(p)").single()[0] == 25000
        assert session.run("MATCH (:Person {id: 1})-[k:KNOWS]->(b) RETURN k.w, b.id").values() == [[0.5, 2]]
        assert session.run("SHOW CONSTRAINTS YIELD name").value() == ["person_id"]
    code, _, err = cli("load", "--data-dir", data, "copy", dump)
    assert code == 1 and "--overwrite" in err
    damaged = tmp_path / "damaged.dump"
    raw = bytearray(open(dump, "rb").read())
    raw[len(raw) // 2] ^= 0xFF
    damaged.write_bytes(bytes(raw))
    code, _, err = cli("load", "--data-dir", data, "other", str(damaged))
    assert code == 1 and "is damaged" in err
    assert json.loads(json.dumps({"ok": True}))["ok"]
