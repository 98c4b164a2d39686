"""Memgraph's triggers (issue 16): CREATE/DROP TRIGGER and SHOW TRIGGERS, the predefined variables of each event
type with Memgraph's shapes, BEFORE COMMIT inside the committing transaction, AFTER COMMIT in transactions of their
own off the client's path, durability in every storage mode, and the privileges they run with."""
from __future__ import annotations

import time

import pytest

from behaviour_support import user_session
from graphplex import DBMS
from graphplex.errors import ClientError, Neo4jError


def run(session, *queries: str) -> None:
    for query in queries:
        session.run(query).consume()


def rows(session, query: str) -> list[dict]:
    return [dict(record) for record in session.run(query)]


def eventually(session, query: str, expected, seconds: float = 10.0):
    """What `query` returns once an AFTER COMMIT trigger (run asynchronously) has done its work."""
    deadline = time.monotonic() + seconds
    while True:
        value = session.run(query).value()
        if value == expected or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


def recorded(session, trigger_statement: str, event: str, *queries: str) -> list:
    """What a BEFORE COMMIT trigger on `event` returns for the changes of `queries`: it stores `collect(x)` of its
    statement's `x` on a :Seen node, which the test reads back."""
    run(session, f"CREATE TRIGGER probe ON {event} BEFORE COMMIT EXECUTE {trigger_statement} "
                 "WITH collect(toString(x)) AS xs CREATE (:Seen {value: xs})")
    run(session, *queries)
    values = session.run("MATCH (s:Seen) RETURN s.value").value()
    run(session, "DROP TRIGGER probe", "MATCH (s:Seen) DELETE s")
    return values


# --- administration -------------------------------------------------------------------------------------------

def test_show_triggers_has_memgraphs_columns_and_values(session):
    result = session.run("SHOW TRIGGERS")
    assert result.keys() == ["trigger name", "statement", "privilege context", "event type", "phase", "owner"]
    assert list(result) == []
    run(session, "CREATE TRIGGER later AFTER COMMIT EXECUTE RETURN 1",
        "CREATE TRIGGER first SECURITY INVOKER ON --> UPDATE BEFORE COMMIT EXECUTE\n  RETURN 2 ;")
    assert rows(session, "SHOW TRIGGER INFO") == [
        {"trigger name": "first", "statement": "RETURN 2", "privilege context": "INVOKER",
         "event type": "--> UPDATE", "phase": "BEFORE COMMIT", "owner": None},
        {"trigger name": "later", "statement": "RETURN 1", "privilege context": "DEFINER", "event type": "ANY",
         "phase": "AFTER COMMIT", "owner": None},
    ]
    run(session, "DROP TRIGGER first")
    assert session.run("SHOW TRIGGERS").value() == ["later"]


def test_a_taken_name_and_an_unknown_one_are_memgraphs_errors(session):
    run(session, "CREATE TRIGGER t ON CREATE AFTER COMMIT EXECUTE RETURN 1")
    with pytest.raises(ClientError) as caught:
        run(session, "CREATE TRIGGER t ON DELETE BEFORE COMMIT EXECUTE RETURN 1")
    assert caught.value.message == "Trigger with the same name already exists."
    with pytest.raises(ClientError) as caught:
        run(session, "DROP TRIGGER missing")
    assert caught.value.message == "Trigger with name 'missing' doesn't exist"


def test_a_variable_the_event_does_not_offer_fails_creation(session):
    with pytest.raises(ClientError) as caught:
        run(session, "CREATE TRIGGER t ON () CREATE BEFORE COMMIT EXECUTE UNWIND createdEdges AS e SET e.x = 1")
    assert caught.value.message.startswith("Failed creating the trigger.\nError message: 'Variable `createdEdges` "
                                           "not defined'")
    assert caught.value.message.endswith("Allowed variables for event '() CREATE' are: createdVertices")
    assert session.run("SHOW TRIGGERS").value() == []


def test_a_trigger_statement_that_is_no_query_fails_creation(session):
    with pytest.raises(ClientError):
        run(session, "CREATE TRIGGER t BEFORE COMMIT EXECUTE CREATE INDEX ON :L(p)")
    with pytest.raises(ClientError):
        run(session, "CREATE TRIGGER t BEFORE COMMIT EXECUTE MATCH (n RETURN n")
    assert session.run("SHOW TRIGGERS").value() == []


@pytest.mark.parametrize("query", ["CREATE TRIGGER t BEFORE COMMIT EXECUTE RETURN 1", "DROP TRIGGER t",
                                   "SHOW TRIGGERS"])
def test_trigger_statements_are_refused_in_an_explicit_transaction(session, query):
    tx = session.begin_transaction()
    with pytest.raises(ClientError) as caught:
        tx.run(query).consume()
    assert caught.value.code == "Neo.ClientError.Transaction.ForbiddenDueToTransactionType"
    assert caught.value.message.startswith("Managing triggers is not allowed in multicommand transactions.")
    tx.rollback()


def test_triggers_belong_to_their_database(dbms, session, other_db):
    run(session, "CREATE TRIGGER t ON () CREATE BEFORE COMMIT EXECUTE UNWIND createdVertices AS v SET v.seen = 1")
    run(session, "USE other CREATE (:X)", "CREATE (:X)")
    assert session.run("USE other MATCH (x:X) RETURN x.seen").value() == [None]
    assert session.run("MATCH (x:X) RETURN x.seen").value() == [1]
    with dbms.session(database=other_db) as other:
        assert other.run("SHOW TRIGGERS").value() == []
        run(other, "CREATE TRIGGER t ON () CREATE BEFORE COMMIT EXECUTE UNWIND createdVertices AS v SET v.seen = 2",
            "CREATE (:Y)")
        assert other.run("MATCH (y:Y) RETURN y.seen").value() == [2]
    assert session.run("SHOW TRIGGERS").values() == [
        ["t", "UNWIND createdVertices AS v SET v.seen = 1", "DEFINER", "() CREATE", "BEFORE COMMIT", None]]


# --- the predefined variables -----------------------------------------------------------------------------------

def test_created_vertices_edges_and_objects(session):
    assert recorded(session, "UNWIND createdVertices AS v WITH v.name AS x", "CREATE",
                    "CREATE (:P {name: 'a'})-[:R]->(:P {name: 'b'})") == [["a", "b"]]
    assert recorded(session, "UNWIND createdEdges AS e WITH type(e) AS x", "CREATE",
                    "CREATE (:P)-[:R]->(:P)") == [["R"]]
    objects = recorded(session, "UNWIND createdObjects AS o WITH o.event_type + ':' + "
                       "coalesce(o.vertex.name, type(o.edge)) AS x", "CREATE",
                       "CREATE (:P {name: 'c'})-[:T]->(:P {name: 'd'})")
    assert objects == [["created_vertex:c", "created_vertex:d", "created_edge:T"]]


def test_deleted_entities_are_still_readable(session):
    run(session, "CREATE (:P {name: 'a'})-[:R {w: 1}]->(:P {name: 'b'})")
    assert recorded(session, "UNWIND deletedObjects AS o WITH o.event_type + ':' + "
                    "coalesce(o.vertex.name, toString(o.edge.w)) AS x", "DELETE",
                    "MATCH (a:P {name: 'a'}) DETACH DELETE a") == [["deleted_vertex:a", "deleted_edge:1"]]


def test_an_entity_created_and_deleted_in_one_transaction_is_neither(session):
    run(session, "CREATE TRIGGER t BEFORE COMMIT EXECUTE "
                 "WITH size(createdVertices) + size(deletedVertices) AS n WHERE n > 0 CREATE (:Fired)")
    run(session, "CREATE (p:P) WITH p DELETE p")
    assert session.run("MATCH (f:Fired) RETURN count(f)").value() == [0]


def test_set_and_removed_properties_with_old_and_new_values(session):
    run(session, "CREATE (:P {a: 1, b: 2, c: 3})-[:R {w: 1, z: 0}]->(:Q)")
    assert recorded(session, "UNWIND setVertexProperties AS s WITH s.key + '=' + coalesce(toString(s.old), 'null') "
                    "+ '>' + toString(s.new) + ':' + toString(s.vertex.a) AS x", "() UPDATE",
                    "MATCH (p:P) SET p.a = 10, p.a = 11, p.d = 4, p.c = 3, p.b = null") == \
        [["a=1>11:11", "d=null>4:11"]]
    assert recorded(session, "UNWIND removedVertexProperties AS r WITH r.key + '=' + toString(r.old) AS x",
                    "() UPDATE", "MATCH (p:P) REMOVE p.d SET p.c = null") == [["c=3", "d=4"]]
    assert recorded(session, "UNWIND setEdgeProperties AS s WITH s.key + '>' + toString(s.new) + type(s.edge) AS x",
                    "--> UPDATE", "MATCH ()-[r:R]->() SET r.w = 2") == [["w>2R"]]
    assert recorded(session, "UNWIND removedEdgeProperties AS r WITH r.key + '=' + toString(r.old) AS x",
                    "--> UPDATE", "MATCH ()-[r:R]->() REMOVE r.z") == [["z=0"]]


def test_a_value_set_back_to_what_it_was_is_no_change(session):
    run(session, "CREATE (:P {a: 1})", "CREATE TRIGGER t ON UPDATE BEFORE COMMIT EXECUTE CREATE (:Fired)")
    run(session, "MATCH (p:P) SET p.a = 2 SET p.a = 1")
    assert session.run("MATCH (f:Fired) RETURN count(f)").value() == [0]


def test_set_and_removed_labels_grouped_by_label(session):
    run(session, "CREATE (:P {name: 'a'}), (:P:Old {name: 'b'})")
    assert recorded(session, "UNWIND setVertexLabels AS s UNWIND s.vertices AS v WITH s.label + ':' + v.name AS x",
                    "() UPDATE", "MATCH (p:P) SET p:New") == [["New:a", "New:b"]]
    assert recorded(session, "UNWIND removedVertexLabels AS r WITH r.label + ':' + "
                    "toString(size(r.vertices)) AS x", "UPDATE", "MATCH (p:P) REMOVE p:Old") == [["Old:1"]]


def test_updated_vertices_edges_and_objects_tag_each_event(session):
    run(session, "CREATE (:P {a: 1, b: 1})-[:R {w: 1}]->(:Q)")
    objects = recorded(session, "UNWIND updatedObjects AS u WITH u.event_type + ':' + "
                       "coalesce(u.key, u.label) AS x", "UPDATE",
                       "MATCH (p:P)-[r:R]->() SET p.a = 2, r.w = 2, p:L REMOVE p.b, r.w")
    assert objects == [["set_vertex_property:a", "removed_vertex_property:b", "removed_edge_property:w",
                        "set_vertex_label:L"]]
    assert recorded(session, "UNWIND updatedVertices AS u WITH u.event_type AS x", "() UPDATE",
                    "MATCH (p:P) SET p.a = 3 REMOVE p:L") == [["set_vertex_property", "removed_vertex_label"]]
    assert recorded(session, "UNWIND updatedEdges AS u WITH u.event_type + ':' + toString(u.new) AS x",
                    "--> UPDATE", "MATCH ()-[r:R]->() SET r.w = 5") == [["set_edge_property:5"]]


def test_an_event_on_nodes_ignores_relationships(session):
    run(session, "CREATE (:A), (:B)",
        "CREATE TRIGGER t ON () CREATE BEFORE COMMIT EXECUTE UNWIND createdVertices AS v CREATE (:Fired)")
    run(session, "MATCH (a:A), (b:B) CREATE (a)-[:R]->(b)")
    assert session.run("MATCH (f:Fired) RETURN count(f)").value() == [0]


# --- phases ---------------------------------------------------------------------------------------------------

def test_before_commit_writes_are_part_of_the_transaction(session):
    run(session, "CREATE TRIGGER stamp ON () CREATE BEFORE COMMIT EXECUTE "
                 "UNWIND createdVertices AS v SET v.stamped = true")
    tx = session.begin_transaction()
    tx.run("CREATE (:P {n: 1})").consume()
    assert tx.run("MATCH (p:P) RETURN p.stamped").value() == [None]
    tx.commit()
    assert session.run("MATCH (p:P) RETURN p.stamped").value() == [True]


def test_a_failing_before_commit_trigger_rolls_everything_back(session):
    run(session, "CREATE TRIGGER strict ON () CREATE BEFORE COMMIT EXECUTE "
                 "UNWIND createdVertices AS v SET v.ratio = 1 / v.n")
    with pytest.raises(Neo4jError) as caught:
        run(session, "CREATE (:P {n: 0})")
    assert caught.value.code == "Neo.ClientError.Statement.ArithmeticError"
    assert caught.value.message.startswith("Trigger 'strict' caused the transaction to fail.\nException: ")
    assert session.run("MATCH (p:P) RETURN count(p)").value() == [0]
    run(session, "CREATE (:P {n: 4})")
    assert session.run("MATCH (p:P) RETURN p.ratio").value() == [0]


def test_after_commit_runs_in_its_own_transaction_and_its_failure_stays_off_the_client(session):
    run(session, "CREATE TRIGGER broken ON () CREATE AFTER COMMIT EXECUTE "
                 "UNWIND createdVertices AS v SET v.ratio = 1 / v.n",
        "CREATE TRIGGER audit ON () CREATE AFTER COMMIT EXECUTE "
        "UNWIND createdVertices AS v CREATE (:Audit {n: v.n})")
    run(session, "CREATE (:P {n: 0})")  # the failure of `broken` is logged, not raised
    assert eventually(session, "MATCH (a:Audit) RETURN a.n", [0]) == [0]
    assert session.run("MATCH (p:P) RETURN p.n, p.ratio").values() == [[0, None]]


def test_after_commit_sees_the_committed_graph_and_deleted_entities(session):
    run(session, "CREATE (:P {name: 'gone'})",
        "CREATE TRIGGER obituary ON () DELETE AFTER COMMIT EXECUTE "
        "UNWIND deletedVertices AS v CREATE (:Obituary {name: v.name, labels: labels(v)})")
    run(session, "MATCH (p:P) DELETE p")
    assert eventually(session, "MATCH (o:Obituary) RETURN [o.name, o.labels]", [["gone", ["P"]]]) == \
        [["gone", ["P"]]]


def test_trigger_writes_do_not_fire_triggers(session):
    run(session, "CREATE TRIGGER before ON () CREATE BEFORE COMMIT EXECUTE "
                 "UNWIND createdVertices AS v CREATE (:Echo)",
        "CREATE TRIGGER after ON () CREATE AFTER COMMIT EXECUTE UNWIND createdVertices AS v CREATE (:Later)")
    run(session, "CREATE (:P)")
    assert eventually(session, "MATCH (l:Later) RETURN count(l)", [1]) == [1]
    time.sleep(0.2)
    assert session.run("MATCH (n) RETURN labels(n)[0] AS l, count(*) ORDER BY l").values() == \
        [["Echo", 1], ["Later", 1], ["P", 1]]


def test_a_read_only_transaction_fires_nothing(session):
    run(session, "CREATE TRIGGER t BEFORE COMMIT EXECUTE CREATE (:Fired)")
    run(session, "MATCH (n) RETURN n", "RETURN 1")
    assert session.run("MATCH (f:Fired) RETURN count(f)").value() == [0]


# --- durability ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["IN_MEMORY_TRANSACTIONAL", "IN_MEMORY_ANALYTICAL", "ON_DISK_TRANSACTIONAL"])
def test_triggers_survive_a_reopen_in_every_storage_mode(tmp_path, mode):
    with DBMS.open(tmp_path, storage_mode=mode) as dbms, dbms.session() as session:
        run(session, "CREATE TRIGGER stamp ON () CREATE BEFORE COMMIT EXECUTE "
                     "UNWIND createdVertices AS v SET v.stamped = true",
            "CREATE TRIGGER gone AFTER COMMIT EXECUTE RETURN 1", "DROP TRIGGER gone")
    with DBMS.open(tmp_path, storage_mode=mode) as dbms, dbms.session() as session:
        assert session.run("SHOW TRIGGERS").values() == [
            ["stamp", "UNWIND createdVertices AS v SET v.stamped = true", "DEFINER", "() CREATE", "BEFORE COMMIT",
             None]]
        run(session, "CREATE (:P)")
        assert session.run("MATCH (p:P) RETURN p.stamped").value() == [True]


# --- privileges ---------------------------------------------------------------------------------------------------

def test_managing_triggers_needs_the_schema_management_privileges(secure, admin):
    with user_session(secure, admin, "ivy", "GRANT INDEX MANAGEMENT ON DATABASE *") as ivy:
        with pytest.raises(ClientError) as caught:
            run(ivy, "CREATE TRIGGER t BEFORE COMMIT EXECUTE RETURN 1")
        assert caught.value.code == "Neo.ClientError.Security.Forbidden"
    with user_session(secure, admin, "sam", "GRANT INDEX MANAGEMENT ON DATABASE *",
                      "GRANT CONSTRAINT MANAGEMENT ON DATABASE *",
                      "GRANT SHOW INDEX ON DATABASE *",
                      "GRANT SHOW CONSTRAINT ON DATABASE *") as sam:
        run(sam, "CREATE TRIGGER t BEFORE COMMIT EXECUTE RETURN 1")
        assert sam.run("SHOW TRIGGERS").values() == [["t", "RETURN 1", "DEFINER", "ANY", "BEFORE COMMIT", "sam"]]
        run(sam, "DROP TRIGGER t")


def test_a_definer_trigger_runs_with_its_owners_privileges_an_invoker_one_with_the_users(secure, admin):
    run(admin, "CREATE TRIGGER audit ON () CREATE BEFORE COMMIT EXECUTE UNWIND createdVertices AS v CREATE (:Audit)")
    with user_session(secure, admin, "bob", "GRANT MATCH {*} ON GRAPH *",
                      "GRANT CREATE ON GRAPH * NODES Person", "GRANT NAME MANAGEMENT ON DATABASE *") as bob:
        run(bob, "CREATE (:Person)")
        assert admin.run("MATCH (a:Audit) RETURN count(a)").value() == [1]
        run(admin, "DROP TRIGGER audit", "CREATE TRIGGER audit SECURITY INVOKER ON () CREATE BEFORE COMMIT "
                   "EXECUTE UNWIND createdVertices AS v CREATE (:Audit)")
        with pytest.raises(ClientError) as caught:
            run(bob, "CREATE (:Person)")
        assert caught.value.code == "Neo.ClientError.Security.Forbidden"
    assert admin.run("MATCH (p:Person) RETURN count(p)").value() == [1]


def test_an_invoker_trigger_calls_the_dbmss_own_function_only_if_the_user_may(secure, admin):
    @secure.function("my.stamp")
    def stamp(ctx) -> str:
        return "stamped"

    run(admin, "CREATE TRIGGER stamping SECURITY INVOKER ON () CREATE BEFORE COMMIT EXECUTE "
               "UNWIND createdVertices AS v SET v.stamp = my.stamp()")
    with user_session(secure, admin, "eve", "GRANT MATCH {*} ON GRAPH *", "GRANT WRITE ON GRAPH *",
                      "GRANT NAME MANAGEMENT ON DATABASE *", "DENY EXECUTE FUNCTION my.* ON DBMS") as eve:
        with pytest.raises(ClientError) as caught:
            run(eve, "CREATE (:Person)")
        assert caught.value.code == "Neo.ClientError.Security.Forbidden"
    assert admin.run("MATCH (p:Person) RETURN count(p)").value() == [0]


def test_triggers_stay_through_a_change_of_storage_mode(tmp_path):
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        run(session, "CREATE TRIGGER stamp ON () CREATE BEFORE COMMIT EXECUTE "
                     "UNWIND createdVertices AS v SET v.stamped = true", "STORAGE MODE ON_DISK_TRANSACTIONAL")
        assert session.run("SHOW TRIGGERS").value() == ["stamp"]
        run(session, "CREATE (:P)")
        assert session.run("MATCH (p:P) RETURN p.stamped").value() == [True]
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        assert session.run("SHOW TRIGGERS").value() == ["stamp"]
        run(session, "MATCH (p:P) DELETE p", "STORAGE MODE IN_MEMORY_ANALYTICAL")
        assert session.run("SHOW TRIGGERS").value() == ["stamp"]


SLOW = "UNWIND range(1, 50000000) AS i WITH count(i) AS c"


def test_a_before_commit_trigger_runs_under_the_transactions_timeout(session):
    run(session, f"CREATE TRIGGER slow ON () CREATE BEFORE COMMIT EXECUTE {SLOW} CREATE (:Done)")
    tx = session.begin_transaction(timeout=0.3)
    tx.run("CREATE (:P)").consume()
    started = time.monotonic()
    with pytest.raises(Neo4jError) as caught:
        tx.commit()
    assert time.monotonic() - started < 10
    assert caught.value.code == "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"
    assert caught.value.message.startswith("Trigger 'slow' caused the transaction to fail.")
    assert session.run("MATCH (n) RETURN count(n)").value() == [0]


def test_an_after_commit_trigger_is_a_transaction_the_dbms_times_out(caplog):
    with DBMS.in_memory(transaction_timeout=0.3) as dbms, dbms.session() as session:
        run(session, f"CREATE TRIGGER slow ON () CREATE AFTER COMMIT EXECUTE {SLOW} CREATE (:Done)",
            "CREATE TRIGGER quick ON () CREATE AFTER COMMIT EXECUTE CREATE (:Quick)")
        with caplog.at_level("WARNING", logger="graphplex.triggers"):
            run(session, "CREATE (:P)")
            deadline = time.monotonic() + 10
            while not any("Trigger 'slow' failed" in r.message for r in caplog.records) and time.monotonic() < deadline:
                time.sleep(0.02)
        assert any("Trigger 'slow' failed with exception" in record.message for record in caplog.records)
        assert session.run("MATCH (n) RETURN labels(n)[0] AS l ORDER BY l").value() == ["P", "Quick"]


def test_a_definer_trigger_whose_owner_is_gone_fails_as_memgraphs(secure, admin):
    with user_session(secure, admin, "carl", "GRANT ALL DATABASE PRIVILEGES ON DATABASE *",
                      "GRANT ALL GRAPH PRIVILEGES ON GRAPH *") as carl:
        run(carl, "CREATE TRIGGER t ON () CREATE BEFORE COMMIT EXECUTE UNWIND createdVertices AS v SET v.x = 1")
    run(admin, "DROP USER carl")
    with pytest.raises(ClientError) as caught:
        run(admin, "CREATE (:P)")
    assert caught.value.code == "Neo.ClientError.Security.Forbidden"
    assert caught.value.message == ("Trigger 't' caused the transaction to fail.\nException: The owner of trigger 't' "
                                    "is not authorized to execute the query!")
    run(admin, "DROP TRIGGER t", "CREATE (:P)")


@pytest.mark.parametrize("mode", ["IN_MEMORY_TRANSACTIONAL", "IN_MEMORY_ANALYTICAL", "ON_DISK_TRANSACTIONAL"])
def test_a_trigger_keeps_the_parameters_it_was_created_with(tmp_path, mode):
    with DBMS.open(tmp_path, storage_mode=mode) as dbms, dbms.session() as session:
        with pytest.raises(ClientError) as caught:
            run(session, "CREATE TRIGGER tag ON () CREATE BEFORE COMMIT EXECUTE "
                         "UNWIND createdVertices AS v SET v.tag = $tag")
        assert "Expected parameter(s): tag" in caught.value.message
        session.run("CREATE TRIGGER tag ON () CREATE BEFORE COMMIT EXECUTE "
                    "UNWIND createdVertices AS v SET v.tag = $tag, v.low = $limits.low",
                    tag="first", limits={"low": [1, 2]}, unused=3).consume()
        session.run("CREATE (:P)", tag="ignored").consume()
        assert session.run("MATCH (p:P) RETURN p.tag, p.low").values() == [["first", [1, 2]]]
    with DBMS.open(tmp_path, storage_mode=mode) as dbms, dbms.session() as session:
        run(session, "MATCH (p:P) DELETE p", "CREATE (:P)")
        assert session.run("MATCH (p:P) RETURN p.tag").value() == ["first"]


def test_an_after_commit_trigger_is_listed_and_can_be_terminated(session, caplog):
    run(session, f"CREATE TRIGGER slow ON () CREATE AFTER COMMIT EXECUTE {SLOW} CREATE (:Done)")
    statement = f"{SLOW} CREATE (:Done)"
    with caplog.at_level("WARNING", logger="graphplex.triggers"):
        run(session, "CREATE (:P)")
        deadline = time.monotonic() + 10
        listed = []
        while not listed and time.monotonic() < deadline:
            listed = [row["transactionId"] for row in session.run("SHOW TRANSACTIONS")
                      if row["currentQuery"] == statement]
        assert listed, "the trigger's transaction is listed while it runs"
        assert session.run("TERMINATE TRANSACTION $id", id=listed[0]).single()["message"] == \
            "Transaction terminated."
        while not any("Trigger 'slow' failed" in r.message for r in caplog.records) and time.monotonic() < deadline:
            time.sleep(0.02)
    assert any("Trigger 'slow' failed with exception" in record.message for record in caplog.records)
    assert session.run("MATCH (d:Done) RETURN count(d)").value() == [0]


def test_a_before_commit_trigger_is_held_to_the_transactions_memory_limit():
    with DBMS.in_memory(transaction_memory_max=2_000_000) as dbms, dbms.session() as session:
        run(session, "CREATE TRIGGER greedy ON () CREATE BEFORE COMMIT EXECUTE "
                     "UNWIND range(1, 100000) AS i CREATE (:Copy {i: i, text: 'some text to hold'})")
        with pytest.raises(Neo4jError) as caught:
            run(session, "CREATE (:P)")
        assert caught.value.code == "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
        assert session.run("MATCH (n) RETURN count(n)").value() == [0]


@pytest.mark.parametrize("mode", ["IN_MEMORY_TRANSACTIONAL", "ON_DISK_TRANSACTIONAL"])
def test_an_after_commit_trigger_works_on_what_its_own_transaction_finds(tmp_path, mode):
    with DBMS.open(tmp_path, storage_mode=mode) as dbms, dbms.session() as session:
        run(session, "CREATE (:P {n: 1}), (:Q {n: 1})",
            "CREATE TRIGGER follow ON () UPDATE AFTER COMMIT EXECUTE "
            "UNWIND setVertexProperties AS s WITH s.vertex AS v, s.new AS n SET v.copy = n")
        run(session, "MATCH (p:P) SET p.n = 2", "MATCH (q:Q) SET q.n = 5 DELETE q")
        assert eventually(session, "MATCH (p:P) RETURN p.copy", [2]) == [2]
        time.sleep(0.2)
        assert session.run("MATCH (n) RETURN labels(n)[0], n.n, n.copy").values() == [["P", 2, 2]]


def test_a_before_commit_trigger_sees_updates_of_what_the_transaction_then_deleted(session):
    run(session, "CREATE (:P {n: 1})")
    assert recorded(session, "UNWIND setVertexProperties AS s WITH s.key + '>' + toString(s.new) AS x",
                    "() UPDATE", "MATCH (p:P) SET p.n = 2 DELETE p") == [["n>2"]]


def test_an_after_commit_trigger_runs_in_the_dialect_of_the_session_that_fired_it(dbms):
    """A Memgraph client's AFTER COMMIT trigger may store a map, as its BEFORE COMMIT one may (found in review:
    the AFTER COMMIT transaction took Neo4j's dialect and its map write failed, logged only)."""
    with dbms.session(dialect="memgraph") as memgraph:
        run(memgraph, "CREATE TRIGGER summary ON () CREATE AFTER COMMIT EXECUTE "
                      "UNWIND createdVertices AS v CREATE (:Summary {of: {name: v.name}})")
        run(memgraph, "CREATE (:P {name: 'a'})")
        assert eventually(memgraph, "MATCH (s:Summary) RETURN s.of", [{"name": "a"}]) == [{"name": "a"}]
