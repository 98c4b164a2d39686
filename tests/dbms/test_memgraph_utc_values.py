"""The Bolt encoding of a date-time in UTC: a Memgraph client's connection names its zone Memgraph's Etc/UTC (UTC's
offset and UTC's names alike), a Neo4j client's keeps what graphplex holds; other zones and offsets travel as they
are."""
import datetime as dt
import zoneinfo

import pytest

from graphplex.bolt.values import Dialect

MOMENT = dt.datetime(2024, 4, 21, 14, 15, 16)


@pytest.mark.parametrize("zone", [dt.timezone.utc, zoneinfo.ZoneInfo("UTC"), zoneinfo.ZoneInfo("Etc/UTC"),
                                  zoneinfo.ZoneInfo("Zulu")])
@pytest.mark.parametrize("utc", [False, True])
def test_a_memgraph_client_reads_utc_as_etc_utc(zone, utc):
    encoded = Dialect(v5=utc, utc=utc, memgraph=True).encode(MOMENT.replace(tzinfo=zone))
    assert (encoded.tag, encoded.fields[2]) == ((0x69 if utc else 0x66), "Etc/UTC")


def test_a_neo4j_client_reads_utc_as_held():
    assert Dialect(v5=True, utc=True).encode(MOMENT.replace(tzinfo=dt.timezone.utc)).fields[2] == 0
    assert Dialect(v5=True, utc=True).encode(MOMENT.replace(tzinfo=zoneinfo.ZoneInfo("UTC"))).fields[2] == "UTC"


@pytest.mark.parametrize("zone, field", [(dt.timezone(dt.timedelta(hours=2)), 7200),
                                         (zoneinfo.ZoneInfo("America/New_York"), "America/New_York")])
def test_other_zones_travel_as_they_are_to_a_memgraph_client(zone, field):
    assert Dialect(v5=False, utc=False, memgraph=True).encode(MOMENT.replace(tzinfo=zone)).fields[2] == field
