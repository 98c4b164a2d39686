"""`graphplex serve --query-modules-directory DIR` (issue 16): the folder's modules, mg.load_all and mg.procedures
through Memgraph's client (pymgclient) and the neo4j driver."""
from __future__ import annotations

import pytest

MODULE = '''
from typing import Iterator, TypedDict

class Row(TypedDict):
    word: str

def register(module):
    @module.procedure("words.say")
    def say(ctx, word: str) -> Iterator[Row]:
        yield {"word": word + "!"}
'''


@pytest.fixture
def served(serve, tmp_path):
    """A `graphplex serve` process without authentication, with a folder holding the module `words`."""
    folder = tmp_path / "modules"
    folder.mkdir()
    (folder / "words.py").write_text(MODULE)
    return serve("--query-modules-directory", str(folder)), folder


def test_query_modules_through_pymgclient_and_the_neo4j_driver(served):
    port, folder = served
    mgclient = pytest.importorskip("mgclient", reason="pymgclient is not installed here")
    connection = mgclient.connect(host="127.0.0.1", port=port)
    connection.autocommit = True
    cursor = connection.cursor()
    cursor.execute("CALL words.say('hi') YIELD word RETURN word")
    assert cursor.fetchall() == [("hi!",)]
    (folder / "words.py").write_text(MODULE.replace('word + "!"', 'word + "?"'))
    cursor.execute("CALL mg.load_all()")
    cursor.fetchall()
    cursor.execute("CALL mg.procedures() YIELD name, is_editable WHERE name = 'words.say' RETURN name, is_editable")
    assert cursor.fetchall() == [("words.say", True)]
    connection.close()

    neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}") as driver:
        records, _, _ = driver.execute_query("CALL words.say('hi') YIELD word RETURN word")
        assert [r["word"] for r in records] == ["hi?"]
        with pytest.raises(neo4j.exceptions.ClientError) as raised:
            driver.execute_query("CALL mg.load('nowhere')")
        assert raised.value.code == "Neo.ClientError.Procedure.ProcedureRegistrationFailed"
