"""Notifications that depend on the database's tokens and schema, as Neo4j 5.26 reports them, through DBMS
sessions: UnknownPropertyKeyWarning (01N52) against the property-key tokens (which `db.propertyKeys()` lists, also
keys nothing holds any more, and which survive a restart), IndexOrConstraintAlreadyExists (00NA0) for a
`CREATE … IF NOT EXISTS` that did nothing, and the deprecated colon in `[:A|:B]`."""
from __future__ import annotations

import pytest

from graphplex import DBMS


def _notes(summary) -> list[dict]:
    return list(summary.notifications or ())


def _codes(summary) -> list[str]:
    return [n["code"].rsplit(".", 1)[-1] for n in _notes(summary)]


def _keys(session) -> list[str]:
    return [record["propertyKey"] for record in session.run("CALL db.propertyKeys()")]


# --- UnknownPropertyKeyWarning ----------------------------------------------------------------------------

def test_reading_a_property_key_the_database_never_had_warns(session):
    session.run("CREATE (:Person {name: 'a'})").consume()
    summary = session.run("MATCH (p:Person) WHERE p.nmae = 'a' RETURN p.name").consume()
    assert _notes(summary) == [{
        "code": "Neo.ClientNotification.Statement.UnknownPropertyKeyWarning",
        "title": "The provided property key is not in the database",
        "description": "One of the property names in your query is not available in the database, make sure you "
                       "didn't misspell it or that the label is available when you run this statement in your "
                       "application (the missing property name is: nmae)",
        "severity": "WARNING", "category": "UNRECOGNIZED", "position": {"offset": 25, "line": 1, "column": 26}}]
    warning = next(s for s in summary.gql_status_objects if s.is_notification)
    assert warning.gql_status == "01N52"
    assert warning.status_description == ("warn: unknown property key. The property `nmae` does not exist in "
                                          "database `neo4j`. Verify that the spelling is correct.")
    assert _codes(session.run("MATCH (p:Person) WHERE p.name = 'a' RETURN p").consume()) == []


@pytest.mark.parametrize("query", [
    "MATCH (p {missing: 1}) RETURN p",
    "MATCH (a)-[r {missing: 1}]->(b) RETURN a",
    "MATCH (p) RETURN p.missing",
    "MATCH (p) WITH p AS q RETURN q {.missing}",
    "MATCH (p) WHERE exists { (p)-[:R]->({missing: 2}) } RETURN p",
])
def test_the_keys_read_of_nodes_and_relationships_warn(session, query):
    session.run("CREATE ()-[:R]->()").consume()
    assert _codes(session.run(query).consume()) == ["UnknownPropertyKeyWarning"]


@pytest.mark.parametrize("query", [
    "WITH {a: 1} AS map RETURN map.missing",            # a map's key is no property key
    "MATCH (p) SET p.other = p.missing",                # Neo4j looks at read-only statements only
    "MATCH (p:Nowhere) CREATE (:T)",
])
def test_maps_and_statements_that_write_do_not_warn(session, query):
    assert _codes(session.run(query).consume()) == []


def test_a_key_stays_a_token_once_nothing_holds_it(session):
    session.run("CREATE (n {temporary: 1}) DELETE n").consume()
    session.run("CREATE ({removed: 1})").consume()
    session.run("MATCH (n) REMOVE n.removed").consume()
    assert _keys(session) == ["temporary", "removed"], "in token order: the order first written"
    assert _codes(session.run("MATCH (n) RETURN n.temporary, n.removed").consume()) == []


def test_a_rolled_back_write_leaves_no_token_but_its_transaction_sees_its_own(session):
    with session.begin_transaction() as tx:
        tx.run("CREATE ({fresh: 1})").consume()
        assert _codes(tx.run("MATCH (n) RETURN n.fresh").consume()) == []
        assert [r["propertyKey"] for r in tx.run("CALL db.propertyKeys()")] == ["fresh"]
        tx.rollback()
    assert _keys(session) == []
    assert _codes(session.run("MATCH (n) RETURN n.fresh").consume()) == ["UnknownPropertyKeyWarning"]


def test_a_key_an_index_names_is_a_token(session):
    session.run("CREATE INDEX FOR (n:Book) ON (n.isbn)").consume()
    assert _keys(session) == ["isbn"]
    assert _codes(session.run("MATCH (b:Book) WHERE b.isbn = '1' RETURN b").consume()) == ["UnknownLabelWarning"]


def test_the_warning_stops_once_a_later_commit_writes_the_key(session):
    query = "MATCH (n) RETURN n.later"
    assert _codes(session.run(query).consume()) == ["UnknownPropertyKeyWarning"]
    session.run("CREATE ({later: 1})").consume()
    assert _codes(session.run(query).consume()) == []


@pytest.mark.parametrize("storage_mode", ["IN_MEMORY_TRANSACTIONAL", "ON_DISK_TRANSACTIONAL"])
def test_tokens_survive_a_restart(tmp_path, storage_mode):
    with DBMS.open(tmp_path / "dbms", storage_mode=storage_mode) as dbms, dbms.session() as session:
        session.run("CREATE (n {kept: 1, dropped: 2})").consume()
        session.run("MATCH (n) REMOVE n.dropped").consume()
        session.run("CREATE (n {gone: 1}) DELETE n").consume()
    with DBMS.open(tmp_path / "dbms", storage_mode=storage_mode) as dbms, dbms.session() as session:
        assert _keys(session) == ["kept", "dropped", "gone"]
        assert _codes(session.run("MATCH (n) RETURN n.gone, n.dropped").consume()) == []
        assert _codes(session.run("MATCH (n) RETURN n.never").consume()) == ["UnknownPropertyKeyWarning"]


# --- IndexOrConstraintAlreadyExists -----------------------------------------------------------------------

def test_create_index_if_not_exists_that_exists_has_no_effect_and_says_so(session):
    session.run("CREATE INDEX x FOR (n:L) ON (n.p)").consume()
    summary = session.run("CREATE INDEX x IF NOT EXISTS FOR (n:L) ON (n.p)").consume()
    assert _notes(summary) == [{
        "code": "Neo.ClientNotification.Schema.IndexOrConstraintAlreadyExists",
        "title": "`CREATE RANGE INDEX x IF NOT EXISTS FOR (e:L) ON (e.p)` has no effect.",
        "description": "`RANGE INDEX x FOR (e:L) ON (e.p)` already exists.",
        "severity": "INFORMATION", "category": "SCHEMA"}]
    status = next(s for s in summary.gql_status_objects if s.is_notification)
    assert status.gql_status == "00NA0"
    assert status.status_description == (
        "note: successful completion - index or constraint already exists. `CREATE RANGE INDEX x IF NOT EXISTS FOR "
        "(e:L) ON (e.p)` has no effect. `RANGE INDEX x FOR (e:L) ON (e.p)` already exists.")
    assert summary.counters.indexes_added == 0
    other = session.run("CREATE INDEX y IF NOT EXISTS FOR ()-[r:R]-() ON (r.p)").consume()
    assert other.notifications is None and other.counters.indexes_added == 1


def test_create_constraint_if_not_exists_names_the_constraint_that_exists(session):
    session.run("CREATE CONSTRAINT entity_id FOR (n:Entity) REQUIRE n.id IS UNIQUE").consume()
    [note] = _notes(session.run("CREATE CONSTRAINT IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE").consume())
    assert note["title"] == "`CREATE CONSTRAINT IF NOT EXISTS FOR (e:Entity) REQUIRE (e.id) IS UNIQUE` has no effect."
    assert note["description"] == "`CONSTRAINT entity_id FOR (e:Entity) REQUIRE (e.id) IS UNIQUE` already exists."
    [note] = _notes(session.run("CREATE CONSTRAINT entity_id IF NOT EXISTS FOR ()-[r:R]-() REQUIRE r.k IS NOT NULL"
                                ).consume())
    assert note["title"] == ("`CREATE CONSTRAINT entity_id IF NOT EXISTS FOR ()-[e:R]-() REQUIRE (e.k) IS NOT NULL` "
                             "has no effect.")


def test_an_index_created_earlier_in_the_same_transaction_counts(session):
    with session.begin_transaction() as tx:
        tx.run("CREATE INDEX pending FOR (n:L) ON (n.p)").consume()
        [note] = _notes(tx.run("CREATE INDEX IF NOT EXISTS FOR (n:L) ON (n.p)").consume())
        assert note["description"] == "`RANGE INDEX pending FOR (e:L) ON (e.p)` already exists."
        tx.commit()


# --- the colon between alternative relationship types -------------------------------------------------------

def test_a_colon_after_the_bar_of_relationship_types_is_deprecated(session):
    session.run("CREATE (:X)-[:A]->(), ()-[:B]->(), ()-[:C]->(), ()-[:D]->()").consume()
    result = session.run("MATCH (a)-[:A|:B|:C]->() RETURN count(a) AS c")
    assert result.single()["c"] == 3, "the colon changes nothing of what matches"
    summary = result.consume()
    assert _notes(summary) == [{
        "code": "Neo.ClientNotification.Statement.FeatureDeprecationWarning",
        "title": "This feature is deprecated and will be removed in future versions.",
        "description": "The semantics of using colon in the separation of alternative relationship types will "
                       "change in a future version. (Please use ':A|B|C' instead)",
        "severity": "WARNING", "category": "DEPRECATION", "position": {"offset": 16, "line": 1, "column": 17}}]
    status = next(s for s in summary.gql_status_objects if s.is_notification)
    assert status.gql_status == "01N01"
    assert status.status_description == ("warn: feature deprecated with replacement. `:A|:B|:C` is deprecated. "
                                         "It is replaced by `:A|B|C`.")


@pytest.mark.parametrize("query", [
    "MATCH (a)-[:A|B]->() RETURN a",
    "MATCH (a)-[:A]->() RETURN a",
    "MATCH (a)-[:`A|:B`]->() RETURN a",
])
def test_relationship_types_without_that_colon_are_not_deprecated(session, query):
    session.run("CREATE ()-[:A]->(), ()-[:B]->(), ()-[:`A|:B`]->()").consume()
    assert _codes(session.run(query).consume()) == []
