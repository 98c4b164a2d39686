"""`graphplex import` reads a chunk column by column when it can and row by row when a row needs it (an empty
field, an array, a bad value, an unknown or duplicate id): either way the graph is what the file says, and a
refusal names the first bad row of the file."""
from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphplex import DBMS
from graphplex.cli import bulk
from graphplex.cli.main import main

_NAMES = st.sampled_from(["", "ann", "bob", "c d"])
# Empty numbers are rare enough that most chunks of three rows have none (read by columns) and some have one.
_NUMBERS = st.sampled_from(["", "0", "-7", "12", "3", "44", "9", "1"])
_LABELS = st.sampled_from(["", "A", "A;B", ";B"])
_NODE_ROW = st.tuples(_NAMES, _NUMBERS, _LABELS, st.sampled_from(["", "1.5", "2", "0.25", "-3", "7", "8e3", "9"]))
_REL_ROW = st.tuples(st.integers(0, 11), st.integers(0, 11), st.sampled_from(["R", "S", ""]), _NUMBERS)


def _import(directory, nodes: str, rels: str) -> tuple[int, str]:
    (directory / "n.csv").write_text(nodes)
    (directory / "r.csv").write_text(rels)
    out, err = io.StringIO(), io.StringIO()
    code = main(["import", "--data-dir", str(directory / "data"), "--database", "cols", "--nodes",
                 f"P={directory / 'n.csv'}", "--relationships", f"T={directory / 'r.csv'}"], out, err)
    return code, err.getvalue()


def _graph(directory) -> tuple[list, list]:
    with DBMS.open(str(directory / "data")) as dbms, dbms.session(database="cols") as session:
        nodes = session.run("MATCH (n) RETURN labels(n), properties(n) ORDER BY id(n)").values()
        rels = session.run("MATCH (a)-[r]->(b) RETURN a.id, type(r), properties(r), b.id ORDER BY id(r)").values()
    return nodes, rels


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(node_rows=st.lists(_NODE_ROW, min_size=1, max_size=12), rel_rows=st.lists(_REL_ROW, max_size=14))
def test_chunks_read_by_columns_or_rows_make_what_the_file_says(tmp_path_factory, monkeypatch, node_rows,
                                                                 rel_rows):
    monkeypatch.setattr(bulk, "CHUNK", 3)
    directory = tmp_path_factory.mktemp("cols")
    nodes = "id:ID,name,age:int,:LABEL,score:float\n" + \
        "".join(f"{i},{name},{age},{labels},{score}\n" for i, (name, age, labels, score) in enumerate(node_rows))
    rels = ":START_ID,:END_ID,:TYPE,w:long\n" + "".join(f"{a},{b},{kind},{w}\n" for a, b, kind, w in rel_rows)
    code, err = _import(directory, nodes, rels)
    count = len(node_rows)
    bad = next((number for number, (a, b, _, _) in enumerate(rel_rows, start=2) if a >= count or b >= count), None)
    if bad is not None:
        missing = next(end for end in rel_rows[bad - 2][:2] if end >= count)
        assert code == 1 and f"r.csv:{bad}: no node with id '{missing}'" in err
        return
    assert (code, err) == (0, "")
    expected_nodes = []
    for i, (name, age, labels, score) in enumerate(node_rows):
        props = {"name": name, "age": int(age) if age else "", "score": float(score) if score else ""}
        props = {key: value for key, value in props.items() if value != ""}
        expected_nodes.append([sorted(["P", *(label for label in labels.split(";") if label)]),
                               {**props, "id": str(i)}])
    expected_rels = [[str(a), kind or "T", {"w": int(w)} if w else {}, str(b)] for a, b, kind, w in rel_rows]
    nodes_found, rels_found = _graph(directory)
    assert [[sorted(labels), props] for labels, props in nodes_found] == expected_nodes
    assert rels_found == expected_rels


def test_a_duplicate_of_an_id_from_an_earlier_chunk_names_its_row(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK", 2)
    code, err = _import(tmp_path, "id:ID,name\n1,a\n2,b\n3,c\n2,d\n", ":START_ID,:END_ID\n")
    assert code == 1 and "n.csv:5: duplicate node id '2'" in err


def test_a_duplicate_id_within_one_chunk_names_its_second_row(tmp_path):
    code, err = _import(tmp_path, "id:ID,name\n1,a\n2,b\n1,c\n", ":START_ID,:END_ID\n")
    assert code == 1 and "n.csv:4: duplicate node id '1'" in err


def test_a_bad_number_in_a_full_chunk_names_its_row_and_column(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK", 2)
    code, err = _import(tmp_path, "id:ID,age:int\n1,1\n2,2\n3,x\n4,4\n", ":START_ID,:END_ID\n")
    assert code == 1 and "n.csv:4: column age: invalid literal for int()" in err


def test_a_relationship_without_a_type_names_its_row(tmp_path):
    (tmp_path / "n.csv").write_text("id:ID\n1\n")
    (tmp_path / "r.csv").write_text(":START_ID,:END_ID\n1,1\n")
    out, err = io.StringIO(), io.StringIO()
    code = main(["import", "--data-dir", str(tmp_path / "data"), "--database", "cols", "--nodes",
                 str(tmp_path / "n.csv"), "--relationships", str(tmp_path / "r.csv")], out, err)
    assert code == 1 and "r.csv:2: a relationship needs :START_ID, :END_ID and a type" in err.getvalue()


def test_arrays_and_the_id_column_named_like_a_property(tmp_path):
    code, err = _import(tmp_path, "id:ID,tags:string[],id,n:int[]\n1,a;b,x,1;2\n2,c,y,3\n",
                        ":START_ID,:END_ID,:TYPE\n1,2,R\n")
    assert (code, err) == (0, "")
    nodes, rels = _graph(tmp_path)
    assert nodes == [[["P"], {"tags": ["a", "b"], "id": "1", "n": [1, 2]}],
                     [["P"], {"tags": ["c"], "id": "2", "n": [3]}]]
    assert rels == [["1", "R", {}, "2"]]
