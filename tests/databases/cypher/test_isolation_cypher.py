"""The shared isolation scenarios through Cypher, at all three isolation levels (see ../shared/isolation)."""
from __future__ import annotations

import pytest

from graphplex.databases import Database
from graphplex.databases.errors import Neo4jError
from isolation_support import ABSENT, SessionAdapter, load_runner, run_and_check, scenario_params


class CypherAdapter(SessionAdapter):
    """The runner's adapter over one `Database`."""

    def reset(self) -> None:
        self.database = Database()
        self.sessions = {}

    def begin(self, session: str, level: str) -> None:
        self.sessions[session] = self.database.begin(isolation_level=level)

    def run(self, session: str, query: str, params: dict) -> list[dict]:
        result = self.database.execute(query, params or {}, transaction=self.sessions[session])
        return [dict(zip(result.keys, record)) for record in result]


@pytest.fixture(scope="module")
def runner():
    return load_runner()


@pytest.mark.parametrize("scenario", scenario_params())
def test_isolation_scenario_through_cypher(runner, scenario):
    if scenario is None:
        pytest.skip(ABSENT)
    run_and_check(runner, CypherAdapter(), scenario)


class OnDiskAdapter(CypherAdapter):
    """The same, on an ON_DISK_TRANSACTIONAL database (snapshot isolation only)."""

    database = None

    def reset(self) -> None:
        if self.database is not None:
            self.database.close()
        self.database = Database(storage_mode="ON_DISK_TRANSACTIONAL")
        self.sessions = {}


@pytest.mark.parametrize("scenario", [p for p in scenario_params()
                                      if p.values[0] is None or p.values[0]["level"] == "SNAPSHOT_ISOLATION"])
def test_snapshot_isolation_scenarios_on_disk(runner, scenario):
    if scenario is None:
        pytest.skip(ABSENT)
    adapter = OnDiskAdapter()
    try:
        run_and_check(runner, adapter, scenario)
    finally:
        adapter.database.close()


def test_errors_are_neo4j_errors():
    with pytest.raises(Neo4jError):
        list(Database().execute("RETURN 1/0"))
