"""The grammar of vector and full-text index commands (Neo4j 5.26's and Memgraph's), checked on generated names:
any labels, types and properties (backquoted when they need it) come back in the order written."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.parser import parse
from graphplex.databases.errors import CypherSyntaxError

names = st.text(alphabet="abcXY_1 `é-", min_size=1, max_size=8)


def quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


@settings(max_examples=60, deadline=None)
@given(st.lists(names, min_size=1, max_size=4), st.lists(names, min_size=1, max_size=4), st.booleans(),
       st.sampled_from(["-", "->"]))
def test_fulltext_indexes_keep_every_label_and_property_in_order(labels, properties, relationship, arrow):
    listed = ", ".join(f"x.{quoted(p)}" for p in properties)
    joined = "|".join(quoted(label) for label in labels)
    target = f"()-[x:{joined}]{arrow}()" if relationship else f"(x:{joined})"
    statement = parse(f"CREATE FULLTEXT INDEX ft IF NOT EXISTS FOR {target} ON EACH [{listed}]")
    assert statement == ast.CreateIndex("ft", "RELATIONSHIP" if relationship else "NODE", labels[0],
                                        tuple(properties), "FULLTEXT", True, None, labels=tuple(labels))


@settings(max_examples=60, deadline=None)
@given(names, names, st.booleans(), st.booleans())
def test_vector_indexes_take_one_label_and_one_property(label, prop, relationship, parenthesised):
    target = f"()-[x:{quoted(label)}]-()" if relationship else f"(x:{quoted(label)})"
    on = f"(x.{quoted(prop)})" if parenthesised else f"x.{quoted(prop)}"
    statement = parse(f"CREATE VECTOR INDEX FOR {target} ON {on} OPTIONS {{indexConfig: {{}}}}")
    assert (statement.kind, statement.entity_type, statement.label, statement.properties) == (
        "VECTOR", "RELATIONSHIP" if relationship else "NODE", label, (prop,))
    assert statement.options == ast.MapLiteral((("indexConfig", ast.MapLiteral(())),))


@settings(max_examples=40, deadline=None)
@given(names, names, st.booleans(), st.dictionaries(st.sampled_from(["dimension", "capacity", "metric"]),
                                                    st.integers(1, 999), max_size=3))
def test_memgraphs_vector_indexes(label, prop, edge, config):
    entries = ", ".join(f'"{key}": {value}' for key, value in config.items())
    statement = parse(f"CREATE VECTOR {'EDGE ' if edge else ''}INDEX vi ON :{quoted(label)}({quoted(prop)}) "
                      f"WITH CONFIG {{{entries}}}")
    assert statement == ast.CreateIndex("vi", "RELATIONSHIP" if edge else "NODE", label, (prop,), "VECTOR", False,
                                        ast.MapLiteral(tuple((key, ast.Literal(value))
                                                             for key, value in config.items())), memgraph=True)


@pytest.mark.parametrize("query", [
    "CREATE VECTOR INDEX v FOR (n:A|B) ON n.e",
    "CREATE VECTOR INDEX v FOR (n:A:B) ON n.e",
    "CREATE INDEX FOR (n:A:B) ON (n.e)",
    "CREATE FULLTEXT INDEX f FOR (n:A) ON (n.e)",
    "CREATE FULLTEXT INDEX f FOR (n:A) ON EACH []",
    "CREATE VECTOR INDEX vi ON :L(p) WITH SETTINGS {dimension: 2}",
])
def test_malformed_commands_are_syntax_errors(query):
    with pytest.raises(CypherSyntaxError):
        parse(query)


def test_drop_vector_index_is_a_drop_by_name():
    assert parse("DROP VECTOR INDEX vi") == ast.DropIndex("vi")


@pytest.mark.parametrize("variable", ["node", "relationship", "NODES", "relationships", "index", "key", "type", "data"])
def test_map_projections_of_variables_named_like_keywords(variable):
    """langchain-neo4j and neo4j-graphrag project the `node` and `relationship` a search procedure yields."""
    statement = parse(f"WITH 1 AS {variable} RETURN {variable} {{.*, `embedding`: null}} AS out")
    projection = statement.parts[0].clauses[1].projection.items[0].expression
    assert projection == ast.MapProjection(ast.Variable(variable), (("all",), ("literal", "embedding",
                                                                              ast.Literal(None))))
