"""Parameters become engine values: containers copied (the caller may change its own afterwards), tuples lists,
integers beyond 64 bits refused, also on the fast path that copies a list of flat maps (a batch import's rows)
in C loops."""
import pytest

from graphplex.databases.database import Database, _engine_parameters
from graphplex.databases.errors import ClientError


def test_a_list_of_flat_maps_is_copied() -> None:
    rows = [{"id": 1, "name": "a", "flag": True, "score": 2.5, "none": None}]
    converted = _engine_parameters({"rows": rows})["rows"]
    assert converted == rows
    assert converted is not rows and converted[0] is not rows[0]


@pytest.mark.parametrize("value", [2 ** 63, -2 ** 63 - 1, 2 ** 100])
def test_an_integer_out_of_range_in_a_row_is_refused(value: int) -> None:
    rows = [{"id": 1, "name": "a"}, {"id": value, "name": "b"}]
    with pytest.raises(ClientError) as raised:
        _engine_parameters({"rows": rows})
    assert raised.value.code == "Neo.ClientError.Statement.ArgumentError" and "$rows" in raised.value.message


def test_the_edges_of_the_range_and_booleans_pass() -> None:
    rows = [{"low": -2 ** 63, "high": 2 ** 63 - 1, "yes": True}]
    assert _engine_parameters({"rows": rows})["rows"] == rows


def test_a_stored_list_does_not_follow_the_callers_changes() -> None:
    db = Database()
    rows = [{"id": 1, "tags": [1, 2]}]
    db.execute("UNWIND $rows AS r CREATE (:N {id: r.id, tags: r.tags})", {"rows": rows}).consume()
    rows[0]["tags"].append(3)
    assert list(db.execute("MATCH (n:N) RETURN n.tags")) == [([1, 2],)]
