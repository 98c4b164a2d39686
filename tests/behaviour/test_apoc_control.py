"""APOC's control procedures through DBMS sessions (issue 15): apoc.cypher.run/doIt, apoc.when/case and their do.*
forms, apoc.periodic.iterate and apoc.path.*. Each runs in the caller's transaction with the caller's privileges;
an inner statement is checked as a top-level one; periodic.iterate commits batches as children of the DBMS
transaction under the rules of CALL { } IN TRANSACTIONS; everything stops when its transaction is terminated."""
from __future__ import annotations

import threading
import time

import pytest

from behaviour_support import user_session
from graphplex import DBMS
from graphplex.errors import ClientError, Forbidden, Neo4jError


def count(session, label: str) -> int:
    return session.run(f"MATCH (n:{label}) RETURN count(n) AS c").single()["c"]


# --- apoc.cypher.run / doIt ------------------------------------------------------------------------------------

def test_cypher_run_returns_each_row_as_a_map_with_parameters_also_bound_as_variables(session):
    rows = session.run("CALL apoc.cypher.run('UNWIND range(1, a) AS i RETURN i, $a + i AS s', {a: 2})").data()
    assert rows == [{"value": {"i": 1, "s": 3}}, {"value": {"i": 2, "s": 4}}]
    assert session.run("CALL apoc.cypher.run('RETURN 42 AS b', null) YIELD value RETURN value.b AS b"
                       ).single()["b"] == 42


def test_cypher_run_refuses_a_write_as_neo4j_refuses_a_write_restricted_to_read(session):
    with pytest.raises(Forbidden) as caught:
        session.run("CALL apoc.cypher.run('CREATE (:Sneaky)', {})").consume()
    assert caught.value.code == "Neo.ClientError.Security.Forbidden"
    assert "restricted to READ" in caught.value.message
    assert count(session, "Sneaky") == 0


def test_inner_failures_are_the_procedures_failures(session):
    with pytest.raises(ClientError) as caught:
        session.run("CALL apoc.cypher.run('RETURN 1 / 0 AS x', {})").consume()
    assert caught.value.code == "Neo.ClientError.Procedure.ProcedureCallFailed"
    assert caught.value.message.startswith("Failed to invoke procedure `apoc.cypher.run`: Caused by:")
    assert "Caused by: org.neo4j.exceptions.ArithmeticException: / by zero" in caught.value.message
    with pytest.raises(ClientError, match="Invalid input 'RETUN'"):
        session.run("CALL apoc.cypher.run('RETUN 1', {})").consume()


def test_do_it_writes_in_the_callers_transaction_and_counts_in_its_summary(session):
    with session.begin_transaction() as tx:
        tx.run("CREATE (:Seen {k: 1})").consume()
        summary = tx.run("CALL apoc.cypher.doIt('MATCH (s:Seen) CREATE (:Made {k: s.k}) RETURN count(*) AS c', {})"
                         ).consume()
        assert summary.counters.nodes_created == 1
        assert tx.run("MATCH (m:Made) RETURN m.k AS k").single()["k"] == 1, "the inner write is the caller's"
        tx.rollback()
    assert count(session, "Made") == 0, "rolled back with the caller's transaction"


def test_the_functions_return_the_first_column(session):
    record = session.run("RETURN apoc.cypher.runFirstColumnSingle('RETURN a + 7 AS b', {a: 3}) AS single, "
                         "apoc.cypher.runFirstColumnMany('UNWIND range(1, a) AS id RETURN id', {a: 3}) AS many "
                         ).single()
    assert record["single"] == 10
    assert record["many"] == [1, 2, 3]


def test_a_write_procedure_is_refused_in_a_read_session(dbms):
    with dbms.session(default_access_mode="READ") as session:
        with pytest.raises(Neo4jError) as caught:
            session.run("CALL apoc.cypher.doIt('CREATE (:X)', {})").consume()
    assert caught.value.code == "Neo.ClientError.Statement.AccessMode"


def test_inner_statements_have_the_callers_privileges(secure, admin):
    admin.run("CREATE (:Public {n: 1}), (:Secret {n: 2})").consume()
    with user_session(secure, admin, "reader", "GRANT MATCH {*} ON GRAPH * NODES Public") as reader:
        rows = reader.run("CALL apoc.cypher.run('MATCH (n) RETURN n.n AS n', {})").data()
        assert rows == [{"value": {"n": 1}}], "the read filter holds inside"
        with pytest.raises(Forbidden):
            reader.run("CALL apoc.cypher.doIt('CREATE (:Forged)', {})").consume()
    assert count(admin, "Forged") == 0


def test_the_inner_text_meets_the_query_length_limit():
    with DBMS.in_memory(query_max_length=200) as dbms, dbms.session() as session:
        long_text = "RETURN '" + "x" * 300 + "' AS s"
        with pytest.raises(ClientError) as caught:
            session.run("CALL apoc.cypher.run($text, {})", text=long_text).consume()
        assert "query_max_length" in caught.value.message


def test_an_inner_statement_may_not_open_batches(session):
    with pytest.raises(Neo4jError) as caught:
        session.run("CALL apoc.cypher.doIt('UNWIND [1] AS x CALL { WITH x CREATE (:B) } IN TRANSACTIONS', {})"
                    ).consume()
    assert caught.value.code.endswith("TransactionStartFailed")


def test_an_inner_explain_runs_nothing(session):
    assert session.run("CALL apoc.cypher.doIt('EXPLAIN CREATE (:E)', {})").data() == []
    assert count(session, "E") == 0


# --- apoc.when / case / do.when / do.case ---------------------------------------------------------------------

def test_when_runs_the_query_its_condition_picks(session):
    assert session.run("CALL apoc.when(true, 'RETURN x + 1 AS y', 'RETURN x - 1 AS y', {x: 1})").data() == \
        [{"value": {"y": 2}}]
    assert session.run("CALL apoc.when(false, 'RETURN 1 AS y')").data() == [{"value": {}}]
    with pytest.raises(Forbidden):
        session.run("CALL apoc.when(true, 'CREATE (:W)')").consume()


def test_do_when_and_do_case_may_write(session):
    session.run("CALL apoc.do.when(false, 'CREATE (:No)', 'CREATE (:Yes)')").consume()
    assert (count(session, "No"), count(session, "Yes")) == (0, 1)
    rows = session.run("CALL apoc.do.case([false, 'CREATE (:A) RETURN 1 AS r', true, 'CREATE (:B) RETURN 2 AS r'], "
                       "'RETURN 3 AS r')").data()
    assert rows == [{"value": {"r": 2}}]
    assert (count(session, "A"), count(session, "B")) == (0, 1)
    assert session.run("CALL apoc.case([false, 'RETURN 1 AS r'], 'RETURN 3 AS r')").data() == [{"value": {"r": 3}}]


def test_case_needs_pairs(session):
    with pytest.raises(ClientError) as caught:
        session.run("CALL apoc.case([true], '')").consume()
    assert caught.value.code == "Neo.ClientError.Procedure.ProcedureCallFailed"
    assert "Conditionals must be an even-sized collection of boolean, query entries" in caught.value.message


# --- apoc.periodic.iterate ------------------------------------------------------------------------------------

ITERATE = "CALL apoc.periodic.iterate($iterate, $action, $config)"


def test_iterate_commits_batches_and_reports_as_apoc(session):
    session.run("UNWIND range(1, 25) AS i CREATE (:P {i: i})").consume()
    result = session.run(ITERATE, iterate="MATCH (p:P) RETURN p", action="SET p.done = true",
                         config={"batchSize": 10})
    row = result.single().data()
    assert result.keys() == ["batches", "total", "timeTaken", "committedOperations", "failedOperations",
                             "failedBatches", "retries", "errorMessages", "batch", "operations", "wasTerminated",
                             "failedParams", "updateStatistics"]
    assert (row["batches"], row["total"], row["committedOperations"], row["failedBatches"]) == (3, 25, 25, 0)
    assert row["batch"] == {"total": 3, "failed": 0, "committed": 3, "errors": {}}
    assert row["updateStatistics"]["propertiesSet"] == 25
    assert session.run("MATCH (p:P) WHERE p.done RETURN count(*) AS c").single()["c"] == 25


def test_a_failing_batch_is_counted_and_the_others_stay_committed(session):
    session.run("UNWIND range(1, 20) AS i CREATE (:P {i: i})").consume()
    row = session.run(ITERATE, iterate="MATCH (p:P) RETURN p ORDER BY p.i",
                      action="SET p.x = 10 / (p.i - 7)", config={"batchSize": 5, "failedParams": 0}).single()
    assert (row["batches"], row["failedBatches"], row["failedOperations"], row["committedOperations"]) == (4, 1, 5, 15)
    assert row["errorMessages"] == {"/ by zero": 1}
    assert row["batch"]["errors"] == {"org.neo4j.graphdb.QueryExecutionException: / by zero": 1}
    assert list(row["failedParams"]) == ["1"] and len(row["failedParams"]["1"]) == 1
    assert session.run("MATCH (p:P) WHERE p.x IS NOT NULL RETURN count(*) AS c").single()["c"] == 15, \
        "the failed batch left nothing, the others stayed"


def test_iterate_modes_single_and_retries(session):
    session.run("UNWIND range(1, 6) AS i CREATE (:P {i: i})").consume()
    row = session.run(ITERATE, iterate="MATCH (p:P) RETURN p.i AS i", action="CREATE (:Q {i: $i})",
                      config={"batchSize": 4, "batchMode": "SINGLE"}).single()
    assert (row["batches"], row["committedOperations"], row["updateStatistics"]["nodesCreated"]) == (2, 6, 6)
    row = session.run(ITERATE, iterate="RETURN 1 AS i", action="RETURN 1 / 0", config={"retries": 2}).single()
    assert (row["retries"], row["failedBatches"], row["failedOperations"]) == (2, 1, 3)


def test_iterate_is_refused_in_an_explicit_transaction(session):
    with session.begin_transaction() as tx:
        with pytest.raises(Neo4jError) as caught:
            tx.run(ITERATE, iterate="RETURN 1 AS x", action="CREATE (:Never)", config={}).consume()
        tx.rollback()
    assert caught.value.code == "Neo.DatabaseError.Transaction.TransactionStartFailed"
    assert count(session, "Never") == 0


def test_iterate_config_is_checked(session):
    with pytest.raises(ClientError, match="batchSize parameter must be > 0"):
        session.run(ITERATE, iterate="RETURN 1 AS x", action="RETURN x", config={"batchSize": 0}).consume()


def test_batches_carry_the_callers_privileges(secure, admin):
    admin.run("UNWIND range(1, 3) AS i CREATE (:Doc {i: i})").consume()
    with user_session(secure, admin, "docs", "GRANT MATCH {*} ON GRAPH * NODES *",
              "GRANT SET PROPERTY {seen} ON GRAPH * NODES Doc") as docs:
        row = docs.run(ITERATE, iterate="MATCH (d:Doc) RETURN d", action="CREATE (:Forged)",
                       config={"batchSize": 1}).single()
        assert (row["failedBatches"], row["committedOperations"]) == (3, 0)
        assert all("not allowed" in message for message in row["errorMessages"])
        row = docs.run(ITERATE, iterate="MATCH (d:Doc) RETURN d", action="SET d.seen = true",
                       config={"batchSize": 1}).single()
        assert (row["failedBatches"], row["committedOperations"]) == (0, 3)
    assert count(admin, "Forged") == 0


def test_batches_meet_the_memory_limit_and_fail_alone():
    with DBMS.in_memory(transaction_memory_max=200_000) as dbms, dbms.session() as session:
        row = session.run(ITERATE, iterate="UNWIND [10, 5000] AS n RETURN n",
                          action="UNWIND range(1, n) AS i CREATE (:M {pad: '" + "p" * 50 + "'})",
                          config={"batchSize": 1}).single()
        assert (row["failedBatches"], row["committedOperations"]) == (1, 1)
        assert count(session, "M") == 10


def test_terminating_the_caller_stops_iterate_and_keeps_committed_batches(dbms):
    outcome = {}

    def work():
        with dbms.session() as session:
            try:
                session.run(ITERATE, iterate="UNWIND range(1, 100000) AS i RETURN i",
                            action="CREATE (:Slow {i: i})", config={"batchSize": 10}).consume()
            except Neo4jError as error:
                outcome["error"] = error
    thread = threading.Thread(target=work)
    thread.start()
    with dbms.session() as admin:
        deadline = time.monotonic() + 20
        while count(admin, "Slow") == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        ids = [r["transactionId"] for r in admin.run("SHOW TRANSACTIONS YIELD transactionId, currentQuery "
                                                      "WHERE currentQuery STARTS WITH 'CALL apoc.periodic' "
                                                      "RETURN transactionId").data()]
        assert ids, "the call and its batch are listed"
        admin.run("TERMINATE TRANSACTIONS $ids", ids=ids).consume()
        thread.join(20)
        assert not thread.is_alive()
        assert outcome["error"].code == "Neo.ClientError.Transaction.Terminated"
        committed = count(admin, "Slow")
        assert 0 < committed < 100000 and committed % 10 == 0, "whole batches stayed committed"


def test_terminating_the_caller_stops_an_inner_statement(dbms):
    outcome = {}

    def work():
        with dbms.session() as session:
            try:
                session.run("CALL apoc.cypher.run('UNWIND range(1, 100000000) AS i RETURN i', {}) YIELD value "
                            "RETURN count(*)").consume()
            except Neo4jError as error:
                outcome["error"] = error
    thread = threading.Thread(target=work)
    thread.start()
    time.sleep(0.3)
    with dbms.session() as admin:
        ids = [r["transactionId"] for r in admin.run("SHOW TRANSACTIONS YIELD transactionId, currentQuery "
                                                      "WHERE currentQuery CONTAINS 'cypher.run' "
                                                      "RETURN transactionId").data()]
        admin.run("TERMINATE TRANSACTIONS $ids", ids=ids).consume()
    thread.join(20)
    assert not thread.is_alive()
    assert outcome["error"].code == "Neo.ClientError.Transaction.Terminated"


# --- apoc.path.* ----------------------------------------------------------------------------------------------

@pytest.fixture
def people(session):
    session.run("CREATE (a:Person {name: 'a'})-[:KNOWS]->(b:Person {name: 'b'})-[:KNOWS]->(c:Person {name: 'c'}), "
                "(c)-[:WORKS_WITH]->(d:Robot {name: 'd'}), (e:Person {name: 'e'})-[:FOLLOWS]->(a), "
                "(b)-[:KNOWS]->(x:Banned {name: 'x'})-[:KNOWS]->(y:Person {name: 'y'})").consume()
    return session


def names(rows, key="path"):
    return sorted("".join(node["name"] for node in row[key].nodes) for row in rows)


def test_expand_config_follows_the_relationship_and_label_filters(people):
    rows = people.run("MATCH (a {name: 'a'}) CALL apoc.path.expandConfig(a, {relationshipFilter: 'KNOWS>', "
                      "labelFilter: '+Person|-Banned', minLevel: 1, maxLevel: 3}) YIELD path RETURN path").data()
    assert names(rows) == ["ab", "abc"]
    rows = people.run("MATCH (a {name: 'a'}) CALL apoc.path.expandConfig(a, {relationshipFilter: 'KNOWS>|<FOLLOWS'"
                      ", labelFilter: '>Person', maxLevel: 2}) YIELD path RETURN path").data()
    assert names(rows) == ["ab", "abc", "ae"], "only paths ending at a Person, the start node not included"
    rows = people.run("MATCH (a {name: 'a'}) CALL apoc.path.expandConfig(a, {labelFilter: '/Robot'}) "
                      "YIELD path RETURN path").data()
    assert names(rows) == ["abcd"]


def test_expand_and_subgraph_nodes(people):
    rows = people.run("MATCH (a {name: 'a'}) CALL apoc.path.expand(a, 'KNOWS>', '', 0, 1) YIELD path "
                      "RETURN path").data()
    assert names(rows) == ["a", "ab"]
    nodes = people.run("MATCH (a {name: 'a'}) CALL apoc.path.subgraphNodes(a, {relationshipFilter: 'KNOWS>', "
                       "labelFilter: '-Banned'}) YIELD node RETURN node.name AS n").data()
    assert sorted(r["n"] for r in nodes) == ["a", "b", "c"]
    record = people.run("MATCH (a {name: 'a'}) CALL apoc.path.subgraphAll(a, {relationshipFilter: 'KNOWS>'}) "
                        "YIELD nodes, relationships RETURN size(nodes) AS n, size(relationships) AS r").single()
    assert (record["n"], record["r"]) == (5, 4)
    with pytest.raises(ClientError, match="minLevel can only be 0 or 1 in subgraphNodes"):
        people.run("MATCH (a {name: 'a'}) CALL apoc.path.subgraphNodes(a, {minLevel: 2}) YIELD node RETURN node"
                   ).consume()


def test_paths_see_only_what_the_caller_may_read(secure, admin):
    admin.run("CREATE (:Person {name: 'a'})-[:KNOWS]->(:Secret {name: 's'})-[:KNOWS]->(:Person {name: 'p'})"
              ).consume()
    with user_session(secure, admin, "limited", "GRANT MATCH {*} ON GRAPH * NODES Person",
              "GRANT MATCH {*} ON GRAPH * RELATIONSHIPS *") as limited:
        rows = limited.run("MATCH (a {name: 'a'}) CALL apoc.path.subgraphNodes(a, {}) YIELD node "
                           "RETURN node.name AS n").data()
        assert [r["n"] for r in rows] == ["a"]


def test_paths_see_the_callers_uncommitted_changes_only(people, dbms):
    with people.begin_transaction() as tx:
        tx.run("MATCH (c {name: 'c'}) CREATE (c)-[:KNOWS]->(:Person {name: 'z'})").consume()
        inside = tx.run("MATCH (a {name: 'a'}) CALL apoc.path.subgraphNodes(a, {relationshipFilter: 'KNOWS>', "
                        "labelFilter: '-Banned'}) YIELD node RETURN collect(node.name) AS n").single()["n"]
        with dbms.session() as other:
            outside = other.run("MATCH (a {name: 'a'}) CALL apoc.path.subgraphNodes(a, {relationshipFilter: "
                                "'KNOWS>', labelFilter: '-Banned'}) YIELD node RETURN collect(node.name) AS n"
                                ).single()["n"]
        tx.rollback()
    assert sorted(inside) == ["a", "b", "c", "z"]
    assert sorted(outside) == ["a", "b", "c"]


def test_node_lists_limit_optional_and_spanning_tree(people):
    def paths(config, start="a"):
        return names(people.run("MATCH (s {name: $start}) CALL apoc.path.expandConfig(s, $config) YIELD path "
                                "RETURN path", start=start, config=config).data())
    # Node lists may name nodes by element id (a driver cannot send nodes).
    nodes = {r["n"]: r["id"] for r in people.run("MATCH (n) RETURN n.name AS n, elementId(n) AS id").data()}
    assert paths({"relationshipFilter": "KNOWS>", "terminatorNodes": [nodes["b"]]}) == ["ab"]
    assert paths({"relationshipFilter": "KNOWS>", "endNodes": [nodes["c"]]}) == ["abc"]
    assert paths({"relationshipFilter": "KNOWS>", "denylistNodes": [nodes["x"]], "minLevel": 1}) == ["ab", "abc"]
    assert paths({"relationshipFilter": "KNOWS>", "limit": 2}) == ["a", "ab"], "breadth-first, the start first"
    rows = people.run("MATCH (d {name: 'd'}) CALL apoc.path.expandConfig(d, {relationshipFilter: 'KNOWS>', "
                      "minLevel: 1, optional: true}) YIELD path RETURN path").data()
    assert rows == [{"path": None}]
    rows = people.run("MATCH (a {name: 'a'}) CALL apoc.path.spanningTree(a, {relationshipFilter: 'KNOWS>'}) "
                      "YIELD path RETURN path").data()
    assert names(rows) == ["a", "ab", "abc", "abx", "abxy"]
    rows = people.run("MATCH (a {name: 'a'}) CALL apoc.path.expandConfig(a, {sequence: 'Person,KNOWS>,Person,"
                      "KNOWS>', minLevel: 1, maxLevel: 2}) YIELD path RETURN path").data()
    assert names(rows) == ["ab", "abc"], "the labels and relationships alternate; Banned x is no Person"


def test_params_may_hold_the_callers_nodes(people):
    rows = people.run("MATCH (a {name: 'a'}) CALL apoc.cypher.run('MATCH (n)-[:KNOWS]->(m) RETURN m.name AS m', "
                      "{n: a}) YIELD value RETURN value.m AS m").data()
    assert rows == [{"m": "b"}]


def test_an_unknown_uniqueness_is_refused_as_apoc_refuses_it(people):
    with pytest.raises(ClientError) as caught:
        people.run("MATCH (a {name: 'a'}) CALL apoc.path.expandConfig(a, {uniqueness: 'NODE_GLOBALS'}) "
                   "YIELD path RETURN path").consume()
    assert caught.value.message == (
        "Failed to invoke procedure `apoc.path.expandConfig`: Caused by: java.lang.RuntimeException: Invalid "
        "uniqueness: 'NODE_GLOBALS'. Must be one of: NODE_GLOBAL, NODE_PATH, NODE_RECENT, NODE_LEVEL, "
        "RELATIONSHIP_GLOBAL, RELATIONSHIP_PATH, RELATIONSHIP_RECENT, RELATIONSHIP_LEVEL, NONE.")
