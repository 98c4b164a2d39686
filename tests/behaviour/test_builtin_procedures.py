"""The built-in procedures Neo4j 5.26 applications call (db.*, tx.*, dbms.listConfig), SHOW SETTINGS, and SHOW
PROCEDURES / SHOW FUNCTIONS with Neo4j's columns and categories, through the public API."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graphplex import DBMS, Query
from graphplex.errors import ClientError, Forbidden, Neo4jError

SETTING_COLUMNS = ["name", "value", "isDynamic", "defaultValue", "description"]
SETTING_EVERY = SETTING_COLUMNS + ["startupValue", "isExplicitlySet", "validValues", "isDeprecated"]


def rows(session, query: str, **parameters) -> list[dict]:
    return [record.data() for record in session.run(query, **parameters)]


# --- db.* ---------------------------------------------------------------------------------------------------

def test_db_ping_and_db_info(session, dbms):
    assert rows(session, "CALL db.ping()") == [{"success": True}]
    info = session.run("CALL db.info()").single()
    assert info.keys() == ["id", "name", "creationDate"]
    assert info["name"] == "neo4j"
    created = dt.datetime.fromisoformat(info["creationDate"].replace("Z", "+00:00"))
    assert abs((dt.datetime.now(dt.timezone.utc) - created).total_seconds()) < 60
    assert info["id"] == session.run("SHOW DATABASE neo4j YIELD databaseID").single()["databaseID"]


def test_tokens_in_use(session):
    session.run("CREATE (:Person {name: 'a'})-[:KNOWS {since: 1}]->(:Robot {serial: 2})").consume()
    assert {r["label"] for r in rows(session, "CALL db.labels()")} == {"Person", "Robot"}
    assert rows(session, "CALL db.relationshipTypes()") == [{"relationshipType": "KNOWS"}]
    assert rows(session, "CALL db.propertyKeys()") == [{"propertyKey": k} for k in ("name", "serial", "since")]


def test_node_type_properties_name_neo4j_value_types(session):
    session.run("CREATE (:Person {name: 'a', age: 1, tags: ['x'], born: date('2000-01-01')}),"
                " (:Person {name: 'b', age: 2.5}), (:Person:Admin {name: 'c'}), (:Empty)").consume()
    found = {(r["nodeType"], r["propertyName"]): r for r in rows(session, "CALL db.schema.nodeTypeProperties()")}
    assert found[(":`Person`", "name")] == {"nodeType": ":`Person`", "nodeLabels": ["Person"],
                                            "propertyName": "name", "propertyTypes": ["String"], "mandatory": True}
    assert sorted(found[(":`Person`", "age")]["propertyTypes"]) == ["Double", "Long"]
    assert found[(":`Person`", "tags")]["propertyTypes"] == ["StringArray"]
    assert found[(":`Person`", "tags")]["mandatory"] is False
    assert found[(":`Person`", "born")]["propertyTypes"] == ["Date"]
    assert found[(":`Admin`:`Person`", "name")]["nodeLabels"] == ["Admin", "Person"]
    assert found[(":`Empty`", None)] == {"nodeType": ":`Empty`", "nodeLabels": ["Empty"], "propertyName": None,
                                         "propertyTypes": None, "mandatory": False}


def test_rel_type_properties(session):
    session.run("CREATE ()-[:KNOWS {since: 1}]->(), ()-[:KNOWS]->(), ()-[:LIKES]->()").consume()
    assert rows(session, "CALL db.schema.relTypeProperties()") == [
        {"relType": ":`KNOWS`", "propertyName": "since", "propertyTypes": ["Long"], "mandatory": False},
        {"relType": ":`LIKES`", "propertyName": None, "propertyTypes": None, "mandatory": False},
    ]


def test_schema_visualization_gives_virtual_nodes_and_relationships(session):
    session.run("CREATE (:Person {name: 'a'})-[:KNOWS]->(:Person:Admin {name: 'b'})").consume()
    session.run("CREATE INDEX person_name FOR (p:Person) ON (p.name)").consume()
    session.run("CREATE CONSTRAINT admin_name FOR (a:Admin) REQUIRE a.name IS UNIQUE").consume()
    record = session.run("CALL db.schema.visualization()").single()
    nodes = {next(iter(node.labels)): node for node in record["nodes"]}
    assert set(nodes) == {"Person", "Admin"}
    assert all(int(node.element_id) < 0 for node in nodes.values())
    assert dict(nodes["Person"]) == {"name": "Person", "indexes": ["name"], "constraints": []}
    assert "name='admin_name'" in nodes["Admin"]["constraints"][0]
    pairs = {(next(iter(r.start_node.labels)), next(iter(r.end_node.labels))) for r in record["relationships"]}
    assert pairs == {("Person", "Person"), ("Person", "Admin")}, "every start label with every end label"
    assert {r.type for r in record["relationships"]} == {"KNOWS"}
    assert all(dict(r) == {"name": "KNOWS"} for r in record["relationships"])


def test_await_index_knows_the_index_names(session):
    session.run("CREATE INDEX person_name FOR (p:Person) ON (p.name)").consume()
    assert rows(session, "CALL db.awaitIndex('person_name')") == []
    assert rows(session, "CALL db.awaitIndex('person_name', 10)") == []
    assert rows(session, "CALL db.awaitIndexes(5)") == []
    with pytest.raises(ClientError) as caught:
        session.run("CALL db.awaitIndex('missing')").consume()
    assert caught.value.code == "Neo.ClientError.Procedure.ProcedureCallFailed"
    assert "No such index 'missing'" in caught.value.message


def test_checkpoint_in_memory_says_there_is_nothing_to_write(session):
    record = session.run("CALL db.checkpoint()").single()
    assert record["success"] is False and "keeps no files" in record["message"]


def test_checkpoint_of_a_durable_dbms_writes_a_snapshot(tmp_path):
    with DBMS.open(tmp_path / "data") as dbms, dbms.session() as session:
        session.run("CREATE (:Kept {k: 1})").consume()
        assert rows(session, "CALL db.checkpoint()") == [{"success": True, "message": "Checkpoint completed."}]
    with DBMS.open(tmp_path / "data") as dbms, dbms.session() as session:
        assert session.run("MATCH (n:Kept) RETURN n.k AS k").single()["k"] == 1


def test_clear_query_caches_counts_the_plans_it_forgot(session):
    session.run("RETURN 1").consume()
    session.run("MATCH (n) RETURN count(n)").consume()
    first = session.run("CALL db.clearQueryCaches()").single()["value"]
    assert first == "Query caches successfully cleared of 3 queries."   # the CALL is planned (and cached) first
    assert session.run("RETURN 1").single()[0] == 1


# --- tx.* -------------------------------------------------------------------------------------------------

def test_set_metadata_is_seen_by_get_metadata_and_show_transactions(dbms):
    with dbms.session() as session, dbms.session() as watcher:
        tx = session.begin_transaction(metadata={"app": "before"})
        assert tx.run("CALL tx.getMetaData()").single()["metadata"] == {"app": "before"}
        tx.run("CALL tx.setMetaData({app: 'shop', user: 42})").consume()
        assert tx.run("CALL tx.getMetaData() YIELD metadata RETURN metadata").single()[0] == {"app": "shop",
                                                                                            "user": 42}
        listed = watcher.run("SHOW TRANSACTIONS YIELD transactionId, metaData WHERE transactionId = $id",
                             id=tx.id).single()
        assert listed["metaData"] == {"app": "shop", "user": 42}
        tx.rollback()


def test_implicit_transaction_metadata(session):
    assert session.run(Query("CALL tx.getMetaData()", metadata={"job": 7})).single()["metadata"] == {"job": 7}


def test_set_metadata_wants_a_map(session):
    with pytest.raises(Neo4jError) as caught:
        session.run("CALL tx.setMetaData('nope')").consume()
    assert caught.value.code == "Neo.ClientError.Statement.TypeError"


# --- settings -----------------------------------------------------------------------------------------------

def test_show_settings_columns_default_and_every():
    with DBMS.in_memory(transaction_timeout=30) as dbms, dbms.session() as session:
        result = session.run("SHOW SETTINGS")
        assert result.keys() == SETTING_COLUMNS
        by_name = {r["name"]: r.data() for r in result}
        assert by_name["db.transaction.timeout"]["value"] == "30s"
        assert by_name["db.transaction.timeout"]["defaultValue"] == "0s"
        every = session.run("SHOW SETTINGS 'transaction_timeout' YIELD *")
        assert every.keys() == SETTING_EVERY
        assert every.single().data() == {
            "name": "transaction_timeout", "value": "30", "isDynamic": False, "defaultValue": None,
            "description": by_name["transaction_timeout"]["description"], "startupValue": "30",
            "isExplicitlySet": True, "validValues": "A number of seconds, or null", "isDeprecated": False}


def test_show_settings_by_names_where_and_return(session):
    named = rows(session, "SHOW SETTINGS 'dbms.security.auth_enabled', $more YIELD name, value",
                 more=["initial.dbms.default_database"])
    assert named == [{"name": "dbms.security.auth_enabled", "value": "false"},
                     {"name": "initial.dbms.default_database", "value": "neo4j"}]
    assert rows(session, "SHOW SETTINGS YIELD name WHERE name STARTS WITH 'db.transaction' RETURN name") == [
        {"name": "db.transaction.bookmark_ready_timeout"}, {"name": "db.transaction.timeout"}]
    with pytest.raises(Neo4jError) as caught:
        session.run("SHOW SETTINGS 42").consume()
    assert caught.value.code == "Neo.ClientError.Statement.TypeError"


def test_a_runtime_change_shows_as_value_not_startup_value(session):
    session.run("SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
    record = session.run("SHOW SETTINGS 'isolation_level' YIELD value, startupValue, isDynamic, "
                         "isExplicitlySet").single()
    assert record.data() == {"value": "READ_COMMITTED", "startupValue": "SNAPSHOT_ISOLATION", "isDynamic": True,
                             "isExplicitlySet": True}


def test_list_config_filters_by_search_string(session):
    result = session.run("CALL dbms.listConfig('AUTH_ENABLED')")
    assert result.keys() == ["name", "description", "value", "dynamic", "defaultValue", "startupValue",
                             "explicitlySet", "validValues"]
    assert [r["name"] for r in result] == ["auth_enabled", "dbms.security.auth_enabled"]
    assert {r["name"] for r in rows(session, "CALL dbms.listConfig()")} == \
        {r["name"] for r in rows(session, "SHOW SETTINGS")}


def test_no_secret_is_listed():
    with DBMS.in_memory(auth_enabled=True, initial_password="s3cret-pw") as dbms, \
            dbms.session(auth=("neo4j", "s3cret-pw")) as session:
        values = [r.values() for r in session.run("SHOW SETTINGS YIELD *")]
        assert values and not any("s3cret-pw" in str(v) for v in values)


# --- privileges ---------------------------------------------------------------------------------------------

@pytest.fixture
def reader(secure, admin):
    """A session of `reader` on conftest's `secure` DBMS, which holds a Person and a Secret node: roles reader and
    limited (which may not traverse Secret nodes)."""
    admin.run("CREATE USER reader SET PASSWORD 'pw' CHANGE NOT REQUIRED").consume()
    admin.run("GRANT ROLE reader TO reader").consume()
    admin.run("CREATE (:Person {name: 'a'}), (:Secret {code: 1})").consume()
    admin.run("CREATE ROLE limited").consume()
    admin.run("GRANT ROLE limited TO reader").consume()
    admin.run("DENY TRAVERSE ON GRAPH * NODES Secret TO limited").consume()
    with secure.session(auth=("reader", "pw")) as session:
        yield session


def test_procedures_run_with_the_callers_privileges(reader, admin):
    assert [r["label"] for r in reader.run("CALL db.labels()")] == ["Person"]
    types = rows(reader, "CALL db.schema.nodeTypeProperties() YIELD nodeType RETURN nodeType")
    assert types == [{"nodeType": ":`Person`"}]
    with pytest.raises(Forbidden):
        reader.run("CALL dbms.listConfig()").consume()
    with pytest.raises(Forbidden):
        reader.run("SHOW SETTINGS").consume()
    assert rows(admin, "CALL dbms.listConfig('auth_enabled') YIELD value RETURN value")[0] == {"value": "true"}


def test_show_procedures_executable_keeps_what_the_user_may_run(secure, admin):
    admin.run("CREATE ROLE callers").consume()
    admin.run("GRANT EXECUTE PROCEDURE db.* ON DBMS TO callers").consume()
    admin.run("CREATE USER caller SET PASSWORD 'pw' CHANGE NOT REQUIRED").consume()
    admin.run("GRANT ROLE callers TO caller").consume()
    everything = {r["name"] for r in admin.run("SHOW PROCEDURES EXECUTABLE BY CURRENT USER")}
    assert "dbms.listConfig" in everything and "db.labels" in everything
    for_caller = {r["name"] for r in admin.run("SHOW PROCEDURES EXECUTABLE BY caller YIELD name")}
    with pytest.raises(ClientError) as caught:
        admin.run("SHOW PROCEDURES EXECUTABLE BY nobody").consume()
    assert caught.value.message == "User 'nobody' does not exist."
    assert "db.labels" in for_caller and "dbms.listConfig" not in for_caller
    with secure.session(auth=("caller", "pw")) as caller:
        own = {r["name"] for r in caller.run("SHOW PROCEDURES EXECUTABLE")}
        assert own == for_caller
        with pytest.raises(Forbidden):
            caller.run("SHOW PROCEDURES EXECUTABLE BY neo4j").consume()


def test_a_long_procedure_stops_when_its_transaction_times_out(session):
    session.run("UNWIND range(1, 5000) AS i CREATE (:Many {i: i})").consume()
    with pytest.raises(Neo4jError) as caught:
        session.run(Query("UNWIND range(1, 1000000) AS i CALL db.schema.nodeTypeProperties() YIELD nodeType "
                          "RETURN count(*)", timeout=0.3)).consume()
    assert caught.value.code == "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"


# --- SHOW PROCEDURES / SHOW FUNCTIONS ------------------------------------------------------------------------

def test_show_procedures_lists_signatures_modes_and_descriptions(session):
    assert session.run("SHOW PROCEDURES").keys() == ["name", "description", "mode", "worksOnSystem"]
    every = {r["name"]: r.data() for r in session.run("SHOW PROCEDURES YIELD *")}
    assert every["db.info"]["signature"] == "db.info() :: (id :: STRING, name :: STRING, creationDate :: STRING)"
    assert every["db.awaitIndex"]["signature"] == \
        "db.awaitIndex(indexName :: STRING, timeOutSeconds = 300 :: INTEGER)"
    assert every["tx.setMetaData"]["signature"] == "tx.setMetaData(data :: MAP)"
    assert every["tx.setMetaData"]["mode"] == "DBMS" and every["tx.setMetaData"]["worksOnSystem"] is True
    assert every["db.ping"]["worksOnSystem"] is True and every["db.labels"]["worksOnSystem"] is False
    assert every["dbms.listConfig"]["admin"] is True and every["db.labels"]["admin"] is False
    assert every["db.schema.visualization"]["returnDescription"] == [
        {"name": "nodes", "type": "LIST<NODE>", "isDeprecated": False,
         "description": "A list of virtual nodes representing each label in the database."},
        {"name": "relationships", "type": "LIST<RELATIONSHIP>", "isDeprecated": False,
         "description": "A list of virtual relationships representing all combinations between start and end "
                        "nodes in the database."}]
    timeout = every["db.awaitIndex"]["argumentDescription"][1]
    assert timeout["default"] == "DefaultParameterValue{value=300, type=INTEGER}"
    assert every["db.checkpoint"]["mode"] == "DBMS"


def test_show_functions_categories(session):
    assert session.run("SHOW FUNCTIONS").keys() == ["name", "category", "description"]
    every = {r["name"]: r.data() for r in session.run("SHOW FUNCTIONS YIELD *")}
    expected = {"abs": "Numeric", "sin": "Trigonometric", "log": "Logarithmic", "toUpper": "String",
                "size": "Scalar", "range": "List", "all": "Predicate", "count": "Aggregating",
                "date": "Temporal", "point.distance": "Spatial", "vector.similarity.cosine": "Vector"}
    assert {name: every[name]["category"] for name in expected} == expected
    assert every["count"]["aggregating"] is True and every["abs"]["aggregating"] is False
    assert every["abs"]["signature"] == "abs(input :: INTEGER | FLOAT) :: INTEGER | FLOAT"
    assert every["abs"]["returnDescription"] == "INTEGER | FLOAT"
    assert every["left"]["argumentDescription"][1]["name"] == "length"
    assert every["id"]["isDeprecated"] is True and every["id"]["deprecatedBy"] is None  # no replacement in 5.26
    assert all(row["isBuiltIn"] for row in every.values() if not row["name"].startswith("apoc."))
    assert rows(session, "SHOW USER DEFINED FUNCTIONS YIELD name, isBuiltIn "
                         "WHERE isBuiltIn OR NOT name STARTS WITH 'apoc.'") == []
    assert rows(session, "SHOW BUILT IN FUNCTIONS YIELD name WHERE name STARTS WITH 'apoc.'") == []


def test_procedures_that_work_on_system_run_there(dbms):
    with dbms.session(database="system") as system:
        assert system.run("CALL dbms.components() YIELD versions RETURN versions[0] AS v").single()["v"] == "5.26.0"
        assert rows(system, "CALL db.ping()") == [{"success": True}]
        assert system.run("CALL db.info() YIELD name").single()["name"] == "system"
        assert system.run("SHOW SETTINGS 'default_database' YIELD value").single()["value"] == "neo4j"
        assert system.run("CALL dbms.components() YIELD versions UNWIND versions AS version "
                          "RETURN version").single()["version"] == "5.26.0"
        for reads_the_system_graph in ("CALL db.labels()", "CALL db.ping() YIELD success RETURN [(u)-->() | u]",
                                       "CALL db.ping() YIELD success RETURN COUNT { (u) } AS n",
                                       "CALL db.ping() YIELD success WITH success MATCH (u) RETURN u"):
            with pytest.raises(ClientError) as caught:
                system.run(reads_the_system_graph).consume()
            assert caught.value.code == "Neo.ClientError.Statement.SemanticError", reads_the_system_graph
    with dbms.session() as session:
        on_system = rows(session, "SHOW PROCEDURES YIELD name, worksOnSystem WHERE worksOnSystem RETURN name")
    assert {"dbms.components", "db.ping", "tx.setMetaData", "dbms.listConfig"} <= {r["name"] for r in on_system}


def test_docs_list_every_built_in_procedure(session):
    text = (Path(__file__).resolve().parents[2] / "docs" / "procedures.md").read_text(encoding="utf-8")
    listed = rows(session, "SHOW PROCEDURES YIELD name, signature WHERE NOT name STARTS WITH 'apoc.' "
                           "RETURN name, signature")
    assert listed and [r["name"] for r in listed if f"`{r['signature']}`" not in text] == []
