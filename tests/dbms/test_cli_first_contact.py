"""First contact with the `graphplex` command (issue 12): what a new user runs into first, driven as a user
does — `main()` in process, or the console script in a subprocess. No traceback reaches the user; every error
carries a `Neo.*` code and the exit status of docs/cli.md."""
from __future__ import annotations

import io
import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from graphplex import DBMS
from graphplex.cli.exits import ExitCode
from graphplex.cli.main import main
from graphplex.errors import ClientError

CONSOLE_SCRIPT = str(Path(sys.executable).parent / "graphplex")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


def script(tmp_path, text: str, name: str = "script.cypher") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def shell(argv: list[str], lines: list[str]) -> tuple[int, str, str]:
    """The interactive shell fed through prompt_toolkit's pipe, as typed at a terminal."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from graphplex.cli.main import parser
    from graphplex.cli.shell import command_shell
    args = parser().parse_args(["shell", *argv])
    out, err = io.StringIO(), io.StringIO()
    with create_pipe_input() as pipe:
        for line in lines:
            pipe.send_text(line + "\r")
        code = command_shell(args, out, err, input=pipe, output=DummyOutput())
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


# --- 1. `:use system` ------------------------------------------------------------------------------------------

def test_use_system_in_a_script_runs_administration_there(tmp_path):
    code, out, err = cli("run", "--in-memory", "--format", "jsonl",
                         script(tmp_path, ":use system\nSHOW DATABASES YIELD name;\n:use neo4j\nRETURN 1 AS one;\n"))
    assert (code, err) == (0, "")
    assert out.splitlines() == ['{"name": "neo4j"}', '{"name": "system"}', '{"one": 1}']


def test_use_system_in_the_shell():
    code, out, err = shell(["--in-memory"], [":use system", "SHOW DATABASES YIELD name;", ":exit"])
    assert (code, err) == (0, "")
    assert "system" in out


def test_use_of_an_unknown_database_is_refused_with_its_code(tmp_path):
    code, _, err = cli("run", "--in-memory", script(tmp_path, ":use nosuch\n"))
    assert code == ExitCode.FAILED and "Neo.ClientError.Database.DatabaseNotFound" in err


# --- 2. exit codes ---------------------------------------------------------------------------------------------

def test_the_exit_codes_in_the_docs_are_the_table_in_the_code():
    documented = dict(re.findall(r"^\| `(\d+)` \| (.+?) \|$", DOCS.read_text(), re.MULTILINE))
    assert {int(code) for code in documented} == {int(status) for status in ExitCode}


def test_bad_import_data_is_a_failed_command(tmp_path):
    (tmp_path / "n.csv").write_text("id:ID,age:int\n1,thirty\n")
    code, _, err = cli("import", "--data-dir", str(tmp_path / "data"), "--database", "bad",
                       "--nodes", str(tmp_path / "n.csv"))
    assert code == ExitCode.FAILED and "n.csv:2: column age" in err


def test_a_missing_input_file_is_bad_usage(tmp_path):
    code, _, err = cli("load", "--data-dir", str(tmp_path / "data"), "copy", str(tmp_path / "nosuch.dump"))
    assert code == ExitCode.USAGE
    assert "Neo.ClientError.General.InvalidArguments" in err and "nosuch.dump: no such file" in err
    code, _, err = cli("run", "--in-memory", str(tmp_path / "nosuch.cypher"))
    assert code == ExitCode.USAGE and "nosuch.cypher: no such file" in err


def test_an_unknown_database_is_refused_before_anything_runs(tmp_path):
    data = str(tmp_path / "data")
    code, out, err = cli("run", "--data-dir", data, "-d", "nosuch", script(tmp_path, "CREATE (:A);"))
    assert code == ExitCode.UNAVAILABLE and "Neo.ClientError.Database.DatabaseNotFound" in err
    done = subprocess.run([CONSOLE_SCRIPT, "shell", "--data-dir", data, "-d", "nosuch"], input="CREATE (:A);\n",
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == ExitCode.UNAVAILABLE and "DatabaseNotFound" in done.stderr


def test_a_refused_connection_names_the_server(tmp_path):
    pytest.importorskip("neo4j")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there
    code, _, err = cli("run", "--uri", f"bolt://127.0.0.1:{port}", script(tmp_path, "RETURN 1;"))
    assert code == ExitCode.UNAVAILABLE
    assert "Neo.TransientError.General.DatabaseUnavailable" in err and f"127.0.0.1:{port}" in err
    code, _, err = cli("run", "--uri", f"http://127.0.0.1:{port}", script(tmp_path, "RETURN 1;"))
    assert code == ExitCode.USAGE and "use bolt://HOST:PORT" in err


# --- 3. no raw Python exception ----------------------------------------------------------------------------------

def test_a_data_directory_that_is_a_file_or_under_one(tmp_path):
    (tmp_path / "afile").write_text("x")
    for data in (tmp_path / "afile", tmp_path / "afile" / "sub"):
        code, _, err = cli("run", "--data-dir", str(data), script(tmp_path, "RETURN 1;"))
        assert code == ExitCode.UNAVAILABLE
        assert "Neo.ClientError.General.InvalidArguments" in err and "choose another" in err.lower()


def test_an_unrelated_folder_is_not_a_data_directory(tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    code, _, err = cli("run", "--data-dir", str(folder), script(tmp_path, "RETURN 1;"))
    assert code == ExitCode.UNAVAILABLE and "thesis.txt" in err and "no graphplex data" in err
    with pytest.raises(ClientError) as refused:
        DBMS.open(folder)
    assert refused.value.code == "Neo.ClientError.General.InvalidArguments"
    assert sorted(p.name for p in folder.iterdir()) == ["thesis.txt"], "nothing written among the user's files"


def test_empty_prepared_and_existing_data_directories_open(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    DBMS.open(empty).close()
    DBMS.open(empty).close()  # now holds graphplex data
    prepared = tmp_path / "prepared"
    (prepared / "import").mkdir(parents=True)
    (prepared / "graphplex.toml").write_text("")
    DBMS.open(prepared).close()


def test_import_input_that_is_a_directory(tmp_path):
    data = str(tmp_path / "data")
    code, _, err = cli("import", "--data-dir", data, "--database", "movies", "--nodes", str(tmp_path))
    assert code == ExitCode.USAGE and "is a directory" in err
    with DBMS.open(data) as dbms:
        assert "movies" not in dbms.database_names()


def test_serve_on_a_port_in_use_names_the_address(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = cli("serve", "--in-memory", "--no-auth", "--listen", f"127.0.0.1:{port}")
    assert code == ExitCode.UNAVAILABLE
    assert f"127.0.0.1:{port}" in err and "already in use" in err


def test_an_unknown_shell_command_is_reported_with_a_code():
    code, _, err = shell(["--in-memory"], [":frobnicate", ":exit"])
    assert code == 0 and "Neo.ClientError.General.InvalidArguments" in err and ":frobnicate" in err


# --- 4. --uri: failed transactions, a server that goes away, no driver --------------------------------------------

@pytest.fixture
def served():
    pytest.importorskip("neo4j")
    from graphplex.bolt import BoltServer
    with DBMS.in_memory() as dbms, BoltServer(dbms, port=0) as server:
        yield dbms, server


def test_a_failed_remote_commit_is_reported_like_a_local_one(tmp_path, served):
    path = script(tmp_path, ":begin\nCREATE (:A);\nRETURN 1 / 0;\n:commit\nRETURN 2 AS two;\n")
    reports = []
    for where in (["--in-memory"], ["--uri", served[1].uri]):
        code, out, err = cli("run", *where, "--continue-on-error", "--format", "jsonl", path)
        assert code == ExitCode.FAILED, where
        assert "unexpected" not in err
        assert out.splitlines()[-1] == '{"two": 2}', (where, out, err)
        reports.append(err)
    assert reports[0] == reports[1]
    assert reports[0].splitlines() == [
        f"{path}:3:1: Neo.ClientError.Statement.ArithmeticError: / by zero",
        f"{path}:4:1: Neo.ClientError.Transaction.TransactionMarkedAsFailed: Transaction failed. The transaction "
        "was rolled back."]
    code, _, err = cli("run", "--uri", served[1].uri, path)
    assert code == ExitCode.FAILED and err.count("\n") == 1, "without --continue-on-error the first failure stops"


def test_a_remote_transaction_terminated_from_elsewhere_keeps_the_shell_running(served):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from graphplex.cli.output import Printer
    from graphplex.cli.remote import RemoteDBMS
    from graphplex.cli.runner import Runner
    from graphplex.cli.script import Piece
    from graphplex.cli.shell import Shell
    dbms, server = served
    out, err = io.StringIO(), io.StringIO()
    remote = RemoteDBMS(server.uri, None)
    runner = Runner(remote, None, None, Printer(out))
    runner.run(Piece("begin", 1, 1, command=True))
    runner.run(Piece("CREATE (:Doomed)", 2, 1))
    with dbms.session() as admin:
        ids = admin.run("SHOW TRANSACTIONS YIELD transactionId, currentQuery "
                        "WHERE currentQuery STARTS WITH 'CREATE (:Doomed)' RETURN transactionId").value()
        assert admin.run("TERMINATE TRANSACTIONS $ids YIELD message", ids=ids).value() == ["Transaction terminated."]
    with create_pipe_input() as pipe:
        for line in (":commit", "MATCH (n:Doomed) RETURN count(n) AS doomed;", ":exit"):
            pipe.send_text(line + "\r")
        code = Shell(runner, runner.printer, err, None, pipe, DummyOutput()).loop()
    runner.close()
    remote.close()
    assert code == 0
    assert "Neo.ClientError.Transaction.Terminated: The transaction has been terminated" in err.getvalue()
    assert "unexpected" not in err.getvalue() and "doomed" in out.getvalue()
    assert not runner.in_transaction


def test_a_server_that_goes_away_leaves_the_shell_up():
    pytest.importorskip("neo4j")
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from graphplex.cli.output import Printer
    from graphplex.cli.remote import RemoteDBMS
    from graphplex.cli.runner import Runner
    from graphplex.cli.script import Piece
    from graphplex.cli.shell import Shell
    server = subprocess.Popen([CONSOLE_SCRIPT, "serve", "--in-memory", "--no-auth", "--listen", "127.0.0.1:0"],
                              stdout=subprocess.PIPE, text=True)
    try:
        uri = server.stdout.readline().split()[-1]
        out, err = io.StringIO(), io.StringIO()
        remote = RemoteDBMS(uri, None)
        runner = Runner(remote, None, None, Printer(out))
        runner.run(Piece("RETURN 1 AS one", 1, 1))
    finally:
        server.kill()
        server.wait(timeout=60)
    with create_pipe_input() as pipe:
        for line in ("RETURN 2 AS two;", "RETURN 3 AS three;", ":exit"):
            pipe.send_text(line + "\r")
        code = Shell(runner, runner.printer, err, None, pipe, DummyOutput()).loop()
    runner.close()
    remote.close()
    assert code == 0
    assert err.getvalue().count("Neo.TransientError.General.DatabaseUnavailable") == 2, err.getvalue()
    assert uri in err.getvalue() and "unexpected" not in err.getvalue()


def test_uri_without_the_driver_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "neo4j", None)
    code, _, err = cli("run", "--uri", "bolt://127.0.0.1:7687", script(tmp_path, "RETURN 1;"))
    assert code != 0 and "pip install neo4j" in err


# --- 5. serve --initial-password on an initialised directory -------------------------------------------------------

def test_serve_says_an_initial_password_is_ignored_on_an_initialised_directory(tmp_path):
    data = tmp_path / "data"
    DBMS.open(data, auth_enabled=True, initial_password="first").close()
    server = subprocess.Popen([CONSOLE_SCRIPT, "serve", "--data-dir", str(data), "--initial-password", "second",
                               "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "listening on bolt://" in server.stdout.readline()
    finally:
        server.terminate()
        _, err = server.communicate(timeout=60)
    assert "--initial-password is ignored" in err and "Traceback" not in err
    with DBMS.open(data, auth_enabled=True) as dbms, dbms.session(auth=("neo4j", "first")) as session:
        assert session.run("RETURN 1").single()[0] == 1


# --- 6. EXPLAIN and PROFILE ----------------------------------------------------------------------------------------

def test_explain_and_profile_print_the_plan(tmp_path):
    path = script(tmp_path, "CREATE (:A), (:A);\nEXPLAIN MATCH (a:A) RETURN a;\nPROFILE MATCH (a:A) RETURN a;\n")
    code, out, err = cli("run", "--in-memory", path)
    assert (code, err) == (0, "")
    assert "EXPLAIN" in out and "PROFILE" in out and "Operator" in out and "NodeByLabelScan" in out
    assert "Rows" in out and "Time (ms)" in out
    code, out, _ = cli("run", "--in-memory", "--format", "json", path)
    statements = json.loads(out)["statements"]
    assert [row["operator"].strip() for row in statements[1]["plan"]] == [
        "ProduceResults@neo4j", "Projection@neo4j", "NodeByLabelScan@neo4j"]
    assert statements[2]["profile"][-1]["rows"] == 2


# --- 7. one JSON document; a script ending inside :begin -----------------------------------------------------------

def test_json_is_one_document_for_a_whole_script(tmp_path):
    path = script(tmp_path, "CREATE (:A {x: 1});\nMATCH (a:A) RETURN a.x AS x;\nRETURN 'done' AS state;\n")
    code, out, _ = cli("run", "--in-memory", "--format", "json", path)
    assert code == 0
    document = json.loads(out)
    assert [s["statement"] for s in document["statements"]] == \
        ["CREATE (:A {x: 1})", "MATCH (a:A) RETURN a.x AS x", "RETURN 'done' AS state"]
    assert document["statements"][0]["counters"] == {"labels_added": 1, "nodes_created": 1, "properties_set": 1}
    assert document["statements"][1]["rows"] == [{"x": 1}]
    code, out, _ = cli("run", "--in-memory", "--format", "jsonl", path)
    assert out.splitlines() == ['{"x": 1}', '{"state": "done"}']


def test_a_script_that_ends_inside_a_transaction_fails(tmp_path):
    data = str(tmp_path / "data")
    code, _, err = cli("run", "--data-dir", data, script(tmp_path, ":begin\nCREATE (:Lost);\n"))
    assert code == ExitCode.FAILED and "ended inside a transaction" in err
    with DBMS.open(data) as dbms, dbms.session() as session:
        assert session.run("MATCH (n:Lost) RETURN count(n)").single()[0] == 0


# --- 8. import -----------------------------------------------------------------------------------------------------

def test_import_refuses_an_unknown_column_type_with_its_place(tmp_path):
    (tmp_path / "people.csv").write_text("id:ID,name,born:integerz\n1,Ann,1970\n")
    code, _, err = cli("import", "--data-dir", str(tmp_path / "data"), "--database", "people",
                       "--nodes", str(tmp_path / "people.csv"))
    assert code == ExitCode.FAILED
    assert "people.csv:1:3: column born: unknown type 'integerz'" in err


def test_import_without_a_data_directory_is_refused(tmp_path):
    (tmp_path / "n.csv").write_text("id:ID\n1\n")
    for where in ([], ["--in-memory"]):
        code, _, err = cli("import", *where, "--database", "lost", "--nodes", str(tmp_path / "n.csv"))
        assert code == ExitCode.USAGE and "--data-dir" in err and "thrown away" in err


# --- 9. LOAD CSV's import directory ---------------------------------------------------------------------------------

def test_a_data_directory_has_an_import_directory(tmp_path):
    data = tmp_path / "data"
    DBMS.open(data).close()
    (data / "import" / "people.csv").write_text("name\nAnn\n")
    load = "LOAD CSV WITH HEADERS FROM 'file:///people.csv' AS row RETURN row.name AS n;"
    code, out, err = cli("run", "--data-dir", str(data), "--format", "jsonl", script(tmp_path, load))
    assert (code, err, out) == (0, "", '{"n": "Ann"}\n')


def test_import_dir_option(tmp_path):
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "x.csv").write_text("1\n2\n")
    code, out, err = cli("run", "--in-memory", "--import-dir", str(tmp_path / "csv"), "--format", "jsonl",
                         script(tmp_path, "LOAD CSV FROM 'file:///x.csv' AS row RETURN count(*) AS c;"))
    assert (code, err, out) == (0, "", '{"c": 2}\n')


# --- 10. the shell ---------------------------------------------------------------------------------------------------

def test_piped_input_runs_as_a_script_without_terminal_warnings():
    done = subprocess.run([CONSOLE_SCRIPT, "shell", "--in-memory", "--format", "csv"], input="RETURN 1 AS one;\n",
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr, done.stdout) == (0, "", "one\n1\n")


def test_the_prompt_shows_an_open_transaction():
    from graphplex.cli.output import Printer
    from graphplex.cli.runner import Runner
    from graphplex.cli.script import Piece
    from graphplex.cli.shell import Shell
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput
    with DBMS.in_memory() as dbms, create_pipe_input() as pipe:
        runner = Runner(dbms, None, None, Printer(io.StringIO()))
        prompt = Shell(runner, runner.printer, io.StringIO(), None, pipe, DummyOutput())
        assert prompt.prompt_text() == "neo4j> "
        runner.run(Piece("begin", 1, 1, command=True))
        assert prompt.prompt_text() == "neo4j# "
        runner.run(Piece("rollback", 1, 1, command=True))
        assert prompt.prompt_text() == "neo4j> "
        runner.close()


# --- 11. demo -------------------------------------------------------------------------------------------------------

def test_demo_kills_the_writer_after_acknowledged_commits(tmp_path):
    code, out, err = cli("demo", str(tmp_path / "demo"))
    assert (code, err) == (0, "")
    found = re.search(r"acknowledged (\d+), recovered (\d+)", out)
    assert found and 200 <= int(found.group(1)) <= int(found.group(2)) <= int(found.group(1)) + 1


def test_remote_values_print_as_local_ones(tmp_path, served):
    path = script(tmp_path, "CREATE p = (:A {x: 1})-[:R {w: 2}]->(:B) RETURN p, date('2020-01-01') AS d;")
    for where in (["--in-memory"], ["--uri", served[1].uri]):
        code, out, err = cli("run", *where, "--format", "csv", path)
        assert (code, err) == (0, ""), where
        assert out.splitlines()[1] == "(:A {x: 1})-[:R {w: 2}]->(:B),2020-01-01", where


def test_a_remote_error_keeps_the_gql_status_the_server_sent(served):
    """Division by zero is 22012 on the wire; its code alone (ArithmeticError) would say 22003."""
    from graphplex.cli.remote import RemoteDBMS
    remote = RemoteDBMS(served[1].uri, None)
    try:
        with pytest.raises(Exception) as raised, remote.session() as session:
            session.run("RETURN 1 / 0").consume()
    finally:
        remote.close()
    assert raised.value.code == "Neo.ClientError.Statement.ArithmeticError"
    assert raised.value.gql_status == "22012"
