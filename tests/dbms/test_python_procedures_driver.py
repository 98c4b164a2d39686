"""Procedures and functions written in Python, called through the official driver over Bolt (issue 16)."""
from __future__ import annotations

from typing import Iterator, TypedDict

import pytest

from graphplex import ProcedureContext
from graphplex.types import Node

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")
from neo4j.exceptions import ClientError  # noqa: E402


class Friend(TypedDict):
    friend: Node
    hops: int


def test_a_python_procedure_and_function_over_bolt(dbms, driver):
    @dbms.procedure("my.friends", description="The friends of a person.")
    def friends(ctx: ProcedureContext, person: Node) -> Iterator[Friend]:
        for _, other in ctx.neighbours(person, "out", ["KNOWS"]):
            yield {"friend": other, "hops": 1}

    @dbms.function("my.shout")
    def shout(ctx: ProcedureContext, text: str) -> str:
        if not text:
            raise ValueError("nothing to shout")
        return text.upper() + "!"

    driver.execute_query("CREATE (:P {name: 'a'})-[:KNOWS]->(:P {name: 'b'})")
    records, _, _ = driver.execute_query(
        "MATCH (p:P {name: 'a'}) CALL my.friends(p) YIELD friend, hops RETURN friend, hops, my.shout(friend.name) AS s")
    assert [(r["friend"]["name"], r["friend"].labels, r["hops"], r["s"]) for r in records] == \
        [("b", frozenset({"P"}), 1, "B!")]
    records, _, _ = driver.execute_query("SHOW PROCEDURES YIELD name, signature, description "
                                         "WHERE name = 'my.friends' RETURN signature, description")
    assert records[0].data() == {"signature": "my.friends(person :: NODE) :: (friend :: NODE, hops :: INTEGER)",
                                 "description": "The friends of a person."}
    with pytest.raises(ClientError) as raised:
        driver.execute_query("RETURN my.shout('')")
    assert raised.value.code == "Neo.ClientError.Procedure.ProcedureCallFailed"
    assert raised.value.message == "Failed to invoke function `my.shout`: Caused by: ValueError: nothing to shout"
