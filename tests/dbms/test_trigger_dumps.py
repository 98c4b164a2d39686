"""A dump carries a database's triggers (with the parameters they keep), as it carries its indexes: `graphplex
load` recreates them."""
from __future__ import annotations

import io

from graphplex import DBMS
from graphplex.cli.main import main


def cli(*argv: str) -> int:
    return main(list(argv), io.StringIO(), io.StringIO())


def test_a_dump_carries_triggers(tmp_path):
    data = str(tmp_path / "data")
    with DBMS.open(data) as dbms, dbms.session() as session:
        session.run("CREATE TRIGGER tag ON () CREATE BEFORE COMMIT EXECUTE UNWIND createdVertices AS v "
                    "SET v.tag = $tag", tag="kept").consume()
    dump = str(tmp_path / "neo4j.dump")
    assert cli("dump", "--data-dir", data, "neo4j", dump) == 0
    assert cli("load", "--data-dir", data, "copy", dump) == 0
    with DBMS.open(data) as dbms, dbms.session(database="copy") as session:
        assert session.run("SHOW TRIGGERS").value() == ["tag"]
        session.run("CREATE (:P)").consume()
        assert session.run("MATCH (p:P) RETURN p.tag").value() == ["kept"]
