"""`Counters` keeps its zeros on the class (a statement that changes nothing sets none, issue 18): each statement's
counts are still its own, and the dataclass behaviours the summary relies on are unchanged."""
import dataclasses

import pytest

from graphplex.databases import Database
from graphplex.databases.cypher.context import Counters


def test_counts_are_per_instance():
    first, second = Counters(), Counters()
    first.nodes_created += 2
    first.properties_set += 1
    assert (second.nodes_created, second.properties_set) == (0, 0)
    assert Counters().nodes_created == 0
    assert first == Counters(nodes_created=2, properties_set=1) and first != second
    assert first.contains_updates and not second.contains_updates
    assert dataclasses.replace(first) == first
    assert first.as_dict()["nodes_created"] == 2 and second.as_dict() == dict.fromkeys(second.as_dict(), 0)
    second.add(first)
    second.add(first)
    assert second.nodes_created == 4 and first.nodes_created == 2


def test_an_unknown_count_is_refused():
    with pytest.raises(TypeError, match="no count nodes_made"):
        Counters(nodes_made=1)


def test_each_statement_reports_its_own_counts():
    db = Database()
    created = db.execute("CREATE (:A {x: 1}), (:A)")
    assert created.consume().nodes_created == 2
    read = db.execute("MATCH (n:A) RETURN count(n)")
    assert list(read) == [(2,)]
    assert not read.counters.contains_updates and read.counters.nodes_created == 0
    assert created.counters.nodes_created == 2 and created.counters.properties_set == 1
