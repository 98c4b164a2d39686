"""Memgraph's module-file procedures (issue 16): clients list, read, create, update and delete the Python module
files of a DBMS's folders with `mg.get_module_files()`, `mg.get_module_file(path)`, `mg.create_module_file(filename,
content)`, `mg.update_module_file(path, content)` and `mg.delete_module_file(path)`; a change reloads the modules."""
from __future__ import annotations

import textwrap

import pytest

from behaviour_support import user_session
from graphplex import DBMS
from graphplex.errors import ClientError, Forbidden

CALL_FAILED = "Neo.ClientError.Procedure.ProcedureCallFailed"

GREETING = textwrap.dedent('''
    def register(module):
        @module.function("greet.word")
        def word(ctx) -> str:
            return "hello"
''')


@pytest.fixture
def folder(tmp_path):
    """A query modules directory holding one module, `shipped` (as Memgraph's /usr/lib/memgraph/query_modules)."""
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "shipped.py").write_text(GREETING.replace("greet.word", "shipped.word"))
    return modules


@pytest.fixture
def dbms(tmp_path, folder):
    with DBMS.open(tmp_path / "data", query_modules_directory=str(folder)) as instance:
        yield instance


@pytest.fixture
def session(dbms):
    with dbms.session() as opened:
        yield opened


def create(session, filename: str, content: str = GREETING) -> str:
    return session.run("CALL mg.create_module_file($filename, $content) YIELD path RETURN path",
                       filename=filename, content=content).single()[0]


def failure(session, query: str, **parameters) -> ClientError:
    with pytest.raises(ClientError) as raised:
        session.run(query, **parameters).consume()
    assert raised.value.code == CALL_FAILED
    return raised.value


def test_a_created_module_file_is_written_to_internal_modules_and_loaded(tmp_path, session):
    path = create(session, "greetings.py")
    assert path == str((tmp_path / "data" / "internal_modules" / "greetings.py").resolve())
    assert session.run("RETURN greet.word()").single()[0] == "hello"
    listed = session.run("CALL mg.get_module_files() YIELD path, is_editable RETURN path, is_editable").data()
    assert listed == [{"path": str((tmp_path / "modules" / "shipped.py").resolve()), "is_editable": True},
                      {"path": path, "is_editable": True}]
    assert session.run("CALL mg.functions() YIELD name, path WHERE name = 'greet.word' RETURN path").single()[0] == path


def test_get_module_file_returns_the_content_and_update_reloads_it(session):
    path = create(session, "greetings.py")
    assert session.run("CALL mg.get_module_file($path)", path=path).single()[0] == GREETING
    changed = GREETING.replace('"hello"', '"welcome"')
    assert session.run("CALL mg.update_module_file($path, $content)", path=path, content=changed).data() == []
    assert session.run("RETURN greet.word()").single()[0] == "welcome"
    assert session.run("CALL mg.get_module_file($path) YIELD content RETURN content", path=path).single()[0] == changed


def test_deleting_a_module_file_unloads_its_module(session):
    path = create(session, "greetings.py")
    session.run("CALL mg.delete_module_file($path)", path=path).consume()
    with pytest.raises(ClientError):
        session.run("RETURN greet.word()").consume()
    assert path not in session.run("CALL mg.get_module_files() YIELD path RETURN path").value()


def test_the_files_of_the_query_modules_directory_are_read_updated_and_deleted_too(folder, session):
    shipped = str((folder / "shipped.py").resolve())
    assert "shipped.word" in session.run("CALL mg.get_module_file($path)", path=shipped).single()[0]
    session.run("CALL mg.update_module_file($path, $content)", path=shipped,
                content=GREETING.replace("greet.word", "shipped.other")).consume()
    assert session.run("RETURN shipped.other()").single()[0] == "hello"
    session.run("CALL mg.delete_module_file($path)", path=shipped).consume()
    assert not (folder / "shipped.py").exists()


def test_a_module_file_in_subfolders_creates_them_is_listed_and_deleting_it_removes_them(tmp_path, session):
    path = create(session, "mine/deep/greetings.py")
    internal = tmp_path / "data" / "internal_modules"
    assert path == str((internal / "mine" / "deep" / "greetings.py").resolve())
    assert path in session.run("CALL mg.get_module_files() YIELD path RETURN path").value()
    # As Memgraph, only the files directly in a folder are modules.
    with pytest.raises(ClientError):
        session.run("RETURN greet.word()").consume()
    session.run("CALL mg.delete_module_file($path)", path=path).consume()
    assert not (internal / "mine").exists() and internal.is_dir()


def test_create_refuses_a_path_outside_the_internal_folder_another_format_and_an_existing_file(tmp_path, session):
    create(session, "greetings.py")
    (tmp_path / "outside").mkdir()
    (tmp_path / "data" / "internal_modules" / "link").symlink_to(tmp_path / "outside")
    outside = "mg.create_module_file: Invalid relative path defined. The module file cannot be define outside the " \
              "internal modules directory."
    for filename in ("../escaped.py", str(tmp_path / "absolute.py"), "link/through_a_link.py"):
        assert failure(session, "CALL mg.create_module_file($f, 'x')", f=filename).message == outside
    assert not list((tmp_path / "outside").iterdir()) and not (tmp_path / "data" / "escaped.py").exists()
    assert failure(session, "CALL mg.create_module_file('notes.txt', 'x')").message == \
        "mg.create_module_file: The specified file isn't in the supported format."
    assert failure(session, "CALL mg.create_module_file('greetings.py', 'x')").message == \
        "mg.create_module_file: File with the same name already exists!"
    assert session.run("RETURN greet.word()").single()[0] == "hello"   # the file is as it was


@pytest.mark.parametrize("procedure, extra", [("get_module_file", ""), ("update_module_file", ", 'x'"),
                                              ("delete_module_file", "")])
def test_a_path_must_be_absolute_python_existing_and_in_a_module_folder(tmp_path, session, procedure, extra):
    stray = tmp_path / "stray.py"
    stray.write_text("X = 1\n")
    call = f"CALL mg.{procedure}($path{extra})"
    for path, message in (("shipped.py", "The path should be an absolute path."),
                          (str(tmp_path / "modules" / "notes.txt"),
                           "The specified file isn't in the supported format."),
                          (str(tmp_path / "modules" / "gone.py"), "The specified file doesn't exist."),
                          (str(stray), "The specified file isn't contained in any of the module directories."),
                          (str(tmp_path / "modules" / ".." / "stray.py"),
                           "The specified file isn't contained in any of the module directories.")):
        assert failure(session, call, path=path).message == f"mg.{procedure}: {message}"
    assert stray.read_text() == "X = 1\n"


def test_a_created_module_that_fails_to_load_stays_and_is_logged(session, caplog):
    path = create(session, "broken.py", "import mgp\n")
    assert "Unable to load module 'broken'" in caplog.text
    assert path in session.run("CALL mg.get_module_files() YIELD path RETURN path").value()
    session.run("CALL mg.delete_module_file($path)", path=path).consume()


def test_a_created_module_of_a_name_the_query_modules_directory_has_leaves_that_one_loaded(session, caplog):
    create(session, "shipped.py", GREETING.replace("greet.word", "shipped.word").replace('"hello"', '"other"'))
    assert "Unable to overwrite an already loaded module shipped" in caplog.text
    assert session.run("RETURN shipped.word()").single()[0] == "hello"


def test_created_modules_are_loaded_when_the_dbms_is_opened_again(tmp_path, folder):
    with DBMS.open(tmp_path / "data", query_modules_directory=str(folder)) as dbms, dbms.session() as session:
        create(session, "greetings.py")
    with DBMS.open(tmp_path / "data") as dbms, dbms.session() as session:
        assert session.run("RETURN greet.word()").single()[0] == "hello"


def test_an_in_memory_dbms_writes_to_its_query_modules_directory_and_without_one_cannot(folder):
    with DBMS.in_memory(query_modules_directory=str(folder)) as dbms, dbms.session() as session:
        assert create(session, "greetings.py") == str((folder / "greetings.py").resolve())
        assert session.run("RETURN greet.word()").single()[0] == "hello"
    with DBMS.in_memory() as dbms, dbms.session() as session:
        assert "no folder to write module files to" in failure(session, "CALL mg.create_module_file('a.py', '')"
                                                               ).message
        assert session.run("CALL mg.get_module_files()").data() == []


def secured(folder) -> DBMS:
    return DBMS.in_memory(auth_enabled=True, initial_password="secret-1", query_modules_directory=str(folder))


def test_module_files_need_execute_admin_procedures_which_memgraphs_module_write_grants(folder):
    with secured(folder) as secure, secure.session(auth=("neo4j", "secret-1")) as admin:
        with user_session(secure, admin, "coder", "GRANT EXECUTE PROCEDURE * ON DBMS") as coder:
            for query in ("CALL mg.get_module_files()", "CALL mg.create_module_file('mine.py', '')"):
                with pytest.raises(Forbidden):
                    coder.run(query).consume()
            assert not (folder / "mine.py").exists()
            admin.run("GRANT MODULE_WRITE TO coder").consume()
            assert create(coder, "greetings.py") == str((folder / "greetings.py").resolve())


def test_execute_admin_procedures_granted_as_neo4j_writes_it_allows_them(folder):
    with secured(folder) as secure, secure.session(auth=("neo4j", "secret-1")) as admin:
        with user_session(secure, admin, "coder", "GRANT EXECUTE PROCEDURE * ON DBMS",
                          "GRANT EXECUTE ADMINISTRATOR PROCEDURES ON DBMS") as coder:
            assert coder.run("CALL mg.get_module_files() YIELD path RETURN count(path)").single()[0] == 1
        commands = admin.run("SHOW ROLE coder_role PRIVILEGES AS COMMANDS").value()
        assert "GRANT EXECUTE ADMIN PROCEDURES ON DBMS TO `coder_role`" in commands
        assert admin.run("SHOW ROLE coder_role PRIVILEGES YIELD action, segment WHERE action = 'execute_admin'"
                         ).data() == [{"action": "execute_admin", "segment": "database"}]


def test_a_null_argument_is_refused_before_anything_is_written(tmp_path, session):
    message = failure(session, "CALL mg.create_module_file('a.py', null)").message
    assert message == "'mg.create_module_file' argument named 'content' at position 1 must be of type STRING."
    assert not (tmp_path / "data" / "internal_modules" / "a.py").exists()
    assert "'path' at position 0" in failure(session, "CALL mg.get_module_file(null)").message
