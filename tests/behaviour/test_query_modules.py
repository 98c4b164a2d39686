"""A folder of query modules (issue 16, Memgraph's --query-modules-directory): run at start, reloaded by
`CALL mg.load_all()` / `CALL mg.load('name')`, listed by `mg.procedures()` / `mg.functions()`."""
from __future__ import annotations

import textwrap

import pytest

from behaviour_support import user_session
from graphplex import DBMS
from graphplex.errors import ClientError, Forbidden

REGISTRATION_FAILED = "Neo.ClientError.Procedure.ProcedureRegistrationFailed"
# mg.functions() lists APOC's functions too; these tests are about the modules' own.
OWN_FUNCTIONS = "CALL mg.functions() YIELD name WHERE NOT name STARTS WITH 'apoc.' RETURN name"

# With postponed annotations: the loader resolves them in the module's own namespace.
GREETINGS = '''
from __future__ import annotations

from typing import Iterator, TypedDict

class Row(TypedDict):
    text: str

def register(module):
    @module.procedure("greet.hello")
    def hello(ctx, who: str) -> Iterator[Row]:
        yield {"text": f"hello {who}"}

    @module.procedure("greet.bye")
    def bye(ctx) -> Iterator[Row]:
        yield {"text": "bye"}

    @module.function("greet.shout")
    def shout(ctx, text: str) -> str:
        return text.upper()
'''


def write(folder, name: str, text: str) -> None:
    (folder / f"{name}.py").write_text(textwrap.dedent(text))


@pytest.fixture
def folder(tmp_path):
    modules = tmp_path / "modules"
    modules.mkdir()
    write(modules, "greetings", GREETINGS)
    return modules


@pytest.fixture
def loaded(folder):
    with DBMS.in_memory(query_modules_directory=str(folder)) as instance:
        yield instance


def test_modules_of_the_folder_are_loaded_at_start(loaded):
    with loaded.session() as session:
        assert session.run("CALL greet.hello('ann')").value() == ["hello ann"]
        assert session.run("RETURN greet.shout('hi')").single()[0] == "HI"


def test_mg_load_all_picks_up_an_edited_module_and_drops_a_removed_procedure(loaded, folder):
    write(folder, "greetings", GREETINGS.replace('f"hello {who}"', 'f"hi {who}"').replace("greet.bye", "greet.ciao"))
    with loaded.session() as session:
        session.run("CALL mg.load_all()").consume()
        assert session.run("CALL greet.hello('ann')").value() == ["hi ann"]
        names = session.run("CALL mg.procedures() YIELD name RETURN name").value()
        assert "greet.ciao" in names and "greet.bye" not in names
        with pytest.raises(ClientError) as raised:
            session.run("CALL greet.bye()").consume()
        assert raised.value.code == "Neo.ClientError.Procedure.ProcedureNotFound"


def test_mg_load_all_drops_the_procedures_of_a_deleted_module(loaded, folder):
    (folder / "greetings.py").unlink()
    with loaded.session() as session:
        session.run("CALL mg.load_all()").consume()
        assert "greet.hello" not in session.run("CALL mg.procedures() YIELD name RETURN name").value()


def test_mg_load_reloads_one_module(loaded, folder):
    write(folder, "greetings", GREETINGS.replace('f"hello {who}"', 'f"hey {who}"'))
    with loaded.session() as session:
        session.run("CALL mg.load('greetings')").consume()
        assert session.run("CALL greet.hello('bo')").value() == ["hey bo"]


def test_mg_load_of_an_unknown_module_is_an_error(loaded):
    with loaded.session() as session, pytest.raises(ClientError) as raised:
        session.run("CALL mg.load('nowhere')").consume()
    assert raised.value.code == REGISTRATION_FAILED
    assert "Module 'nowhere' not found" in raised.value.message


def test_a_module_with_a_syntax_error_does_not_stop_start_up_and_is_reported(folder, caplog):
    write(folder, "broken", "def register(module):\n    return (\n")
    with DBMS.in_memory(query_modules_directory=str(folder)) as dbms, dbms.session() as session:
        assert session.run("CALL greet.hello('ann')").value() == ["hello ann"]
        assert "Unable to load module 'broken'" in caplog.text
        with pytest.raises(ClientError) as raised:
            session.run("CALL mg.load('broken')").consume()
        assert raised.value.code == REGISTRATION_FAILED
        assert "Unable to load module 'broken'" in raised.value.message
        assert "SyntaxError" in raised.value.message
        session.run("CALL mg.load_all()").consume()   # as Memgraph's: logged, the others loaded
        assert session.run("CALL greet.hello('ann')").value() == ["hello ann"]


def test_a_module_without_register_is_reported(folder):
    write(folder, "plain", "X = 1\n")
    with DBMS.in_memory(query_modules_directory=str(folder)) as dbms, dbms.session() as session:
        with pytest.raises(ClientError) as raised:
            session.run("CALL mg.load('plain')").consume()
        assert "defines no register(module) function" in raised.value.message


def test_mg_procedures_and_mg_functions_list_them_with_memgraphs_columns(loaded, folder):
    with loaded.session() as session:
        result = session.run("CALL mg.procedures() YIELD name, signature, is_write, path, is_editable "
                             "WHERE name = 'greet.hello' RETURN *")
        record = result.single()
        assert sorted(record.keys()) == ["is_editable", "is_write", "name", "path", "signature"]
        assert record["signature"] == "greet.hello(who :: STRING) :: (text :: STRING)"
        assert record["is_write"] is False and record["is_editable"] is True
        assert record["path"] == str((folder / "greetings.py").resolve())
        builtin = session.run("CALL mg.procedures() YIELD name, is_editable WHERE name = 'mg.load' "
                              "RETURN is_editable").single()[0]
        assert builtin is False
        functions = session.run("CALL mg.functions() YIELD name, signature, path, is_editable "
                                "WHERE NOT name STARTS WITH 'apoc.' RETURN *").data()
        assert functions == [{"name": "greet.shout", "signature": "greet.shout(text :: STRING) :: STRING",
                              "path": str((folder / "greetings.py").resolve()), "is_editable": True}]


def test_without_a_folder_mg_load_all_loads_nothing_and_mg_procedures_lists_the_dbms_procedures(dbms):
    with dbms.session() as session:
        session.run("CALL mg.load_all()").consume()
        assert "mg.load" in session.run("CALL mg.procedures() YIELD name RETURN name").value()


def test_mg_load_needs_execute_admin_procedures(folder):
    with DBMS.in_memory(auth_enabled=True, initial_password="secret-1",
                        query_modules_directory=str(folder)) as secure, \
            secure.session(auth=("neo4j", "secret-1")) as admin:
        with user_session(secure, admin, "reader", "GRANT EXECUTE PROCEDURE * ON DBMS") as reader:
            assert "greet.hello" in reader.run("CALL mg.procedures() YIELD name RETURN name").value()
            for call in ("CALL mg.load_all()", "CALL mg.load('greetings')"):
                with pytest.raises(Forbidden):
                    reader.run(call).consume()
        admin.run("CALL mg.load_all()").consume()


def test_graphplex_toml_names_the_folder(tmp_path, folder):
    data = tmp_path / "data"
    data.mkdir()
    (data / "graphplex.toml").write_text(f"query_modules_directory = {str(folder)!r}\n")
    with DBMS.open(data) as dbms, dbms.session() as session:
        assert session.run("CALL greet.hello('cy')").value() == ["hello cy"]


def test_a_module_that_fails_half_way_registers_nothing(folder):
    write(folder, "half", '''
        def register(module):
            @module.function("half.one")
            def one(ctx) -> int:
                return 1
            raise RuntimeError("not today")
        ''')
    with DBMS.in_memory(query_modules_directory=str(folder)) as dbms, dbms.session() as session:
        assert session.run(OWN_FUNCTIONS).value() == ["greet.shout"]
        with pytest.raises(ClientError) as raised:
            session.run("CALL mg.load('half')").consume()
        assert raised.value.message.endswith("RuntimeError: not today")
        assert session.run(OWN_FUNCTIONS).value() == ["greet.shout"]


def test_a_module_may_not_take_a_built_in_name(folder):
    write(folder, "clash", '''
        def register(module):
            @module.procedure("db.labels")
            def labels(ctx) -> None:
                pass
        ''')
    with DBMS.in_memory(query_modules_directory=str(folder)) as dbms, dbms.session() as session:
        with pytest.raises(ClientError) as raised:
            session.run("CALL mg.load('clash')").consume()
        assert raised.value.code == REGISTRATION_FAILED
        assert "a built-in procedure has that name" in raised.value.message
        assert session.run("CALL db.labels()").value() == []
