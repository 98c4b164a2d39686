"""Full-text indexes through the public API: `db.index.fulltext.queryNodes/queryRelationships` with Lucene's query
syntax, the skip/limit/analyzer options and Neo4j 5.26's errors, `listAvailableAnalyzers`,
`awaitEventuallyConsistentIndexRefresh`, transactional visibility, read privileges, PROFILE, the three storage modes
and a restart."""
from __future__ import annotations

import pytest

from behaviour_support import user_session
from graphplex import DBMS
from graphplex.errors import ClientError

FAILED = "Neo.ClientError.Procedure.ProcedureCallFailed"
QUERY = "CALL db.index.fulltext.queryNodes($index, $text, $options) YIELD node, score RETURN node.name AS name, score"
MOVIES = [
    ("matrix", "The Matrix", "A hacker learns the truth about reality"),
    ("reloaded", "The Matrix Reloaded", "Neo fights agents again"),
    ("jacket", "Full Metal Jacket", "Marines in the Vietnam war"),
    ("moon", "Full Moon High", "A werewolf in high school"),
    ("colour", "The Colour of Magic", "A wizard and a tourist"),
]


def create_index(session, name: str = "movies", pattern: str = "(n:Movie)",
                 keys: str = "n.title, n.plot", config: str = "") -> None:
    options = f" OPTIONS {{indexConfig: {{{config}}}}}" if config else ""
    session.run(f"CREATE FULLTEXT INDEX {name} FOR {pattern} ON EACH [{keys}]{options}").consume()


def add_movies(session, movies=MOVIES) -> None:
    session.run("UNWIND $rows AS r CREATE (:Movie {name: r[0], title: r[1], plot: r[2]})",
                rows=[list(movie) for movie in movies]).consume()


def rows(session, text: str, options: dict | None = None, index: str = "movies") -> list[dict]:
    return session.run(QUERY, index=index, text=text, options=options or {}).data()


def names(session, text: str, options: dict | None = None, index: str = "movies") -> list[str]:
    return [row["name"] for row in rows(session, text, options, index)]


def failure(session, statement: str, **parameters) -> ClientError:
    with pytest.raises(ClientError) as caught:
        session.run(statement, parameters).consume()
    return caught.value


@pytest.fixture
def movies(session):
    create_index(session)
    add_movies(session)
    return session


# --- Lucene's syntax --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("matrix", {"matrix", "reloaded"}),
    ("MATRIX", {"matrix", "reloaded"}),
    ('"matrix reloaded"', {"reloaded"}),
    ('"reloaded matrix"', set()),
    ("matrix AND reloaded", {"reloaded"}),
    ("matrix && reloaded", {"reloaded"}),
    ("matrix OR jacket", {"matrix", "reloaded", "jacket"}),
    ("matrix jacket", {"matrix", "reloaded", "jacket"}),
    ("matrix NOT reloaded", {"matrix"}),
    ("matrix -reloaded", {"matrix"}),
    ("+full -moon", {"jacket"}),
    ("(full OR moon) AND high", {"moon"}),
    ("mat*", {"matrix", "reloaded"}),
    ("ja?ket", {"jacket"}),
    ("colr~", {"colour"}),
    ("colour~1", {"colour"}),
    ("title:matrix", {"matrix", "reloaded"}),
    ("plot:matrix", set()),
    ("plot:hacker", {"matrix"}),
    ("nothing", set()),
])
def test_lucene_query_syntax(movies, text, expected):
    assert set(names(movies, text)) == expected


def test_scores_rank_best_first(movies):
    found = rows(movies, "matrix OR jacket")
    scores = [row["score"] for row in found]
    assert scores == sorted(scores, reverse=True) and all(score > 0 for score in scores)
    assert [row["name"] for row in found][-1] == "reloaded", "a longer title weighs the shared term less"


def test_a_boost_reorders(movies):
    assert names(movies, "matrix OR jacket")[0] == "jacket"
    assert names(movies, "matrix^8 OR jacket")[0] == "matrix"
    boosted = {row["name"]: row["score"] for row in rows(movies, "matrix^4 OR full")}
    plain = {row["name"]: row["score"] for row in rows(movies, "matrix OR full")}
    assert boosted["matrix"] == pytest.approx(4 * plain["matrix"])


def test_every_label_and_property_of_the_index(session):
    create_index(session, "works", "(n:Movie|Book)", "n.title, n.plot")
    add_movies(session)
    session.run("CREATE (:Book {name: 'book', title: 'Matrix Theory', plot: 'linear algebra'}), "
                "(:Paper {name: 'paper', title: 'Matrix'})").consume()
    assert set(names(session, "matrix", index="works")) == {"matrix", "reloaded", "book"}
    assert names(session, "algebra", index="works") == ["book"]


def test_lists_of_strings_are_indexed(session):
    create_index(session, keys="n.tags")
    session.run("CREATE (:Movie {name: 'tagged', tags: ['cyberpunk', 'classic']}), (:Movie {name: 'number', tags: 3})"
                ).consume()
    assert names(session, "classic") == ["tagged"]


def test_relationships(session):
    create_index(session, "reviews", "()-[r:REVIEWED]-()", "r.text")
    session.run("CREATE (a:P)-[:REVIEWED {name: 'good', text: 'a wonderful film'}]->(m:M), "
                "(a)-[:REVIEWED {name: 'bad', text: 'a dull film'}]->(m), (a)-[:OTHER {text: 'wonderful'}]->(m)"
                ).consume()
    found = session.run("CALL db.index.fulltext.queryRelationships('reviews', 'wonderful') YIELD relationship, score "
                        "RETURN relationship.name AS name, score").data()
    assert [row["name"] for row in found] == ["good"]
    assert session.run("CALL db.index.fulltext.queryRelationships('reviews', 'film', {limit: 1}) "
                       "YIELD relationship RETURN count(*) AS c").single()["c"] == 1


# --- options --------------------------------------------------------------------------------------------------

def test_skip_and_limit(session):
    create_index(session, keys="n.title")
    add_movies(session, [(f"m{number}", "film " * (number + 1), "") for number in range(6)])
    everything = names(session, "film")
    assert len(everything) == 6
    assert names(session, "film", {"limit": 2}) == everything[:2]
    assert names(session, "film", {"skip": 2}) == everything[2:]
    assert names(session, "film", {"skip": 1, "limit": 3}) == everything[1:4]
    assert names(session, "film", {"skip": 10}) == []
    assert names(session, "film", {"limit": 0}) == []
    assert names(session, "film", {"skip": 1.9, "limit": 2.2}) == everything[1:3], "numbers are truncated"


def test_options_that_are_not_numbers_or_strings_are_ignored(movies):
    everything = names(movies, "the")
    assert names(movies, "the", {"skip": "2", "limit": None, "analyzer": 3, "unknown": True}) == everything


def test_the_analyzer_option_analyses_the_query_string(movies):
    assert set(names(movies, "Matrix")) == {"matrix", "reloaded"}
    assert names(movies, "Matrix", {"analyzer": "whitespace"}) == [], "whitespace keeps case: no term 'Matrix'"
    assert set(names(movies, "matrix", {"analyzer": "whitespace"})) == {"matrix", "reloaded"}


def test_an_index_analyzer(session):
    create_index(session, config="`fulltext.analyzer`: 'english'")
    add_movies(session)
    assert set(names(session, "fight")) == {"reloaded"}, "english stems fights to fight"
    assert names(session, "the") == [], "english drops stop words"


def test_list_available_analyzers(session):
    found = {row["analyzer"]: row for row in session.run(
        "CALL db.index.fulltext.listAvailableAnalyzers() YIELD analyzer, description, stopwords "
        "RETURN analyzer, description, stopwords").data()}
    assert {"standard-no-stop-words", "english", "whitespace", "simple", "keyword"} <= set(found)
    assert found["standard-no-stop-words"]["stopwords"] == []
    assert "the" in found["english"]["stopwords"]
    assert all(isinstance(row["description"], str) and row["description"] for row in found.values())


def test_await_eventually_consistent_index_refresh_returns_at_once(movies):
    result = movies.run("CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()")
    assert result.data() == []
    create_index(movies, "eventual", "(n:Later)", "n.text", "`fulltext.eventually_consistent`: true")
    movies.run("CREATE (:Later {name: 'l', text: 'soon'})").consume()
    movies.run("CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()").consume()
    assert names(movies, "soon", index="eventual") == ["l"]


# --- errors ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("statement, message", [
    ("CALL db.index.fulltext.queryNodes('missing', 'x')",
     "Failed to invoke procedure `db.index.fulltext.queryNodes`: Caused by: java.lang.IllegalArgumentException: "
     "There is no such fulltext schema index: missing"),
    ("CALL db.index.fulltext.queryNodes('vectors', 'x')",
     "Failed to invoke procedure `db.index.fulltext.queryNodes`: Caused by: java.lang.IllegalArgumentException: "
     "There is no such fulltext schema index: vectors"),
    ("CALL db.index.fulltext.queryRelationships('movies', 'x')",
     "Failed to invoke procedure `db.index.fulltext.queryRelationships`: Caused by: "
     "java.lang.IllegalArgumentException: The 'movies' index (Index( id=3, name='movies', type='FULLTEXT', "
     "schema=(:Movie {title, plot}), indexProvider='fulltext-1.0' )) is an index on NODE, so it cannot be queried "
     "for relationships."),
    ("CALL db.index.fulltext.queryNodes('movies', 'x', {skip: -1})",
     "Failed to invoke procedure `db.index.fulltext.queryNodes`: Caused by: java.lang.IllegalStateException: "
     "Skip argument cannot be negative: -1."),
    ("CALL db.index.fulltext.queryNodes('movies', 'x', {limit: -2})",
     "Failed to invoke procedure `db.index.fulltext.queryNodes`: Caused by: java.lang.IllegalStateException: "
     "Limit argument cannot be negative: -2."),
    ("CALL db.index.fulltext.queryNodes('movies', 'x', {analyzer: 'klingon'})",
     "Failed to invoke procedure `db.index.fulltext.queryNodes`: Caused by: java.lang.RuntimeException: "
     "Could not create fulltext analyzer: klingon. Could not find service provider "
     "org.neo4j.graphdb.schema.AnalyzerProvider[klingon]"),
])
def test_errors_are_neo4js(movies, statement, message):
    movies.run("CREATE VECTOR INDEX vectors FOR (n:Movie) ON n.emb").consume()
    error = failure(movies, statement)
    assert (error.code, error.message) == (FAILED, message)


def test_a_relationship_index_queried_for_nodes(session):
    create_index(session, "reviews", "()-[r:REVIEWED]-()", "r.text")
    error = failure(session, "CALL db.index.fulltext.queryNodes('reviews', 'x')")
    assert error.message.endswith("is an index on RELATIONSHIP, so it cannot be queried for nodes.")


@pytest.mark.parametrize("text, cause", [("matrix AND", "ParseException"), ("(matrix", "ParseException"),
                                         ("AND", "ParseException"), ('"matrix', "TokenMgrError")])
def test_a_lucene_syntax_error_is_wrapped_as_neo4j_wraps_it(movies, text, cause):
    """The root cause Neo4j names: the parser's ParseException, or the lexer's TokenMgrError it wraps."""
    error = failure(movies, "CALL db.index.fulltext.queryNodes('movies', $text)", text=text)
    assert error.code == FAILED
    assert error.message.startswith("Failed to invoke procedure `db.index.fulltext.queryNodes`: Caused by: "
                                    f"org.apache.lucene.queryparser.classic.{cause}: ")


def test_a_syntax_error_names_the_procedure_called(session):
    create_index(session, "reviews", "()-[r:REVIEWED]-()", "r.text")
    error = failure(session, "CALL db.index.fulltext.queryRelationships('reviews', 'a AND')")
    assert error.message.startswith("Failed to invoke procedure `db.index.fulltext.queryRelationships`: ")


# --- transactional visibility -------------------------------------------------------------------------------

def test_an_open_transaction_sees_its_own_documents_and_others_do_not(dbms, movies):
    with movies.begin_transaction() as tx:
        tx.run("CREATE (:Movie {name: 'new', title: 'Matrix Resurrections'})").consume()
        tx.run("MATCH (m:Movie {name: 'jacket'}) SET m.title = 'The Matrix Jacket'").consume()
        tx.run("MATCH (m:Movie {name: 'reloaded'}) DELETE m").consume()
        mine = [row["name"] for row in tx.run(QUERY, index="movies", text="matrix", options={}).data()]
        assert set(mine) == {"matrix", "new", "jacket"}
        with dbms.session() as other:
            assert set(names(other, "matrix")) == {"matrix", "reloaded"}
        tx.commit()
    assert set(names(movies, "matrix")) == {"matrix", "new", "jacket"}


def test_a_rolled_back_write_never_appears(movies):
    with movies.begin_transaction() as tx:
        tx.run("CREATE (:Movie {name: 'ghost', title: 'Matrix Ghost'})").consume()
        tx.run("MATCH (m:Movie {name: 'matrix'}) DELETE m").consume()
        tx.rollback()
    assert set(names(movies, "matrix")) == {"matrix", "reloaded"}


def test_a_snapshot_keeps_what_it_saw_after_a_concurrent_commit(dbms, movies):
    with movies.begin_transaction() as reader:
        def seen() -> set:
            return {row["name"] for row in reader.run(QUERY, index="movies", text="matrix", options={}).data()}
        assert seen() == {"matrix", "reloaded"}
        with dbms.session() as writer:
            writer.run("MATCH (m:Movie {name: 'matrix'}) SET m.title = 'Something else', m.plot = ''").consume()
            writer.run("MATCH (m:Movie {name: 'reloaded'}) DELETE m").consume()
            writer.run("CREATE (:Movie {name: 'later', title: 'Matrix Later'})").consume()
            assert set(names(writer, "matrix")) == {"later"}
        assert seen() == {"matrix", "reloaded"}
        reader.commit()
    assert set(names(movies, "matrix")) == {"later"}


def test_deleted_and_relabelled_entities_never_appear(movies):
    movies.run("MATCH (m:Movie {name: 'matrix'}) DELETE m").consume()
    movies.run("MATCH (m:Movie {name: 'jacket'}) REMOVE m:Movie").consume()
    movies.run("MATCH (m:Movie {name: 'moon'}) REMOVE m.title").consume()
    assert names(movies, "matrix") == ["reloaded"]
    assert names(movies, "full") == []
    assert names(movies, "werewolf") == ["moon"]


# --- read privileges ------------------------------------------------------------------------------------------

def test_a_user_denied_the_label_or_the_property_gets_no_hits(secure, admin):
    create_index(admin)
    add_movies(admin)
    admin.run("CREATE (:Movie:Secret {name: 'secret', title: 'Matrix Secret'})").consume()
    with user_session(secure, admin, "nolabel", "GRANT MATCH {*} ON GRAPH * NODES *",
                      "DENY TRAVERSE ON GRAPH * NODES Secret") as reader:
        assert set(names(reader, "matrix")) == {"matrix", "reloaded"}
    with user_session(secure, admin, "notitle", "GRANT MATCH {*} ON GRAPH * NODES *",
                      "DENY READ {title} ON GRAPH * NODES Movie") as reader:
        assert names(reader, "matrix") == []
        assert names(reader, "hacker") == ["matrix"], "the plot is still readable"
    assert set(names(admin, "matrix")) == {"matrix", "reloaded", "secret"}


# --- PROFILE ---------------------------------------------------------------------------------------------------

def test_profile_of_a_query_calling_it(movies):
    result = movies.run("PROFILE CALL db.index.fulltext.queryNodes('movies', 'matrix') YIELD node "
                        "RETURN node.name AS name")
    assert {row["name"] for row in result.data()} == {"matrix", "reloaded"}
    operators = []

    def walk(step):
        operators.append((step["operatorType"].split("@")[0], step["rows"]))
        for child in step.get("children", []):
            walk(child)
    walk(result.consume().profile)
    assert ("ProcedureCall", 2) in operators


# --- SHOW PROCEDURES --------------------------------------------------------------------------------------------

def test_show_procedures_lists_them_as_neo4j_does(session):
    found = {row["name"]: row for row in session.run(
        "SHOW PROCEDURES YIELD name, signature, mode, worksOnSystem, description, argumentDescription "
        "WHERE name STARTS WITH 'db.index.fulltext'").data()}
    assert found["db.index.fulltext.queryNodes"]["signature"] == (
        "db.index.fulltext.queryNodes(indexName :: STRING, queryString :: STRING, options = {} :: MAP) :: "
        "(node :: NODE, score :: FLOAT)")
    assert found["db.index.fulltext.queryRelationships"]["signature"] == (
        "db.index.fulltext.queryRelationships(indexName :: STRING, queryString :: STRING, options = {} :: MAP) :: "
        "(relationship :: RELATIONSHIP, score :: FLOAT)")
    assert found["db.index.fulltext.listAvailableAnalyzers"]["signature"] == (
        "db.index.fulltext.listAvailableAnalyzers() :: (analyzer :: STRING, description :: STRING, "
        "stopwords :: LIST<STRING>)")
    assert found["db.index.fulltext.awaitEventuallyConsistentIndexRefresh"]["signature"] == (
        "db.index.fulltext.awaitEventuallyConsistentIndexRefresh()")
    assert all(row["mode"] == "READ" and row["worksOnSystem"] for row in found.values())
    assert found["db.index.fulltext.queryNodes"]["argumentDescription"][2] == {
        "name": "options", "type": "MAP", "description": "{skip :: INTEGER, limit :: INTEGER, analyzer :: STRING}",
        "isDeprecated": False, "default": "DefaultParameterValue{value={}, type=MAP}"}
    assert found["db.index.fulltext.queryNodes"]["description"].endswith(
        "An example of the `options` map: `{skip: 30, limit: 10, analyzer: 'whitespace'}`\n")


def test_on_the_system_database_they_answer_nothing(dbms):
    with dbms.session(database="system") as system:
        assert system.run("CALL db.index.fulltext.queryNodes('movies', 'matrix')").data() == []
        assert system.run("CALL db.index.fulltext.listAvailableAnalyzers() YIELD analyzer "
                          "RETURN count(*) > 0 AS some").single()["some"] is True


# --- storage modes and restarts ------------------------------------------------------------------------------

def test_analytical_mode(session):
    session.run("STORAGE MODE IN_MEMORY_ANALYTICAL").consume()
    create_index(session)
    add_movies(session)
    assert set(names(session, "matrix")) == {"matrix", "reloaded"}
    session.run("MATCH (m:Movie {name: 'matrix'}) DELETE m").consume()
    session.run("MATCH (m:Movie {name: 'moon'}) SET m.title = 'Matrix Moon'").consume()
    assert set(names(session, "matrix")) == {"reloaded", "moon"}


@pytest.mark.parametrize("mode", ["IN_MEMORY_TRANSACTIONAL", "ON_DISK_TRANSACTIONAL"])
def test_the_index_is_rebuilt_after_a_restart(tmp_path, mode):
    with DBMS.open(tmp_path, storage_mode=mode) as dbms, dbms.session() as session:
        create_index(session)
        create_index(session, "reviews", "()-[r:REVIEWED]-()", "r.text")
        add_movies(session)
        session.run("MATCH (m:Movie {name: 'jacket'}) DELETE m").consume()
        session.run("MATCH (m:Movie {name: 'matrix'}) CREATE (m)-[:REVIEWED {text: 'mind bending'}]->(m)"
                    ).consume()
        before = rows(session, "the OR full OR matrix")
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        assert rows(session, "the OR full OR matrix") == before
        assert {row["name"] for row in before} == {"matrix", "reloaded", "moon", "colour"}
        assert session.run("CALL db.index.fulltext.queryRelationships('reviews', 'bending') YIELD relationship "
                           "RETURN count(*) AS c").single()["c"] == 1
        session.run("CREATE (:Movie {name: 'after', title: 'After the restart'})").consume()
        assert names(session, "restart") == ["after"]


def test_on_disk_visibility(tmp_path):
    with DBMS.open(tmp_path, storage_mode="ON_DISK_TRANSACTIONAL") as dbms, dbms.session() as session:
        create_index(session)
        add_movies(session)
        with session.begin_transaction() as tx:
            tx.run("CREATE (:Movie {name: 'mine', title: 'Matrix Mine'})").consume()
            assert {row["name"] for row in tx.run(QUERY, index="movies", text="matrix", options={}).data()} == {
                "matrix", "reloaded", "mine"}
            with dbms.session() as other:
                assert "mine" not in names(other, "matrix")
            tx.rollback()
        assert "mine" not in names(session, "matrix")
