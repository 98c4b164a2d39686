"""`graphplex dump --format neo4j-admin | cypher` moves a database out: what the CSV files (loaded by `graphplex
import`, which reads neo4j-admin's headers) and the Cypher script (run by `graphplex run`) rebuild is the graph
that was dumped, values, labels, relationships and schema alike."""
from __future__ import annotations

import io
import math

import pytest

from graphplex import DBMS
from graphplex.cli.main import main

FILL = """
CREATE (a:Person:Author {uid: 1, name: 'Ada "the first" O\\'Neil', born: date('1815-12-10'),
        seen: datetime('2026-09-27T10:00:00.123456789[Europe/Oslo]'), at: datetime('2026-01-02T03:04:05+05:30'),
        wakes: localtime('06:30'), tea: time('16:00:00+01:00'), local: localdatetime('2026-02-03T04:05:06'),
        took: duration('P1Y2M3DT4H5M6.007S'), home: point({longitude: 10.75, latitude: 59.91}),
        spot: point({x: 1.5, y: -2.5, z: 3.0}), tags: ['a', 'b, c'], scores: [1, 2, 3], ratio: 0.1,
        huge: 9223372036854775807, tiny: -9223372036854775808, inf: 1.0/0.0, ok: true, uni: 'héllo ☃\\nline'})
CREATE (b:Person {uid: 2, name: 'Bob', ratio: 2.5})
CREATE (c:City {uid: 3, name: 'Oslo'})
CREATE (d {uid: 4})
CREATE (a)-[:KNOWS {since: 2020, via: 'work'}]->(b)
CREATE (b)-[:KNOWS]->(a)
CREATE (a)-[:LIVES_IN {from: date('2000-01-01')}]->(c)
CREATE (c)-[:SELF]->(c)
"""
SCHEMA = ["CREATE INDEX person_name FOR (p:Person) ON (p.name)",
          "CREATE CONSTRAINT city_uid FOR (c:City) REQUIRE c.uid IS UNIQUE",
          "CREATE FULLTEXT INDEX names FOR (p:Person) ON EACH [p.name]"]


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def source(tmp_path):
    data = tmp_path / "source"
    with DBMS.open(str(data)) as dbms, dbms.session() as session:
        session.run(FILL).consume()
        for statement in SCHEMA:
            session.run(statement).consume()
    return data


def _graph(data, database: str) -> tuple:
    """The graph as comparable values: nodes by uid with labels and properties, relationships by their ends' uids."""
    with DBMS.open(str(data)) as dbms, dbms.session(database=database) as session:
        nodes = {r["n"]["uid"]: (sorted(r["n"].labels), dict(r["n"]))
                 for r in session.run("MATCH (n) RETURN n")}
        relationships = sorted((r["a"], r["t"], r["b"], sorted(r["p"].items()))
                               for r in session.run("MATCH (x)-[r]->(y) RETURN x.uid AS a, type(r) AS t, "
                                                    "y.uid AS b, properties(r) AS p"))
        schema = sorted(r["name"] for r in session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' "
                                                       "RETURN name"))
        constraints = sorted(r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name RETURN name"))
    return nodes, relationships, schema, constraints


def _same_values(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, float) and math.isnan(x):
            if not (isinstance(y, float) and math.isnan(y)):
                return False
        elif x != y or type(x) is not type(y):
            return False
    return True


def _assert_same_graph(target, database: str, source) -> tuple:
    """The graph in `target`'s `database` is the source's `neo4j` graph: the same nodes (labels, properties of the
    same types) and relationships. Returns the target's `_graph`."""
    found = _graph(target, database)
    expected = _graph(source, "neo4j")
    nodes, relationships = found[0], found[1]
    assert nodes.keys() == expected[0].keys()
    for uid, (labels, props) in expected[0].items():
        assert nodes[uid][0] == labels
        assert _same_values(nodes[uid][1], props), (uid, nodes[uid][1], props)
    assert relationships == expected[1]
    return found


def test_a_cypher_dump_rebuilds_the_graph(source, tmp_path):
    script = tmp_path / "dump.cypher"
    code, out, err = cli("dump", "--data-dir", str(source), "--format", "cypher", "neo4j", str(script))
    assert code == 0, err
    assert "4 nodes, 4 relationships" in out
    target = tmp_path / "target"
    code, out, err = cli("run", "--data-dir", str(target), str(script))
    assert code == 0, err
    _, _, indexes, constraints = _assert_same_graph(target, "neo4j", source)
    expected = _graph(source, "neo4j")
    assert indexes == expected[2] and constraints == expected[3]
    with DBMS.open(str(target)) as dbms, dbms.session() as session:  # the temporary key is gone
        assert session.run("MATCH (n) WHERE n.__graphplex_id IS NOT NULL OR n:__GraphplexImport "
                           "RETURN count(n)").single()[0] == 0
        assert session.run("SHOW CONSTRAINTS YIELD name WHERE name = 'graphplex_import_key' "
                           "RETURN count(*)").single()[0] == 0


def test_a_cypher_dump_to_standard_output(source):
    code, out, err = cli("dump", "--data-dir", str(source), "--format", "cypher", "neo4j", "-")
    assert code == 0, err
    assert out.startswith("// graphplex dump") and "CREATE CONSTRAINT `city_uid`" in out


def test_neo4j_admin_csv_files_rebuild_the_graph(source, tmp_path):
    folder = tmp_path / "csv"
    code, out, err = cli("dump", "--data-dir", str(source), "--format", "neo4j-admin", "neo4j", str(folder))
    assert code == 0, err
    commands = (folder / "import.txt").read_text()
    assert "neo4j-admin database import full" in commands
    node_files = sorted(p.name for p in folder.glob("nodes_*.csv"))
    relationship_files = sorted(p.name for p in folder.glob("relationships_*.csv"))
    assert (folder / node_files[0]).read_text().splitlines()[0].startswith(":ID,")
    target = tmp_path / "target"
    arguments = ["import", "--data-dir", str(target), "--database", "copy"]
    for name in node_files:
        arguments += ["--nodes", str(folder / name)]
    for name in relationship_files:
        arguments += ["--relationships", str(folder / name)]
    code, out, err = cli(*arguments)
    assert code == 0, err
    _assert_same_graph(target, "copy", source)


def test_a_property_of_two_types_goes_to_two_files(tmp_path):
    data = tmp_path / "source"
    with DBMS.open(str(data)) as dbms, dbms.session() as session:
        session.run("CREATE (:T {v: 1}), (:T {v: 'one'}), (:T {v: 2})").consume()
    folder = tmp_path / "csv"
    assert cli("dump", "--data-dir", str(data), "--format", "neo4j-admin", "neo4j", str(folder))[0] == 0
    headers = sorted((folder / name).read_text().splitlines()[0] for name in ("nodes_1.csv", "nodes_2.csv"))
    assert headers == [":ID,v:long,:LABEL", ":ID,v:string,:LABEL"]


def test_a_neo4j_admin_dump_wants_a_new_folder(source, tmp_path):
    folder = tmp_path / "full"
    folder.mkdir()
    (folder / "other.txt").write_text("x")
    code, _, err = cli("dump", "--data-dir", str(source), "--format", "neo4j-admin", "neo4j", str(folder))
    assert code != 0 and "not empty" in err


def test_a_memgraph_dialect_dump_rebuilds_the_graph_in_memgraphs_statements(source, tmp_path):
    script = tmp_path / "memgraph.cypher"
    code, out, err = cli("dump", "--data-dir", str(source), "--format", "cypher", "--dialect", "memgraph", "neo4j",
                         str(script))
    assert code == 0, err
    assert "left out: names" in err  # Memgraph has no FULLTEXT index statement
    text = script.read_text()
    assert "CREATE INDEX ON :`Person`(`name`);" in text
    assert "CREATE CONSTRAINT ON (n:`City`) ASSERT n.`uid` IS UNIQUE;" in text
    assert "IN TRANSACTIONS" not in text and "IF NOT EXISTS" not in text
    target = tmp_path / "target"
    code, _, err = cli("run", "--data-dir", str(target), str(script))
    assert code == 0, err
    nodes, relationships, indexes, constraints = _graph(target, "neo4j")
    expected = _graph(source, "neo4j")
    assert nodes.keys() == expected[0].keys() and relationships == expected[1]
    assert len(constraints) == 1


def test_an_array_delimiter_no_string_holds(tmp_path):
    data = tmp_path / "source"
    with DBMS.open(str(data)) as dbms, dbms.session() as session:
        session.run("CREATE (:T {uid: 1, parts: ['a;b', 'c']})").consume()
    folder = tmp_path / "csv"
    assert cli("dump", "--data-dir", str(data), "--format", "neo4j-admin", "neo4j", str(folder))[0] == 0
    commands = (folder / "import.txt").read_text()
    assert "--array-delimiter='|'" in commands
    target = tmp_path / "target"
    code, _, err = cli("import", "--data-dir", str(target), "--database", "copy", "--nodes",
                       str(folder / "nodes_1.csv"), "--array-delimiter", "|")
    assert code == 0, err
    assert _graph(target, "copy")[0] == {1: (["T"], {"uid": 1, "parts": ["a;b", "c"]})}


def test_a_failed_dump_leaves_no_half_output(tmp_path):
    """A value the format cannot write stops the dump with a clear error and nothing written: no half script (it
    would load half a graph), no empty folder."""
    data = tmp_path / "source"
    with DBMS.open(str(data)) as dbms, dbms.session() as session:
        session.run("UNWIND range(1, 1500) AS i CREATE (:T {uid: i})").consume()
        session.run("CREATE (:T {uid: 0, raw: $raw})", raw=b"\x01\x02").consume()
    script = tmp_path / "dump.cypher"
    code, _, err = cli("dump", "--data-dir", str(data), "--format", "cypher", "neo4j", str(script))
    assert code != 0 and "no Cypher literal" in err and "Traceback" not in err
    assert list(tmp_path.glob("dump.cypher*")) == []


def test_a_failed_neo4j_admin_dump_leaves_no_folder(tmp_path):
    data = tmp_path / "source"
    with DBMS.open(str(data)) as dbms, dbms.session() as session:
        session.run("CREATE (:T {when: duration('P1D')}), (:T {points: [point({x: 1, y: 2})]})").consume()
        session.run("CREATE (:T {raw: $raw})", raw=[b"\x01"]).consume()
    folder = tmp_path / "csv"
    code, _, err = cli("dump", "--data-dir", str(data), "--format", "neo4j-admin", "neo4j", str(folder))
    assert code != 0 and "no neo4j-admin column type" in err and "Traceback" not in err
    assert not folder.exists()
