"""A dump carries the maps Memgraph's clients stored as property values and the nested-property indexes over them:
`graphplex load`, which writes back what the dump holds, recreates both (whatever dialect a session would need)."""
from __future__ import annotations

import io

from graphplex import DBMS
from graphplex.cli.main import main

NESTED = {"b": 1, "l": [{"x": 1}], "m": {"n": None}}


def cli(*argv: str) -> int:
    return main(list(argv), io.StringIO(), io.StringIO())


def test_a_dump_carries_maps_and_nested_indexes(tmp_path):
    data = str(tmp_path / "data")
    with DBMS.open(data) as dbms, dbms.session(dialect="memgraph") as session:
        session.run("CREATE INDEX ON :L(a.b)").consume()
        session.run("CREATE (:L {a: $a})-[:R {a: $a}]->(:L)", a=NESTED).consume()
    dump = str(tmp_path / "neo4j.dump")
    assert cli("dump", "--data-dir", data, "neo4j", dump) == 0
    assert cli("load", "--data-dir", data, "copy", dump) == 0
    with DBMS.open(data) as dbms, dbms.session(database="copy") as session:
        assert session.run("MATCH (n:L)-[r:R]->() RETURN [n.a, r.a]").single()[0] == [NESTED, NESTED]
        assert [(r["property"], r["count"]) for r in session.run("SHOW INDEX INFO")] == [("a.b", 1)]
