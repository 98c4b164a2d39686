"""Neo4j's HTTP Query API on `HttpServer`, through a plain HTTP client: implicit and explicit transactions, expiry,
errors and their statuses, typed values, authentication and privileges, bookmarks shared with Bolt, browser
safety. The wire format is Neo4j 5.26's (docs/design/http-query-api.md)."""
from __future__ import annotations

import base64
import datetime as dt
import re
import socket
import threading
import time

import httpx
import pytest

from graphplex import BoltServer, DBMS
from graphplex.http import HttpServer

PASSWORD = "http-secret"
TYPED = "application/vnd.neo4j.query"


@pytest.fixture(scope="module")
def dbms():
    dbms = DBMS.in_memory(auth_enabled=True, initial_password=PASSWORD, auth_max_failed_attempts=0)
    with dbms.session(database="system", auth=("neo4j", PASSWORD)) as session:
        session.run("CREATE USER reader SET PASSWORD 'reader-pw' CHANGE NOT REQUIRED").consume()
        session.run("GRANT ROLE reader TO reader").consume()
        session.run("CREATE DATABASE other").consume()
    yield dbms
    dbms.close()


@pytest.fixture(scope="module")
def server(dbms):
    with HttpServer(dbms, port=0, transaction_idle_timeout=2.0) as server:
        yield server


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, auth=("neo4j", PASSWORD), timeout=30) as client:
        yield client


def query(client, statement, database="neo4j", **fields):
    return client.post(f"/db/{database}/query/v2", json={"statement": statement, **fields})


# --- implicit transactions ---------------------------------------------------------------------------------------

def test_a_statement_answers_fields_rows_and_bookmarks(client):
    response = query(client, "UNWIND [1, 2] AS x RETURN x, x * 10 AS y")
    assert response.status_code == 202
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["data"] == {"fields": ["x", "y"], "values": [[1, 10], [2, 20]]}
    assert "counters" not in body and "errors" not in body


def test_counters_when_asked_in_neo4js_order(client):
    body = query(client, "CREATE (:Counted {a: 1, b: 2})", includeCounters=True).json()
    assert list(body["counters"]) == [
        "containsUpdates", "nodesCreated", "nodesDeleted", "propertiesSet", "relationshipsCreated",
        "relationshipsDeleted", "labelsAdded", "labelsRemoved", "indexesAdded", "indexesRemoved",
        "constraintsAdded", "constraintsRemoved", "containsSystemUpdates", "systemUpdates"]
    assert body["counters"]["nodesCreated"] == 1 and body["counters"]["propertiesSet"] == 2
    assert body["counters"]["containsUpdates"] is True
    assert body["data"] == {"fields": [], "values": []}
    assert len(body["bookmarks"]) == 1


def test_parameters_and_plain_values(client):
    body = query(client, "RETURN $i AS i, $f AS f, $s AS s, $l AS l, $m AS m, 0.0/0.0 AS nan, "
                         "date('2026-09-27') AS d, datetime('2026-09-27T10:00:00[Europe/Oslo]') AS z, "
                         "point({x: 1.5, y: 2.5}) AS p, duration('P1Y2M3DT4H5M6.007S') AS du",
                 parameters={"i": 9223372036854775807, "f": 0.5, "s": "héllo", "l": [1, "a", None],
                             "m": {"b": 1, "a": 2}}).json()
    row = dict(zip(body["data"]["fields"], body["data"]["values"][0]))
    assert row["i"] == 9223372036854775807 and row["f"] == 0.5 and row["s"] == "héllo"
    assert row["l"] == [1, "a", None] and list(row["m"]) == ["a", "b"]
    assert row["nan"] == "NaN"
    assert row["d"] == "2026-09-27"
    assert row["z"] == "2026-09-27T10:00:00+02:00"  # plain JSON drops the zone name, as Neo4j 5.26
    assert row["p"] == "SRID=7203;POINT (1.5 2.5)"
    assert row["du"] == "P1Y2M3DT4H5M6.007S"


def test_graph_values_in_plain_json(client):
    body = query(client, "CREATE p = (a:Plain {k: 'a'})-[r:LINKS {w: 2}]->(b:Plain {k: 'b'}) RETURN a, r, p").json()
    a, r, p = body["data"]["values"][0]
    assert a["labels"] == ["Plain"] and a["properties"] == {"k": "a"} and a["elementId"].startswith("4:")
    assert r["type"] == "LINKS" and r["properties"] == {"w": 2}
    assert r["startNodeElementId"] == a["elementId"]
    assert [element.get("type") for element in p] == [None, "LINKS", None]


def test_typed_values_out(client):
    response = client.post("/db/neo4j/query/v2", headers={"Accept": TYPED}, json={
        "statement": "CREATE (n:Typed {k: 1})-[r:T]->(m:Typed) RETURN n, r, 9223372036854775807 AS big, 0.1 AS f, "
                     "true AS b, null AS nothing, [1, 'a'] AS l, {z: 1, a: 2} AS m, "
                     "datetime('2026-09-27T10:00:00+02:00') AS odt, "
                     "datetime('2026-09-27T10:00:00[Europe/Oslo]') AS zdt, localtime('12:50:35.556123456') AS lt, "
                     "point({longitude: 10.7, latitude: 59.9, height: 3.0}) AS p"})
    assert response.status_code == 202
    assert response.headers["content-type"] == TYPED
    row = dict(zip(response.json()["data"]["fields"], response.json()["data"]["values"][0]))
    assert row["n"]["$type"] == "Node"
    assert row["n"]["_value"]["_labels"] == ["Typed"]
    assert row["n"]["_value"]["_properties"] == {"k": {"$type": "Integer", "_value": "1"}}
    assert row["r"]["$type"] == "Relationship" and row["r"]["_value"]["_type"] == "T"
    assert row["r"]["_value"]["_start_node_element_id"] == row["n"]["_value"]["_element_id"]
    assert row["big"] == {"$type": "Integer", "_value": "9223372036854775807"}
    assert row["f"] == {"$type": "Float", "_value": "0.1"}
    assert row["b"] == {"$type": "Boolean", "_value": True}
    assert row["nothing"] == {"$type": "Null", "_value": None}
    assert row["l"] == {"$type": "List", "_value": [{"$type": "Integer", "_value": "1"},
                                                     {"$type": "String", "_value": "a"}]}
    assert list(row["m"]["_value"]) == ["a", "z"]
    assert row["odt"] == {"$type": "OffsetDateTime", "_value": "2026-09-27T10:00:00+02:00"}
    assert row["zdt"] == {"$type": "ZonedDateTime", "_value": "2026-09-27T10:00:00+02:00[Europe/Oslo]"}
    assert row["lt"] == {"$type": "LocalTime", "_value": "12:50:35.556123456"}
    assert row["p"] == {"$type": "Point", "_value": "SRID=4979;POINT Z (10.7 59.9 3.0)"}


def test_typed_parameters_come_back_as_sent(client):
    sent = {
        "i": {"$type": "Integer", "_value": "-9223372036854775808"},
        "f": {"$type": "Float", "_value": "1.5E300"},
        "inf": {"$type": "Float", "_value": "-Infinity"},
        "s": {"$type": "String", "_value": "x"},
        "bytes": {"$type": "Base64", "_value": "3q2+7w=="},
        "d": {"$type": "Date", "_value": "2026-09-27"},
        "t": {"$type": "Time", "_value": "12:50:35.556+01:00"},
        "ldt": {"$type": "LocalDateTime", "_value": "2026-09-27T10:00:00.5"},
        "zdt": {"$type": "ZonedDateTime", "_value": "2026-09-27T10:00:00+02:00[Europe/Oslo]"},
        "du": {"$type": "Duration", "_value": "PT1H"},
        "p": {"$type": "Point", "_value": "SRID=4326;POINT (10.5 59.5)"},
        "l": {"$type": "List", "_value": [{"$type": "Boolean", "_value": False}, {"$type": "Null", "_value": None}]},
        "m": {"$type": "Map", "_value": {"k": {"$type": "Integer", "_value": "1"}}},
    }
    response = client.post("/db/neo4j/query/v2", headers={"Accept": TYPED, "Content-Type": TYPED},
                           content=_json({"statement": "RETURN " + ", ".join(f"${k} AS {k}" for k in sent),
                                          "parameters": sent}))
    assert response.status_code == 202, response.text
    row = dict(zip(response.json()["data"]["fields"], response.json()["data"]["values"][0]))
    assert row == sent


@pytest.mark.parametrize("parameter, message", [
    ({"$type": "Node", "_value": {}}, "Type Node is not supported as a column value"),
    ({"value": 1}, "Expected a typed value."),
    ({"$type": "Null", "_value": 1}, "Expected 'null' value"),
    ({"$type": "Date", "_value": "not a date"}, "Invalid Date value"),
    ({"$type": "Integer", "_value": "9223372036854775808"}, "64 bits"),
    ({"$type": "Nonsense", "_value": "1"}, "Unknown type"),
])
def test_bad_typed_parameters_are_refused(client, parameter, message):
    response = client.post("/db/neo4j/query/v2", headers={"Content-Type": TYPED},
                           content=_json({"statement": "RETURN $x", "parameters": {"x": parameter}}))
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "Neo.ClientError.Request.Invalid" and message in error["message"]


def test_a_plan_for_explain_and_a_profile_for_profile(client):
    plan = query(client, "EXPLAIN MATCH (n:Plain) RETURN n").json()["queryPlan"]
    assert plan["operatorType"].startswith("ProduceResults")
    assert set(plan) == {"operatorType", "arguments", "identifiers", "children"}
    assert plan["children"]
    profile = query(client, "PROFILE UNWIND [1, 2, 3] AS x RETURN x").json()["profiledQueryPlan"]
    assert profile["records"] == 3
    assert {"dbHits", "records", "time", "pageCacheHits", "pageCacheMisses", "hasPageCacheStats",
            "pageCacheHitRatio"} <= set(profile)


def test_notifications(client):
    body = query(client, "MATCH (a:Plain), (b:Plain) RETURN count(*) AS c").json()
    codes = [n["code"] for n in body["notifications"]]
    assert "Neo.ClientNotification.Statement.CartesianProduct" in codes
    assert list(body["notifications"][0])[:4] == ["code", "description", "severity", "title"]


# --- errors -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("statement, parameters, status, code", [
    ("RETRUN 1", {}, 400, "Neo.ClientError.Statement.SyntaxError"),
    ("RETURN $nothing", {}, 400, "Neo.ClientError.Statement.ParameterMissing"),
    ("RETURN 1; RETURN 2", {}, 400, "Neo.ClientError.Statement.SyntaxError"),
    ("", {}, 400, "Neo.ClientError.Request.Invalid"),
])
def test_errors_before_the_statement_runs(client, statement, parameters, status, code):
    response = query(client, statement, parameters=parameters)
    assert response.status_code == status
    assert response.json() == {"errors": [{"code": code, "message": response.json()["errors"][0]["message"]}]}


def test_an_unknown_database_is_404(client):
    response = query(client, "RETURN 1", database="nothing")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "Neo.ClientError.Database.DatabaseNotFound"


def test_an_error_after_rows_is_202_with_the_rows_then_errors(client):
    response = query(client, "UNWIND [1, 0] AS x RETURN 10 / x AS y")
    assert response.status_code == 202
    body = response.json()
    assert body["data"] == {"fields": ["y"], "values": [[10]]}
    assert body["errors"][0]["code"] == "Neo.ClientError.Statement.ArithmeticError"
    assert "bookmarks" not in body


def test_a_failing_statement_leaves_nothing_behind(client):
    response = query(client, "UNWIND [1, 0] AS x CREATE (:Half {v: 10 / x})")
    assert response.json()["errors"][0]["code"] == "Neo.ClientError.Statement.ArithmeticError"
    assert query(client, "MATCH (n:Half) RETURN count(n)").json()["data"]["values"] == [[0]]


@pytest.mark.parametrize("content, content_type, status", [
    (b"{not json", "application/json", 400),
    (b'{"statement": "RETURN 1", "surprise": 1}', "application/json", 400),
    (b'{"statement": 1}', "application/json", 400),
    (b'{"statement": "RETURN 1", "accessMode": "sideways"}', "application/json", 400),
    (b"statement=RETURN 1", "application/x-www-form-urlencoded", 415),
    (b'{"statement": "RETURN 1"}', "text/plain", 415),
])
def test_malformed_requests(client, content, content_type, status):
    response = client.post("/db/neo4j/query/v2", content=content, headers={"Content-Type": content_type})
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == "Neo.ClientError.Request.Invalid"


def test_an_unacceptable_accept_header_is_406(client):
    response = client.post("/db/neo4j/query/v2", json={"statement": "RETURN 1"}, headers={"Accept": "text/csv"})
    assert response.status_code == 406


def test_a_read_request_refuses_writes(client):
    response = query(client, "CREATE (:Refused)", accessMode="Read")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "Neo.ClientError.Statement.AccessMode"
    assert query(client, "MATCH (n:Refused) RETURN count(n)", accessMode="READ").json()["data"]["values"] == [[0]]


# --- authentication and privileges --------------------------------------------------------------------------------

def test_no_credentials_is_401_with_neo4js_challenge(server):
    response = httpx.post(f"{server.url}/db/neo4j/query/v2", json={"statement": "RETURN 1"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="Neo4j", Bearer realm="Neo4j"'
    assert response.json()["errors"][0] == {"code": "Neo.ClientError.Security.Unauthorized",
                                            "message": "No authentication header supplied."}


def test_the_console_gets_no_challenge(server):
    """A browser shown a Basic challenge would open its own login dialog and keep the credentials."""
    response = httpx.post(f"{server.url}/db/neo4j/query/v2", json={"statement": "RETURN 1"},
                          headers={"X-Requested-With": "graphplex-console"}, auth=("neo4j", "wrong"))
    assert response.status_code == 401
    assert "www-authenticate" not in response.headers


@pytest.mark.parametrize("header", ["Basic !!!", "Basic " + base64.b64encode(b"no-colon").decode(), "Digest x"])
def test_a_malformed_authorization_header(server, header):
    response = httpx.post(f"{server.url}/db/neo4j/query/v2", json={"statement": "RETURN 1"},
                          headers={"Authorization": header})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "Neo.ClientError.Request.InvalidFormat"


def test_a_bearer_token_is_refused_without_a_provider(server):
    response = httpx.post(f"{server.url}/db/neo4j/query/v2", json={"statement": "RETURN 1"},
                          headers={"Authorization": "Bearer abc"})
    assert response.status_code == 401


def test_privileges_apply(server):
    with httpx.Client(base_url=server.url, auth=("reader", "reader-pw")) as reader:
        assert query(reader, "MATCH (n) RETURN count(n) > -1").json()["data"]["values"] == [[True]]
        denied = query(reader, "CREATE (:ByReader)")
        assert denied.status_code == 400
        assert denied.json()["errors"][0]["code"] == "Neo.ClientError.Security.Forbidden"
        admin = query(reader, "SHOW USERS", database="system")
        assert admin.status_code == 400
        assert admin.json()["errors"][0]["code"] == "Neo.ClientError.Security.Forbidden"


def test_repeated_wrong_passwords_are_rate_limited():
    dbms = DBMS.in_memory(auth_enabled=True, initial_password=PASSWORD, auth_max_failed_attempts=2,
                          auth_lock_time=60.0)
    with HttpServer(dbms, port=0) as server:
        url = f"{server.url}/db/neo4j/query/v2"
        statuses = [httpx.post(url, json={"statement": "RETURN 1"}, auth=("neo4j", "wrong")).status_code
                    for _ in range(3)]
        locked = httpx.post(url, json={"statement": "RETURN 1"}, auth=("neo4j", PASSWORD))
    dbms.close()
    assert statuses == [401, 401, 429]
    assert locked.status_code == 429
    assert locked.json()["errors"][0]["code"] == "Neo.ClientError.Security.AuthenticationRateLimit"


# --- explicit transactions ----------------------------------------------------------------------------------------

def test_an_explicit_transaction_commits_what_it_wrote(client):
    begun = client.post("/db/neo4j/query/v2/tx", json={"statement": "CREATE (:Explicit {n: 1}) RETURN 1 AS one"})
    assert begun.status_code == 202
    transaction = begun.json()["transaction"]
    assert re.fullmatch(r"[0-9a-f]{6}", transaction["id"])
    assert dt.datetime.strptime(transaction["expires"], "%Y-%m-%dT%H:%M:%SZ")
    assert begun.json()["data"]["values"] == [[1]]
    tx = transaction["id"]
    # invisible outside the transaction until it commits
    assert query(client, "MATCH (n:Explicit) RETURN count(n)").json()["data"]["values"] == [[0]]
    inside = client.post(f"/db/neo4j/query/v2/tx/{tx}", json={"statement": "MATCH (n:Explicit) RETURN count(n)"})
    assert inside.json()["data"]["values"] == [[1]] and inside.json()["transaction"]["id"] == tx
    committed = client.post(f"/db/neo4j/query/v2/tx/{tx}/commit", json={})
    assert committed.status_code == 202
    assert list(committed.json()) == ["bookmarks"] and len(committed.json()["bookmarks"]) == 1
    assert query(client, "MATCH (n:Explicit) RETURN count(n)").json()["data"]["values"] == [[1]]
    gone = client.post(f"/db/neo4j/query/v2/tx/{tx}/commit", json={})
    assert gone.status_code == 404
    assert f'Transaction with Id: "{tx}" was not found' in gone.json()["errors"][0]["message"]


def test_commit_with_a_last_statement(client):
    tx = client.post("/db/neo4j/query/v2/tx", content=b"").json()["transaction"]["id"]
    committed = client.post(f"/db/neo4j/query/v2/tx/{tx}/commit",
                            json={"statement": "CREATE (n:LastStatement) RETURN count(n) AS c"})
    assert committed.json()["data"]["values"] == [[1]] and "transaction" not in committed.json()
    assert query(client, "MATCH (n:LastStatement) RETURN count(n)").json()["data"]["values"] == [[1]]


def test_rollback_is_200_with_an_empty_body(client):
    tx = client.post("/db/neo4j/query/v2/tx", json={"statement": "CREATE (:RolledBack)"}).json()["transaction"]["id"]
    response = client.delete(f"/db/neo4j/query/v2/tx/{tx}")
    assert response.status_code == 200 and response.content == b""
    assert query(client, "MATCH (n:RolledBack) RETURN count(n)").json()["data"]["values"] == [[0]]
    assert client.delete(f"/db/neo4j/query/v2/tx/{tx}").status_code == 404


def test_an_error_ends_the_transaction(client):
    tx = client.post("/db/neo4j/query/v2/tx", json={"statement": "CREATE (:Doomed)"}).json()["transaction"]["id"]
    failed = client.post(f"/db/neo4j/query/v2/tx/{tx}", json={"statement": "RETURN 1/0"})
    assert failed.status_code == 202 and "transaction" not in failed.json()
    assert failed.json()["errors"][0]["code"] == "Neo.ClientError.Statement.ArithmeticError"
    assert client.post(f"/db/neo4j/query/v2/tx/{tx}/commit", json={}).status_code == 404
    assert query(client, "MATCH (n:Doomed) RETURN count(n)").json()["data"]["values"] == [[0]]


def test_a_syntax_error_in_a_transaction_ends_it_too(client):
    tx = client.post("/db/neo4j/query/v2/tx", json={"statement": "CREATE (:Doomed2)"}).json()["transaction"]["id"]
    assert client.post(f"/db/neo4j/query/v2/tx/{tx}", json={"statement": "RETRUN"}).status_code == 400
    assert client.post(f"/db/neo4j/query/v2/tx/{tx}/commit", json={}).status_code == 404
    assert query(client, "MATCH (n:Doomed2) RETURN count(n)").json()["data"]["values"] == [[0]]


def test_the_transaction_belongs_to_its_user_and_database(server, client):
    tx = client.post("/db/neo4j/query/v2/tx", content=b"").json()["transaction"]["id"]
    with httpx.Client(base_url=server.url, auth=("reader", "reader-pw")) as reader:
        assert reader.post(f"/db/neo4j/query/v2/tx/{tx}", json={"statement": "RETURN 1"}).status_code == 404
    assert client.post(f"/db/other/query/v2/tx/{tx}", json={"statement": "RETURN 1"}).status_code == 404
    assert client.delete(f"/db/neo4j/query/v2/tx/{tx}").status_code == 200


def test_one_database_written_per_transaction(client):
    tx = client.post("/db/neo4j/query/v2/tx", json={"statement": "CREATE (:Here)"}).json()["transaction"]["id"]
    other = client.post(f"/db/neo4j/query/v2/tx/{tx}", json={"statement": "USE other CREATE (:There)"})
    assert other.json()["errors"][0]["code"].startswith("Neo.ClientError")
    assert client.post(f"/db/neo4j/query/v2/tx/{tx}/commit", json={}).status_code == 404


def test_concurrent_requests_on_one_transaction_are_refused(server, client):
    tx = client.post("/db/neo4j/query/v2/tx", content=b"").json()["transaction"]["id"]
    slow = {}

    def run_slow():
        with httpx.Client(base_url=server.url, auth=("neo4j", PASSWORD), timeout=30) as other:
            slow["response"] = other.post(f"/db/neo4j/query/v2/tx/{tx}", json={
                "statement": "UNWIND range(1, 3000000) AS x WITH x WHERE x < 0 RETURN count(x)"})

    thread = threading.Thread(target=run_slow)
    thread.start()
    deadline = time.monotonic() + 10
    response = None
    while time.monotonic() < deadline and thread.is_alive():
        response = client.post(f"/db/neo4j/query/v2/tx/{tx}", json={"statement": "RETURN 1"})
        if response.status_code == 400:
            break
        time.sleep(0.02)
    thread.join()
    assert response is not None and response.status_code == 400, "the slow statement ended before a second request"
    assert response.json()["errors"][0]["code"] == "Neo.ClientError.Transaction.TransactionAccessedConcurrently"
    assert slow["response"].status_code == 202
    assert client.delete(f"/db/neo4j/query/v2/tx/{tx}").status_code == 200


def test_an_abandoned_transaction_expires_and_rolls_back(server, client, dbms):
    tx = client.post("/db/neo4j/query/v2/tx", json={"statement": "CREATE (:Abandoned)"}).json()["transaction"]["id"]
    listed = query(client, "SHOW TRANSACTIONS YIELD transactionId, clientAddress, connectionId, currentQuery "
                           "RETURN clientAddress, connectionId", database="neo4j").json()["data"]["values"]
    assert any(address.startswith("127.0.0.1:") and connection.startswith("http-")
               for address, connection in listed), listed
    time.sleep(3.5)  # the idle timeout is 2 s; the sweeper looks every half second
    assert client.post(f"/db/neo4j/query/v2/tx/{tx}", json={}).status_code == 404
    assert query(client, "MATCH (n:Abandoned) RETURN count(n)").json()["data"]["values"] == [[0]]


def test_a_request_pushes_the_expiry_on(client):
    tx = client.post("/db/neo4j/query/v2/tx", content=b"").json()["transaction"]["id"]
    for _ in range(4):  # 4 s in all, twice the idle timeout
        time.sleep(1.0)
        assert client.post(f"/db/neo4j/query/v2/tx/{tx}", content=b"").status_code == 202
    assert client.delete(f"/db/neo4j/query/v2/tx/{tx}").status_code == 200


def test_a_terminated_transaction_is_gone(client, dbms):
    tx = client.post("/db/neo4j/query/v2/tx", json={"statement": "CREATE (:Terminated)"}).json()["transaction"]["id"]
    ids = [row[0] for row in query(client, "SHOW TRANSACTIONS YIELD transactionId, currentQuery "
                                           "WHERE currentQuery CONTAINS 'Terminated' RETURN transactionId")
           .json()["data"]["values"]]
    assert ids
    query(client, "TERMINATE TRANSACTION $id", parameters={"id": ids[0]})
    response = client.post(f"/db/neo4j/query/v2/tx/{tx}", json={"statement": "RETURN 1"})
    assert response.json()["errors"][0]["code"] == "Neo.ClientError.Transaction.Terminated"


# --- bookmarks shared with Bolt -----------------------------------------------------------------------------------

def test_bookmarks_travel_between_http_and_bolt(dbms, client):
    neo4j = pytest.importorskip("neo4j")
    bookmark = query(client, "CREATE (:FromHttp)").json()["bookmarks"]
    with BoltServer(dbms, port=0) as bolt, \
            neo4j.GraphDatabase.driver(bolt.uri, auth=("neo4j", PASSWORD)) as driver:
        with driver.session(database="neo4j", bookmarks=neo4j.Bookmarks.from_raw_values(bookmark)) as session:
            assert session.run("MATCH (n:FromHttp) RETURN count(n) AS c").single()["c"] == 1
            session.run("CREATE (:FromBolt)").consume()
            bolt_bookmarks = list(session.last_bookmarks().raw_values)
    answer = query(client, "MATCH (n:FromBolt) RETURN count(n)", bookmarks=bolt_bookmarks)
    assert answer.status_code == 202 and answer.json()["data"]["values"] == [[1]]


# --- the server as a browser meets it --------------------------------------------------------------------------

def test_discovery(server):
    response = httpx.get(f"{server.url}/")
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == f"{server.url}/db/{{databaseName}}/query/v2"
    assert body["neo4j_version"].startswith("5.")


def test_a_browser_is_sent_to_the_console(server):
    response = httpx.get(f"{server.url}/", headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 303 and response.headers["location"] == "/browser/"


def test_no_cors_and_a_content_security_policy(client):
    response = client.post("/db/neo4j/query/v2", json={"statement": "RETURN 1"},
                           headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "Neo.ClientError.Security.Forbidden"
    same = client.post("/db/neo4j/query/v2", json={"statement": "RETURN 1"},
                       headers={"Origin": str(client.base_url).rstrip("/")})
    assert same.status_code == 202
    assert "access-control-allow-origin" not in same.headers
    assert "default-src 'self'" in same.headers["content-security-policy"]
    assert same.headers["x-frame-options"] == "DENY"
    preflight = client.options("/db/neo4j/query/v2", headers={"Origin": "http://evil.example",
                                                               "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


def test_a_body_over_the_limit_is_refused():
    dbms = DBMS.in_memory()
    with HttpServer(dbms, port=0, max_body=1000) as server:
        response = httpx.post(f"{server.url}/db/neo4j/query/v2", json={"statement": "RETURN '" + "x" * 2000 + "'"})
    dbms.close()
    assert response.status_code == 413


def test_without_authentication_every_request_is_the_administrator():
    dbms = DBMS.in_memory()
    with HttpServer(dbms, port=0) as server:
        response = httpx.post(f"{server.url}/db/system/query/v2", json={"statement": "SHOW CURRENT USER"})
    dbms.close()
    assert response.status_code == 202 and response.json()["data"]["values"][0][0] == "neo4j"


def test_an_address_in_use_is_a_clear_error(server):
    from graphplex.errors import ClientError
    with pytest.raises(ClientError, match="already in use"):
        HttpServer(DBMS.in_memory(), port=server.port).start()


def _json(body: dict) -> bytes:
    import json
    return json.dumps(body).encode()


def test_slow_or_silent_clients_cannot_lock_the_server_out():
    """Connections that never finish a request are closed at the request deadline, so the connection limit is
    free again for real clients."""
    dbms = DBMS.in_memory()
    with HttpServer(dbms, port=0, max_connections=4, request_timeout=1.0) as server:
        hogs = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(6)]
        for index, hog in enumerate(hogs):
            if index % 2:
                hog.sendall(b"POST /db/neo4j/query/v2 HTTP/1.1\r\nHost: x\r\n")  # a head never finished
        time.sleep(0.3)
        locked_out = httpx.post(f"{server.url}/db/neo4j/query/v2", json={"statement": "RETURN 1"})
        time.sleep(1.5)
        for hog in hogs:
            hog.settimeout(2)
        served = httpx.post(f"{server.url}/db/neo4j/query/v2", json={"statement": "RETURN 1"})
        closed = [hog.recv(100) for hog in hogs]
        for hog in hogs:
            hog.close()
    dbms.close()
    assert locked_out.status_code == 503  # what the hogs did while they could
    assert served.status_code == 202
    assert closed == [b""] * 6


def test_answers_on_a_kept_alive_connection_do_not_wait_for_delayed_acks(server, client):
    """With Nagle's algorithm on, each answer (written as head, then body) waited ~40 ms for the client's delayed
    ACK: 20 requests took over 0.8 s. Without it they take a few milliseconds each, even on a loaded machine."""
    query(client, "RETURN 1")
    started = time.perf_counter()
    for _ in range(20):
        assert query(client, "RETURN 1").status_code == 202
    assert time.perf_counter() - started < 0.6


def test_a_client_that_hangs_up_has_its_statement_terminated(server, dbms):
    """As on Bolt: the statement of a request whose client left stops, and writes nothing."""
    body = b'{"statement": "UNWIND range(1, 50000000) AS x WITH x WHERE x < 0 CREATE (:Orphan) RETURN count(*)"}'
    auth = base64.b64encode(f"neo4j:{PASSWORD}".encode()).decode()
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall(b"POST /db/neo4j/query/v2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 b"Authorization: Basic " + auth.encode() + b"\r\nContent-Length: " + str(len(body)).encode() +
                 b"\r\n\r\n" + body)

    def running() -> list:
        with dbms.session(auth=("neo4j", PASSWORD)) as session:
            return [r["id"] for r in session.run("SHOW TRANSACTIONS YIELD transactionId AS id, currentQuery "
                                                 "WHERE currentQuery CONTAINS 'Orphan' AND NOT currentQuery STARTS WITH 'SHOW' "
                                                 "RETURN id")]

    deadline = time.monotonic() + 10
    while not running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running(), "the statement never started"
    sock.close()
    deadline = time.monotonic() + 10
    while running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(), "the statement ran on after its client left"


def test_a_password_that_must_change_is_403(server, dbms):
    with dbms.session(database="system", auth=("neo4j", PASSWORD)) as session:
        session.run("CREATE USER fresh IF NOT EXISTS SET PASSWORD 'fresh-pw' CHANGE REQUIRED").consume()
    response = httpx.post(f"{server.url}/db/neo4j/query/v2", json={"statement": "RETURN 1"},
                          auth=("fresh", "fresh-pw"))
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "Neo.ClientError.Security.CredentialsExpired"


def test_metadata_and_timeout_of_an_explicit_transaction(client):
    begun = client.post("/db/neo4j/query/v2/tx", json={"txMetadata": {"app": "etl"}, "maxExecutionTime": 1})
    tx = begun.json()["transaction"]["id"]
    listed = query(client, "SHOW TRANSACTIONS YIELD metaData RETURN metaData").json()["data"]["values"]
    assert [{"app": "etl"}] in listed
    slow = client.post(f"/db/neo4j/query/v2/tx/{tx}", json={
        "statement": "UNWIND range(1, 100000000) AS x WITH x WHERE x < 0 RETURN count(x)"})
    assert slow.json()["errors"][0]["code"] in ("Neo.ClientError.Transaction.TransactionTimedOut",
                                                 "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration")
    assert client.post(f"/db/neo4j/query/v2/tx/{tx}", json={}).status_code == 404


def _raw(port: int, head: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(head)
    return sock


def _answer(sock, timeout: float = 10.0) -> bytes:
    """Everything the server sends until it closes the connection."""
    sock.settimeout(timeout)
    received = b""
    while True:
        chunk = sock.recv(1 << 20)
        if not chunk:
            return received
        received += chunk


def test_credentials_are_checked_before_the_body_is_read(server):
    """Nobody sends megabytes unchecked: the 401 comes before the announced body was sent."""
    sock = _raw(server.port, b"POST /db/neo4j/query/v2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                             b"\r\nContent-Length: 10000000\r\nConnection: close\r\n\r\n")
    sock.settimeout(10)
    head = sock.recv(4096)
    sock.close()
    assert head.startswith(b"HTTP/1.1 401")


def test_a_client_that_does_not_read_its_answer_is_dropped():
    dbms = DBMS.in_memory()
    with HttpServer(dbms, port=0, request_timeout=1.0) as server:
        body = b'{"statement": "RETURN reduce(s = \'\', i IN range(1, 200) | s + \'%s\') AS big"}' % (b"x" * 100_000)
        sock = _raw(server.port, b"POST /db/neo4j/query/v2 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        time.sleep(4)  # the 20 MB answer fills the socket's buffers; nobody reads it
        received = _answer(sock)
        sock.close()
    dbms.close()
    assert received.startswith(b"HTTP/1.1 202") and len(received) < 20_000_000


def test_dns_rebinding_is_refused_on_a_loopback_server(server, client):
    rebound = client.post("/db/neo4j/query/v2", json={"statement": "CREATE (:Pwned)"},
                          headers={"Host": f"attacker.example:{server.port}",
                                   "Origin": f"http://attacker.example:{server.port}"})
    assert rebound.status_code == 403
    for host in (f"localhost:{server.port}", f"127.0.0.1:{server.port}", "localhost"):
        assert client.post("/db/neo4j/query/v2", json={"statement": "RETURN 1"},
                           headers={"Host": host}).status_code == 202


@pytest.mark.parametrize("content", [
    b'{"statement": "RETURN $x", "parameters": {"x": NaN}}',
    b'{"statement": "RETURN $x", "parameters": {"x": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
])
def test_non_json_and_absurdly_deep_bodies_are_400(client, content):
    response = client.post("/db/neo4j/query/v2", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "Neo.ClientError.Request.Invalid"


def test_typed_values_nested_too_deep_are_400(client):
    value = {"$type": "Null", "_value": None}
    for _ in range(500):
        value = {"$type": "List", "_value": [value]}
    response = client.post("/db/neo4j/query/v2", headers={"Content-Type": TYPED},
                           content=_json({"statement": "RETURN $x", "parameters": {"x": value}}))
    assert response.status_code == 400 and "nest" in response.json()["errors"][0]["message"]


def test_media_types_are_case_insensitive(client):
    response = client.post("/db/neo4j/query/v2", content=b'{"statement": "RETURN $a", "parameters": {"a": 1}}',
                           headers={"Content-Type": "Application/JSON; charset=UTF-8"})
    assert response.status_code == 202 and response.json()["data"]["values"] == [[1]]


def test_max_connections_is_the_number_served():
    dbms = DBMS.in_memory()
    with HttpServer(dbms, port=0, max_connections=2) as server, \
            httpx.Client(base_url=server.url) as first, httpx.Client(base_url=server.url) as second:
        assert first.get("/").status_code == 200
        assert second.get("/").status_code == 200
    dbms.close()


def test_one_user_cannot_take_every_transaction(server, client, monkeypatch):
    import graphplex.http.transactions as transactions
    monkeypatch.setattr(transactions, "_MOST_OPEN_PER_USER", 3)
    opened = [client.post("/db/neo4j/query/v2/tx", content=b"") for _ in range(4)]
    assert [r.status_code for r in opened] == [202, 202, 202, 400]
    assert opened[3].json()["errors"][0]["code"] == "Neo.ClientError.Request.ResourceExhaustion"
    with httpx.Client(base_url=server.url, auth=("reader", "reader-pw")) as reader:
        other = reader.post("/db/neo4j/query/v2/tx", content=b"")
        assert other.status_code == 202
        reader.delete(f"/db/neo4j/query/v2/tx/{other.json()['transaction']['id']}")
    for response in opened[:3]:
        client.delete(f"/db/neo4j/query/v2/tx/{response.json()['transaction']['id']}")


def test_an_ipv6_server_names_itself_in_brackets():
    if not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    dbms = DBMS.in_memory()
    try:
        server = HttpServer(dbms, host="::1", port=0).start()
    except Exception as error:  # a machine without an IPv6 loopback
        pytest.skip(f"no IPv6 loopback: {error}")
    try:
        assert server.url.startswith("http://[::1]:")
        assert httpx.post(f"{server.url}/db/neo4j/query/v2", json={"statement": "RETURN 1"}).status_code == 202
    finally:
        server.stop()
        dbms.close()
