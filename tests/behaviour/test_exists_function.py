"""`exists(pattern)`: Neo4j 5 keeps the predicate function over a pattern (neomodel's `neomodel_inspect_database`
asks `WHERE NOT EXISTS ((n)-[:REL]->())`); it answers as the pattern predicate `WHERE (n)-[:REL]->()` does."""
import pytest

from graphplex import DBMS


@pytest.fixture
def session():
    dbms = DBMS.in_memory()
    with dbms.session() as s:
        s.run("CREATE (:A {id: 1})-[:R]->(:A {id: 2}), (:A {id: 3})").consume()
        yield s
    dbms.close()


@pytest.mark.parametrize("where, ids", [
    ("exists((n)-[:R]->())", [1]),
    ("NOT EXISTS ((n)-[:R]->())", [2, 3]),
    ("exists((n)<-[:R]-(:A {id: 1}))", [2]),
    ("exists((n)-[:NOSUCH]-())", []),
])
def test_exists_of_a_pattern_is_the_pattern_predicate(session, where, ids):
    query = f"MATCH (n:A) WHERE {where} RETURN n.id ORDER BY n.id"
    assert [row[0] for row in session.run(query).values()] == ids
    predicate = where.replace("exists(", "(").replace("EXISTS (", "(")
    assert [row[0] for row in session.run(f"MATCH (n:A) WHERE {predicate} RETURN n.id ORDER BY n.id").values()] == ids


def test_exists_of_a_pattern_in_a_projection(session):
    rows = session.run("MATCH (n:A) RETURN n.id, exists((n)--()) AS linked ORDER BY n.id").values()
    assert rows == [[1, True], [2, True], [3, False]]
