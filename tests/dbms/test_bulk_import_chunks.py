"""`graphplex import` creating rows a chunk at a time (`create_vertices` / `create_edges`): what it makes is what
the file says, in file order, across chunk and batch ends, and its refusals still name the row."""
from __future__ import annotations

import io

from graphplex import DBMS
from graphplex.cli import bulk
from graphplex.cli.main import main


def _import(tmp_path, nodes: str, rels: str | None = None, name: str = "chunks") -> tuple[int, str, str]:
    (tmp_path / "n.csv").write_text(nodes)
    argv = ["import", "--data-dir", str(tmp_path / "data"), "--database", name, "--nodes", str(tmp_path / "n.csv")]
    if rels is not None:
        (tmp_path / "r.csv").write_text(rels)
        argv += ["--relationships", str(tmp_path / "r.csv")]
    out, err = io.StringIO(), io.StringIO()
    return main(argv, out, err), out.getvalue(), err.getvalue()


def test_rows_across_chunk_and_batch_ends_keep_file_order_and_types(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK", 7)
    monkeypatch.setattr(bulk, "BATCH", 10)
    count = 53
    nodes = "id:ID(P),v:int,:LABEL\n" + "".join(f"{i},{i},{'A' if i % 2 else 'B'}\n" for i in range(count))
    types = ["R", "R", "S", "R", "S", "S"]
    rels = ":START_ID(P),:END_ID(P),:TYPE,w:float\n" + \
        "".join(f"{i},{(i * 5) % count},{types[i % len(types)]},{i / 2}\n" for i in range(count))
    code, out, err = _import(tmp_path, nodes, rels)
    assert (code, err) == (0, "")
    assert f"{count} nodes, {count} relationships" in out
    with DBMS.open(str(tmp_path / "data")) as dbms, dbms.session(database="chunks") as session:
        rows = session.run("MATCH (a)-[r]->(b) RETURN a.v, type(r), r.w, b.v ORDER BY id(r)").values()
        assert rows == [[i, types[i % len(types)], i / 2, (i * 5) % count] for i in range(count)]
        nodes_in_order = session.run("MATCH (n) RETURN n.v, labels(n) ORDER BY id(n)").values()
        assert nodes_in_order == [[i, ["A" if i % 2 else "B"]] for i in range(count)]


def test_a_short_relationship_row_has_empty_trailing_fields(tmp_path):
    code, _, err = _import(tmp_path, "id:ID\n1\n2\n", ":START_ID,:END_ID,:TYPE,note\n1,2,R\n")
    assert (code, err) == (0, "")
    with DBMS.open(str(tmp_path / "data")) as dbms, dbms.session(database="chunks") as session:
        assert session.run("MATCH ()-[r:R]->() RETURN r.note").values() == [[None]]


def test_a_duplicate_node_id_names_its_row(tmp_path):
    code, _, err = _import(tmp_path, "id:ID,name\n1,a\n2,b\n1,c\n")
    assert code == 1 and "n.csv:4: duplicate node id '1'" in err


def test_a_bad_relationship_value_names_its_row_and_column(tmp_path):
    code, _, err = _import(tmp_path, "id:ID\n1\n", ":START_ID,:END_ID,:TYPE,w:int\n1,1,R,2\n1,1,R,two\n")
    assert code == 1 and "r.csv:3: column w: invalid literal for int()" in err


def test_the_same_id_in_two_id_spaces_names_two_nodes(tmp_path):
    (tmp_path / "a.csv").write_text("id:ID(A),name\n1,a1\n")
    (tmp_path / "b.csv").write_text("id:ID(B),name\n1,b1\n")
    (tmp_path / "r.csv").write_text(":START_ID(A),:END_ID(B)\n1,1\n")
    out, err = io.StringIO(), io.StringIO()
    code = main(["import", "--data-dir", str(tmp_path / "data"), "--database", "spaces", "--nodes",
                 f"A={tmp_path / 'a.csv'}", "--nodes", f"B={tmp_path / 'b.csv'}", "--relationships",
                 f"R={tmp_path / 'r.csv'}"], out, err)
    assert (code, err.getvalue()) == (0, "")
    with DBMS.open(str(tmp_path / "data")) as dbms, dbms.session(database="spaces") as session:
        assert session.run("MATCH (a:A)-[:R]->(b:B) RETURN a.name, b.name").values() == [["a1", "b1"]]
