"""Vector and full-text indexes as schema (issue 17): Neo4j 5.26's `CREATE VECTOR INDEX` and `CREATE FULLTEXT INDEX`
with their OPTIONS (defaults filled in, every validation error with Neo4j's code and words), the clash rules, IF NOT
EXISTS notes, SHOW [VECTOR|FULLTEXT] INDEXES rows, DROP INDEX, counters, privileges, rollback, a restart, and
Memgraph's `CREATE VECTOR [EDGE] INDEX … WITH CONFIG`."""
from __future__ import annotations

import pytest

from behaviour_support import user_session
from graphplex import DBMS
from graphplex.errors import CypherSyntaxError, Neo4jError

INVALID = "Neo.ClientError.General.InvalidArguments"
V2_DEFAULTS = {"vector.hnsw.ef_construction": 100, "vector.hnsw.m": 16, "vector.quantization.enabled": True,
               "vector.similarity_function": "COSINE"}
FULLTEXT_DEFAULTS = {"fulltext.analyzer": "standard-no-stop-words", "fulltext.eventually_consistent": False}
V2_SETTINGS = ("[vector.dimensions, vector.hnsw.ef_construction, vector.hnsw.m, vector.quantization.enabled, "
               "vector.similarity_function]")


def run(session, *queries: str, **parameters) -> None:
    for query in queries:
        session.run(query, parameters).consume()


def search_indexes(session, kind: str = "") -> list[dict]:
    """The SHOW rows of vector and full-text indexes (every column)."""
    rows = session.run(f"SHOW {kind} INDEXES YIELD *").data()
    return [row for row in rows if row["type"] in ("VECTOR", "FULLTEXT")]


def error_of(session, query: str, parameters: dict | None = None):
    with pytest.raises(Neo4jError) as failed:
        session.run(query, parameters or {}).consume()
    return failed.value


# --- creation and what SHOW INDEXES lists ---------------------------------------------------------------------

def test_a_vector_index_with_options_lists_its_complete_configuration(session):
    summary = session.run("CREATE VECTOR INDEX moviePlots IF NOT EXISTS FOR (m:Movie) ON m.embedding "
                          "OPTIONS {indexConfig: {`vector.dimensions`: 1536, `vector.similarity_function`: 'cosine'}}"
                          ).consume()
    assert summary.counters.indexes_added == 1
    [row] = search_indexes(session)
    assert {key: row[key] for key in ("name", "state", "populationPercent", "type", "entityType", "labelsOrTypes",
                                      "properties", "indexProvider", "owningConstraint", "failureMessage")} == {
        "name": "moviePlots", "state": "ONLINE", "populationPercent": 100.0, "type": "VECTOR", "entityType": "NODE",
        "labelsOrTypes": ["Movie"], "properties": ["embedding"], "indexProvider": "vector-2.0",
        "owningConstraint": None, "failureMessage": ""}
    assert row["options"] == {"indexProvider": "vector-2.0",
                              "indexConfig": {"vector.dimensions": 1536, **V2_DEFAULTS}}
    assert row["createStatement"] == (
        "CREATE VECTOR INDEX `moviePlots` FOR (n:`Movie`) ON (n.`embedding`) OPTIONS {indexConfig: "
        "{`vector.dimensions`: 1536,`vector.hnsw.ef_construction`: 100,`vector.hnsw.m`: 16,"
        "`vector.quantization.enabled`: true,`vector.similarity_function`: 'COSINE'}, indexProvider: 'vector-2.0'}")


def test_a_vector_index_without_options_or_name_has_the_defaults_and_no_dimensions(session):
    run(session, "CREATE VECTOR INDEX FOR ()-[r:SIMILAR]->() ON (r.embedding)")
    [row] = search_indexes(session)
    assert row["name"].startswith("index_")
    assert (row["entityType"], row["labelsOrTypes"], row["properties"]) == ("RELATIONSHIP", ["SIMILAR"], ["embedding"])
    assert row["options"]["indexConfig"] == V2_DEFAULTS
    assert row["createStatement"].startswith(f"CREATE VECTOR INDEX `{row['name']}` FOR ()-[r:`SIMILAR`]-() ON "
                                             "(r.`embedding`) OPTIONS {indexConfig: {`vector.hnsw.ef_construction`")


def test_every_vector_setting_can_be_given(session):
    run(session, "CREATE VECTOR INDEX v FOR (n:Doc) ON (n.e) OPTIONS {indexConfig: {`vector.dimensions`: 3, "
                 "`vector.similarity_function`: 'EUCLIDEAN', `vector.hnsw.m`: 32, `vector.hnsw.ef_construction`: 200, "
                 "`vector.quantization.enabled`: false}}")
    [row] = search_indexes(session)
    assert row["options"]["indexConfig"] == {
        "vector.dimensions": 3, "vector.hnsw.ef_construction": 200, "vector.hnsw.m": 32,
        "vector.quantization.enabled": False, "vector.similarity_function": "EUCLIDEAN"}


def test_the_vector_1_provider_keeps_only_dimensions_and_similarity(session):
    run(session, "CREATE VECTOR INDEX v1 FOR (n:Doc) ON n.e OPTIONS {indexProvider: 'vector-1.0', indexConfig: "
                 "{`vector.dimensions`: 8, `vector.similarity_function`: 'euclidean'}}")
    [row] = search_indexes(session)
    assert row["indexProvider"] == "vector-1.0"
    assert row["options"] == {"indexProvider": "vector-1.0", "indexConfig": {
        "vector.dimensions": 8, "vector.similarity_function": "EUCLIDEAN"}}
    assert row["createStatement"].endswith("OPTIONS {indexConfig: {`vector.dimensions`: 8,"
                                           "`vector.similarity_function`: 'EUCLIDEAN'}, indexProvider: 'vector-1.0'}")


def test_options_and_the_name_may_be_parameters(session):
    run(session, "CREATE VECTOR INDEX $name FOR (n:Doc) ON n.e OPTIONS $options", name="by_parameter",
        options={"indexConfig": {"vector.dimensions": 4, "vector.similarity_function": "euclidean"}})
    run(session, "CREATE VECTOR INDEX other FOR (n:Chunk) ON n.e OPTIONS {indexConfig: {`vector.dimensions`: $d}}",
        d=384)
    rows = {row["name"]: row["options"]["indexConfig"] for row in search_indexes(session)}
    assert rows["by_parameter"]["vector.dimensions"] == 4
    assert rows["by_parameter"]["vector.similarity_function"] == "EUCLIDEAN"
    assert rows["other"]["vector.dimensions"] == 384


def test_a_fulltext_index_of_several_labels_and_properties(session):
    summary = session.run("CREATE FULLTEXT INDEX namesAndTeams FOR (n:Employee|Manager) ON EACH [n.name, n.team]"
                          ).consume()
    assert summary.counters.indexes_added == 1
    [row] = search_indexes(session, "FULLTEXT")
    assert (row["type"], row["entityType"], row["labelsOrTypes"], row["properties"], row["indexProvider"]) == (
        "FULLTEXT", "NODE", ["Employee", "Manager"], ["name", "team"], "fulltext-1.0")
    assert row["options"] == {"indexProvider": "fulltext-1.0", "indexConfig": FULLTEXT_DEFAULTS}
    assert row["createStatement"] == (
        "CREATE FULLTEXT INDEX `namesAndTeams` FOR (n:`Employee`|`Manager`) ON EACH [n.`name`, n.`team`] OPTIONS "
        "{indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words',`fulltext.eventually_consistent`: false}, "
        "indexProvider: 'fulltext-1.0'}")


def test_a_relationship_fulltext_index_with_its_analyzer(session):
    run(session, "CREATE FULLTEXT INDEX communications FOR ()-[r:REVIEWED|EMAILED]-() ON EACH [r.message] "
                 "OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: true}}")
    [row] = search_indexes(session)
    assert (row["entityType"], row["labelsOrTypes"]) == ("RELATIONSHIP", ["REVIEWED", "EMAILED"])
    assert row["options"]["indexConfig"] == {"fulltext.analyzer": "english", "fulltext.eventually_consistent": True}
    assert row["createStatement"] == (
        "CREATE FULLTEXT INDEX `communications` FOR ()-[r:`REVIEWED`|`EMAILED`]-() ON EACH [r.`message`] OPTIONS "
        "{indexConfig: {`fulltext.analyzer`: 'english',`fulltext.eventually_consistent`: true}, "
        "indexProvider: 'fulltext-1.0'}")


def test_show_filters_by_kind_and_sorts_with_the_other_indexes(session):
    run(session, "CREATE VECTOR INDEX b_vec FOR (n:L) ON n.e", "CREATE FULLTEXT INDEX c_text FOR (n:L) ON EACH [n.t]",
        "CREATE INDEX a_range FOR (n:L) ON (n.e)", "CREATE TEXT INDEX d_text FOR (n:L) ON (n.t)")
    names = [row["name"] for row in session.run("SHOW INDEXES WHERE type <> 'LOOKUP'").data()]
    assert names == ["a_range", "b_vec", "c_text", "d_text"]
    assert [row["name"] for row in session.run("SHOW VECTOR INDEXES").data()] == ["b_vec"]
    assert [row["name"] for row in session.run("SHOW FULLTEXT INDEXES").data()] == ["c_text"]
    assert session.run("SHOW VECTOR INDEXES").keys() == [
        "id", "name", "state", "populationPercent", "type", "entityType", "labelsOrTypes", "properties",
        "indexProvider", "owningConstraint", "lastRead", "readCount"]


def test_drop_index_drops_them(session):
    run(session, "CREATE VECTOR INDEX v FOR (n:L) ON n.e", "CREATE FULLTEXT INDEX f FOR (n:L) ON EACH [n.t]")
    assert session.run("DROP INDEX v").consume().counters.indexes_removed == 1
    assert session.run("DROP INDEX f IF EXISTS").consume().counters.indexes_removed == 1
    assert search_indexes(session) == []
    assert session.run("DROP INDEX f IF EXISTS").consume().counters.indexes_removed == 0
    failure = error_of(session, "DROP INDEX v")
    assert (failure.code, failure.message) == ("Neo.DatabaseError.Schema.IndexDropFailed",
                                               "Unable to drop index called `v`. There is no such index.")


# --- clashes and IF NOT EXISTS ----------------------------------------------------------------------------------

def test_a_vector_and_a_range_index_may_share_a_property_but_two_vector_indexes_may_not(session):
    run(session, "CREATE INDEX range FOR (n:Doc) ON (n.e)", "CREATE VECTOR INDEX vec FOR (n:Doc) ON n.e",
        "CREATE FULLTEXT INDEX full FOR (n:Doc) ON EACH [n.e]", "CREATE TEXT INDEX text FOR (n:Doc) ON (n.e)")
    failure = error_of(session, "CREATE VECTOR INDEX vec2 FOR (n:Doc) ON n.e")
    assert (failure.code, failure.message) == ("Neo.ClientError.Schema.IndexAlreadyExists",
                                               "There already exists an index (:Doc {e}).")
    failure = error_of(session, "CREATE VECTOR INDEX vec FOR (n:Doc) ON n.e")
    assert failure.code == "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"
    assert failure.message.startswith("An equivalent index already exists, 'Index( id=")
    assert failure.message.endswith("name='vec', type='VECTOR', schema=(:Doc {e}), indexProvider='vector-2.0' )'.")
    failure = error_of(session, "CREATE VECTOR INDEX range FOR (n:Other) ON n.e")
    assert (failure.code, failure.message) == ("Neo.ClientError.Schema.IndexWithNameAlreadyExists",
                                               "There already exists an index called 'range'.")


def test_fulltext_schemas_clash_on_all_their_labels_and_properties(session):
    run(session, "CREATE FULLTEXT INDEX both FOR (n:A|B) ON EACH [n.p, n.q]",
        "CREATE FULLTEXT INDEX a_only FOR (n:A) ON EACH [n.p, n.q]",
        "CREATE FULLTEXT INDEX rel FOR ()-[r:A|B]-() ON EACH [r.p, r.q]")
    failure = error_of(session, "CREATE FULLTEXT INDEX again FOR (n:A|B) ON EACH [n.p, n.q]")
    assert (failure.code, failure.message) == ("Neo.ClientError.Schema.IndexAlreadyExists",
                                               "There already exists an index (:A:B {p, q}).")
    failure = error_of(session, "CREATE FULLTEXT INDEX both FOR (n:A|B) ON EACH [n.p, n.q]")
    assert failure.message.endswith(
        "name='both', type='FULLTEXT', schema=(:A:B {p, q}), indexProvider='fulltext-1.0' )'.")


def test_a_constraint_of_the_name_blocks_a_vector_index(session):
    run(session, "CREATE CONSTRAINT taken FOR (n:L) REQUIRE n.id IS NOT NULL")
    failure = error_of(session, "CREATE VECTOR INDEX taken IF NOT EXISTS FOR (n:Doc) ON n.e")
    assert (failure.code, failure.message) == ("Neo.ClientError.Schema.ConstraintWithNameAlreadyExists",
                                               "There already exists a constraint called 'taken'.")


def test_if_not_exists_does_nothing_and_names_the_index_there(session):
    run(session, "CREATE VECTOR INDEX vec FOR (n:Doc) ON n.e")
    summary = session.run("CREATE VECTOR INDEX other IF NOT EXISTS FOR (n:Doc) ON n.e").consume()
    assert summary.counters.indexes_added == 0
    [note] = summary.notifications
    assert note["code"] == "Neo.ClientNotification.Schema.IndexOrConstraintAlreadyExists"
    assert note["title"] == "`CREATE VECTOR INDEX other IF NOT EXISTS FOR (e:Doc) ON (e.e)` has no effect."
    assert note["description"] == "`VECTOR INDEX vec FOR (e:Doc) ON (e.e)` already exists."
    run(session, "CREATE FULLTEXT INDEX full FOR ()-[r:R|S]-() ON EACH [r.a, r.b]")
    [note] = session.run("CREATE FULLTEXT INDEX full IF NOT EXISTS FOR (n:X) ON EACH [n.y]").consume().notifications
    assert note["title"] == "`CREATE FULLTEXT INDEX full IF NOT EXISTS FOR (e:X) ON EACH [e.y]` has no effect."
    assert note["description"] == "`FULLTEXT INDEX full FOR ()-[e:R|S]-() ON EACH [e.a, e.b]` already exists."


# --- validation: Neo4j's codes and words -------------------------------------------------------------------------

@pytest.mark.parametrize("options, message", [
    ("{indexConfig: {`vector.dimensions`: 5000}}", "'vector.dimensions' must be between 1 and 4096 inclusively"),
    ("{indexConfig: {`vector.dimensions`: 0}}", "'vector.dimensions' must be between 1 and 4096 inclusively"),
    ("{indexConfig: {`vector.hnsw.m`: 513}}", "'vector.hnsw.m' must be between 1 and 512 inclusively"),
    ("{indexConfig: {`vector.hnsw.ef_construction`: 0}}",
     "'vector.hnsw.ef_construction' must be between 1 and 3200 inclusively"),
    ("{indexConfig: {`vector.similarity_function`: 'dot'}}",
     "'\"dot\"' is an unsupported 'vector.similarity_function'. Supported: [COSINE, EUCLIDEAN]"),
    ("{indexConfig: {`vector.dimensions`: 1536, foo: 13}}",
     "Could not create vector index with specified index config '{vector.dimensions: 1536, foo: 13}'. 'foo' is an "
     f"unrecognized setting. Supported: {V2_SETTINGS}"),
    ("{indexConfig: {`vector.dimensions`: '1536'}}",
     "Could not create vector index with specified index config 'vector.dimensions'. Expected an Integer."),
    ("{indexConfig: {`vector.similarity_function`: 1}}",
     "Could not create vector index with specified index config 'vector.similarity_function'. Expected a String."),
    ("{indexConfig: {`vector.dimensions`: 1.5}}",
     "Could not create vector index with specified index config '{vector.dimensions: 1.5}'. Expected a map from "
     "String to Strings and Integers."),
    ("{indexConfig: 3}",
     "Could not create vector index with specified index config '3'. Expected a map from String to Strings and "
     "Integers."),
    ("{indexConfig: {`fulltext.analyzer`: 'english'}}",
     "Could not create vector index with specified index config '{fulltext.analyzer: \"english\"}', contains "
     "fulltext config options.\nTo create fulltext index, please use 'CREATE FULLTEXT INDEX ...'."),
    ("{indexConfig: {`spatial.cartesian.min`: [0.0, 0.0]}}",
     "Could not create vector index with specified index config '{spatial.cartesian.min: [0.0, 0.0]}', contains "
     "spatial config settings options.\nTo create point index, please use 'CREATE POINT INDEX ...'."),
    ("{indexProvider: 'vector-3.0'}",
     "Could not create vector index with specified index provider 'vector-3.0'.\nThe available index providers for "
     "the given type: ['vector-1.0', 'vector-2.0']."),
    ("{indexProvider: 'range-1.0'}",
     "Could not create vector index with specified index provider 'range-1.0'.\nTo create range index, please use "
     "'CREATE RANGE INDEX ...'.\nThe available index providers for the given type: ['vector-1.0', 'vector-2.0']."),
    ("{indexProvider: 2}",
     "Could not create vector index with specified index provider '2'. Expected String value."),
    ("{indexSize: 2}",
     "Failed to create vector index: Invalid option provided, valid options are `indexProvider` and `indexConfig`."),
    ("{indexProvider: 'vector-1.0', indexConfig: {`vector.dimensions`: 10}}",
     "Failed to create vector index: Missing index config options ['vector.similarity_function']."),
    ("{indexProvider: 'vector-1.0', indexConfig: {`vector.dimensions`: 3000, `vector.similarity_function`: 'cosine'}}",
     "'vector.dimensions' must be between 1 and 2048 inclusively"),
    ("{indexProvider: 'vector-1.0', indexConfig: {`vector.dimensions`: 10, `vector.similarity_function`: 'cosine', "
     "`vector.quantization.enabled`: true}}",
     "Could not create vector index with specified index config '{vector.dimensions: 10, vector.similarity_function: "
     "\"cosine\", vector.quantization.enabled: true}'. 'vector.quantization.enabled' is an unrecognized setting. "
     "Supported: [vector.dimensions, vector.similarity_function]"),
])
def test_vector_options_errors(session, options, message):
    failure = error_of(session, f"CREATE VECTOR INDEX bad FOR (n:Doc) ON n.e OPTIONS {options}")
    assert (failure.code, failure.message) == (INVALID, message)
    assert search_indexes(session) == []


@pytest.mark.parametrize("options, message", [
    ("{indexConfig: {`fulltext.analyzer`: 'klingon'}}", "No such full-text analyzer: 'klingon'."),
    ("{indexConfig: {foo: 'bar'}}", "Invalid index config key 'foo', it was not recognized as an index setting."),
    ("{indexConfig: {`fulltext.analyzer`: 1}}",
     "Could not create fulltext index with specified index config '{fulltext.analyzer: 1}'. Expected a map from "
     "String to Strings and Booleans."),
    ("{indexConfig: {`vector.dimensions`: 3}}",
     "Could not create fulltext index with specified index config '{vector.dimensions: 3}', contains vector config "
     "options.\nTo create vector index, please use 'CREATE VECTOR INDEX ...'."),
    ("{indexProvider: 'vector-2.0'}",
     "Could not create fulltext index with specified index provider 'vector-2.0'.\nTo create vector index, please use "
     "'CREATE VECTOR INDEX ...'.\nThe available index providers for the given type: ['fulltext-1.0']."),
])
def test_fulltext_options_errors(session, options, message):
    failure = error_of(session, f"CREATE FULLTEXT INDEX bad FOR (n:Doc) ON EACH [n.t] OPTIONS {options}")
    assert (failure.code, failure.message) == (INVALID, message)
    assert search_indexes(session) == []


def test_a_vector_index_has_one_property_and_one_label(session):
    with pytest.raises(CypherSyntaxError) as failed:
        session.run("CREATE VECTOR INDEX bad FOR (n:Doc) ON (n.a, n.b)").consume()
    assert failed.value.message == "Only single property vector indexes are supported"
    with pytest.raises(CypherSyntaxError):
        session.run("CREATE VECTOR INDEX bad FOR (n:A|B) ON n.e").consume()
    with pytest.raises(CypherSyntaxError):
        session.run("CREATE FULLTEXT INDEX bad FOR (n:A) ON (n.e)").consume()


def test_options_that_are_not_a_map(session):
    failure = error_of(session, "CREATE VECTOR INDEX bad FOR (n:Doc) ON n.e OPTIONS $o", {"o": 3})
    assert (failure.code, failure.message) == (INVALID, "Could not create vector index with options '3'. "
                                                        "Expected a map value.")


# --- transactions, privileges, restart ---------------------------------------------------------------------------

def test_a_rolled_back_transaction_leaves_no_index(session):
    with session.begin_transaction() as tx:
        tx.run("CREATE VECTOR INDEX v FOR (n:Doc) ON n.e").consume()
        tx.run("CREATE FULLTEXT INDEX f FOR (n:Doc) ON EACH [n.t]").consume()
        [note] = tx.run("CREATE VECTOR INDEX IF NOT EXISTS FOR (n:Doc) ON n.e").consume().notifications
        assert note["description"] == "`VECTOR INDEX v FOR (e:Doc) ON (e.e)` already exists."
        tx.rollback()
    assert search_indexes(session) == []
    run(session, "CREATE VECTOR INDEX v FOR (n:Doc) ON n.e")
    assert [row["name"] for row in search_indexes(session)] == ["v"]


def test_they_need_the_index_privileges(secure, admin):
    reader = user_session(secure, admin, "reader", "GRANT ACCESS ON DATABASE neo4j", "GRANT MATCH {*} ON GRAPH neo4j")
    with reader:
        for query in ("CREATE VECTOR INDEX v FOR (n:Doc) ON n.e", "CREATE FULLTEXT INDEX f FOR (n:Doc) ON EACH [n.t]",
                      "SHOW VECTOR INDEXES"):
            failure = error_of(reader, query)
            assert failure.code == "Neo.ClientError.Security.Forbidden", query
    creator = user_session(secure, admin, "creator", "GRANT ACCESS ON DATABASE neo4j",
                           "GRANT SHOW INDEX ON DATABASE neo4j", "GRANT CREATE INDEX ON DATABASE neo4j")
    with creator:
        run(creator, "CREATE VECTOR INDEX v FOR (n:Doc) ON n.e")
        assert [row["name"] for row in creator.run("SHOW VECTOR INDEXES").data()] == ["v"]
        assert error_of(creator, "DROP INDEX v").code == "Neo.ClientError.Security.Forbidden"


@pytest.mark.parametrize("storage_mode", ["IN_MEMORY_TRANSACTIONAL", "ON_DISK_TRANSACTIONAL"])
def test_they_survive_a_restart(tmp_path, storage_mode):
    with DBMS.open(tmp_path / "dbms", storage_mode=storage_mode) as dbms, dbms.session() as session:
        run(session, "CREATE VECTOR INDEX vec FOR (n:Doc) ON n.e OPTIONS {indexConfig: {`vector.dimensions`: 3}}",
            "CREATE FULLTEXT INDEX full FOR ()-[r:R|S]-() ON EACH [r.a, r.b] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}}",
            "CREATE VECTOR INDEX gone FOR (n:Doc) ON n.f", "DROP INDEX gone")
        before = search_indexes(session)
    with DBMS.open(tmp_path / "dbms", storage_mode=storage_mode) as dbms, dbms.session() as session:
        after = search_indexes(session)
        assert [row["name"] for row in after] == ["full", "vec"]
        assert [(row["labelsOrTypes"], row["properties"], row["options"], row["createStatement"]) for row in after] == [
            (row["labelsOrTypes"], row["properties"], row["options"], row["createStatement"]) for row in before]
        assert after[0]["options"]["indexConfig"] == {"fulltext.analyzer": "english",
                                                      "fulltext.eventually_consistent": False}
        assert error_of(session, "CREATE FULLTEXT INDEX x FOR ()-[r:R|S]-() ON EACH [r.a, r.b]").code == (
            "Neo.ClientError.Schema.IndexAlreadyExists")


# --- Memgraph's syntax --------------------------------------------------------------------------------------------

def test_memgraphs_vector_index_is_the_same_schema_change(session):
    run(session, 'CREATE VECTOR INDEX mg ON :Label(embedding) WITH CONFIG {"dimension": 256, "capacity": 1000, '
                 '"metric": "cos"}',
        'CREATE VECTOR EDGE INDEX mg_edge ON :KNOWS(embedding) WITH CONFIG {"dimension": 2, "capacity": 10}',
        "CREATE VECTOR INDEX mg_param ON :Other(e) WITH CONFIG $config", config={"dimension": 4, "capacity": 5})
    rows = {row["name"]: row for row in search_indexes(session)}
    assert rows["mg"]["options"]["indexConfig"] == {"vector.dimensions": 256, **V2_DEFAULTS}
    # Memgraph's own settings stay in the index's configuration, not in what Neo4j's SHOW INDEXES lists.
    run(session, "DROP INDEX mg_param", "CREATE " + rows["mg"]["createStatement"][len("CREATE "):].replace(
        "`mg`", "`again`").replace("`Label`", "`Again`"))
    assert {row["name"] for row in search_indexes(session)} == {"mg", "mg_edge", "again"}
    assert (rows["mg_edge"]["entityType"], rows["mg_edge"]["labelsOrTypes"]) == ("RELATIONSHIP", ["KNOWS"])
    assert rows["mg_edge"]["options"]["indexConfig"]["vector.similarity_function"] == "EUCLIDEAN"
    assert rows["mg_param"]["options"]["indexConfig"]["vector.dimensions"] == 4
    run(session, "DROP VECTOR INDEX mg", "DROP VECTOR INDEX mg_edge")
    assert [row["name"] for row in search_indexes(session)] == ["again"]



def test_they_are_schema_writes_a_read_session_refuses(dbms):
    with dbms.session(default_access_mode="READ") as reader:
        for query in ("CREATE VECTOR INDEX v FOR (n:Doc) ON n.e", "CREATE FULLTEXT INDEX f FOR (n:Doc) ON EACH [n.t]",
                      'CREATE VECTOR INDEX m ON :Doc(e) WITH CONFIG {"dimension": 2, "capacity": 4}'):
            assert error_of(reader, query).code == "Neo.ClientError.Statement.AccessMode", query
        assert reader.run("SHOW VECTOR INDEXES").data() == []


def test_create_statements_double_backquotes_in_names_so_they_run_again():
    with DBMS.in_memory() as dbms, dbms.session() as session:
        session.run("CREATE VECTOR INDEX `a``b` FOR (n:`L``x`) ON (n.`p``q`) "
                    "OPTIONS {indexConfig: {`vector.dimensions`: 2}}").consume()
        session.run("CREATE INDEX `r``i` FOR (n:`L``x`) ON (n.`k``y`)").consume()
        statements = {row["name"]: row["createStatement"]
                      for row in session.run("SHOW INDEXES YIELD name, type, createStatement "
                                             "WHERE type <> 'LOOKUP'").data()}
        assert statements["a`b"].startswith("CREATE VECTOR INDEX `a``b` FOR (n:`L``x`) ON (n.`p``q`) OPTIONS")
        assert statements["r`i"] == "CREATE RANGE INDEX `r``i` FOR (n:`L``x`) ON (n.`k``y`)"
        for name in statements:
            session.run(f"DROP INDEX `{name.replace('`', '``')}`").consume()
        for statement in statements.values():
            session.run(statement).consume()
        again = session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name ORDER BY name").data()
        assert [row["name"] for row in again] == sorted(statements)
