"""The pytest plugin, exercised in a pytester sandbox as a user's test suite would use it."""
# pytester runs each inner session in this process and afterwards forgets the modules that session imported; the
# plugin loads the engine lazily, so without this the second inner session would import a second copy of it.
import graphplex.dbms  # noqa: F401

PLUGIN_TESTS = '''
import pytest

def test_a_fresh_database_per_test(graph_session, graph_database):
    assert graph_database.startswith("test-")
    assert graph_session.run("MATCH (n) RETURN count(n)").single()[0] == 0
    graph_session.run("CREATE (:Leftover)").consume()

def test_the_next_test_does_not_see_it(graph_session):
    assert graph_session.run("MATCH (n) RETURN count(n)").single()[0] == 0

def test_databases_are_dropped_after_each_test(graphplex_dbms):
    names = graphplex_dbms.database_names()
    assert names == ["neo4j", "system"], names

@pytest.mark.graphplex_data("seed.cypher")
def test_preloaded_from_a_file(graph_session):
    assert graph_session.run("MATCH (p:Person) RETURN p.name ORDER BY p.name").value() == ["Ann", "Bob"]

@pytest.mark.graphplex_data("CREATE (:Inline {v: 1});")
def test_preloaded_from_text(graph_session):
    assert graph_session.run("MATCH (n:Inline) RETURN n.v").value() == [1]

def test_the_bolt_uri_reaches_the_same_dbms(graphplex_bolt_uri, graph_database):
    neo4j = pytest.importorskip("neo4j")
    with neo4j.GraphDatabase.driver(graphplex_bolt_uri, auth=("neo4j", "any")) as driver:
        driver.execute_query("CREATE (:ViaBolt)", database_=graph_database)
        records, _, _ = driver.execute_query("MATCH (n:ViaBolt) RETURN count(n) AS c", database_=graph_database)
        assert records[0]["c"] == 1

def test_load_into_a_database(graphplex_load, graph_database, graph_session):
    graphplex_load("UNWIND range(1, 3) AS i CREATE (:N {i: i});", graph_database)
    assert graph_session.run("MATCH (n:N) RETURN count(n)").single()[0] == 3
'''


def test_fixtures_give_each_test_its_own_graph(pytester):
    pytester.makepyfile(test_user=PLUGIN_TESTS)
    pytester.makefile(".cypher", seed="CREATE (:Person {name: 'Ann'});\n// comment\nCREATE (:Person {name: 'Bob'});")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=7)


def test_a_failing_seed_fails_the_test_clearly(pytester):
    pytester.makepyfile(test_bad='''
import pytest

@pytest.mark.graphplex_data("CREATE (:Broken")
def test_seeded(graph_session):
    pass
''')
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*Neo.ClientError.Statement.SyntaxError*"])


def test_a_missing_seed_file_is_named_as_missing(pytester):
    pytester.makepyfile(test_missing='''
import pytest

@pytest.mark.graphplex_data("missing.cypher")
def test_seeded(graph_session):
    pass
''')
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*graphplex_data: no such Cypher file:*missing.cypher*"])
    result.stdout.no_fnmatch_line("*SyntaxError*")


def test_the_plugin_does_not_load_the_engine_until_a_fixture_is_used():
    """Every pytest start in an environment with graphplex installed loads the plugin: it must stay cheap."""
    import subprocess
    import sys

    code = ("import sys, graphplex.pytest_plugin; "
            "print(sorted(m for m in sys.modules if m.startswith(('graphplex.', 'lark', 'networkx'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['graphplex.pytest_plugin']"
