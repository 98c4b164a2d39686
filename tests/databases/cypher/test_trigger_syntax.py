"""Memgraph's trigger statements parse into their AST nodes; the words they add stay usable as names."""
from __future__ import annotations

import pytest

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.parser import parse
from graphplex.databases.errors import ClientError


@pytest.mark.parametrize(("text", "event", "phase", "security"), [
    ("CREATE TRIGGER t BEFORE COMMIT EXECUTE RETURN 1", "ANY", "BEFORE COMMIT", "DEFINER"),
    ("create trigger t on create after commit execute RETURN 1", "CREATE", "AFTER COMMIT", "DEFINER"),
    ("CREATE TRIGGER t ON () UPDATE AFTER COMMIT EXECUTE RETURN 1", "() UPDATE", "AFTER COMMIT", "DEFINER"),
    ("CREATE TRIGGER t SECURITY INVOKER ON --> DELETE BEFORE COMMIT EXECUTE RETURN 1", "--> DELETE",
     "BEFORE COMMIT", "INVOKER"),
    ("CREATE TRIGGER t SECURITY DEFINER ON - -> CREATE BEFORE COMMIT EXECUTE RETURN 1", "--> CREATE",
     "BEFORE COMMIT", "DEFINER"),
])
def test_create_trigger_names_its_event_phase_and_security(text, event, phase, security):
    assert parse(text) == ast.CreateTrigger("t", event, phase, "RETURN 1", security)


def test_the_statement_is_kept_as_written_without_its_final_semicolon():
    statement = parse("CREATE TRIGGER t ON () CREATE BEFORE COMMIT EXECUTE\n  UNWIND createdVertices AS v\n"
                      "  SET v.seen = true ;")
    assert statement.statement == "UNWIND createdVertices AS v\n  SET v.seen = true"


def test_drop_and_show():
    assert parse("DROP TRIGGER `my trigger`") == ast.DropTrigger("my trigger")
    assert parse("SHOW TRIGGERS") == ast.ShowTriggers()
    assert parse("SHOW TRIGGER INFO") == ast.ShowTriggers()


def test_a_trigger_without_a_phase_is_a_syntax_error():
    with pytest.raises(ClientError) as caught:
        parse("CREATE TRIGGER t ON CREATE EXECUTE RETURN 1")
    assert caught.value.code == "Neo.ClientError.Statement.SyntaxError"


@pytest.mark.parametrize("word", ["trigger", "triggers", "security", "definer", "invoker", "update", "before",
                                  "after", "execute"])
def test_the_new_words_are_still_names(word):
    statement = parse(f"MATCH ({word}:{word}) RETURN {word}.{word} AS {word}")
    assert isinstance(statement, ast.Query)
    assert isinstance(parse(f"CREATE ({word})"), ast.Query)
