"""Logging in and query texts as an attacker meets them (issue 14): a refusal takes as long whether or not the user
exists, concurrent guesses are counted before they are checked, passwords never show in what others see, and a
query text has a size limit."""
from __future__ import annotations

import statistics
import threading
import time

import pytest

from behaviour_support import ADMIN_PASSWORD
from graphplex import DBMS
from graphplex.errors import AuthError, Neo4jError


def _refusal_seconds(dbms, user: str) -> float:
    started = time.perf_counter()
    with pytest.raises(AuthError):
        dbms.session(auth=(user, "a wrong guess"))
    return time.perf_counter() - started


def test_an_unknown_user_is_refused_as_slowly_as_a_wrong_password():
    """The time of a refusal must not tell whether the user exists: an unknown user costs a password check too.
    Compared as medians of interleaved attempts, so that a busy machine slows both alike."""
    with DBMS.in_memory(auth_enabled=True, initial_password=ADMIN_PASSWORD, auth_max_failed_attempts=1000) as dbms:
        known, unknown = [], []
        for _ in range(7):
            known.append(_refusal_seconds(dbms, "neo4j"))
            unknown.append(_refusal_seconds(dbms, "nobody-of-that-name"))
        assert statistics.median(unknown) >= 0.5 * statistics.median(known), (known, unknown)


def _guess_together(dbms, passwords: list[str]) -> list[str]:
    """Each password tried by its own thread, all released at once; the outcome of each: 'in', or the error code."""
    barrier = threading.Barrier(len(passwords))
    outcomes: list[str] = [""] * len(passwords)

    def guess(index: int) -> None:
        barrier.wait()
        try:
            dbms.session(auth=("neo4j", passwords[index])).close()
            outcomes[index] = "in"
        except Neo4jError as error:
            outcomes[index] = error.code
    threads = [threading.Thread(target=guess, args=(i,)) for i in range(len(passwords))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


UNAUTHORIZED = "Neo.ClientError.Security.Unauthorized"
RATE_LIMITED = "Neo.ClientError.Security.AuthenticationRateLimit"


def test_concurrent_wrong_guesses_are_counted_before_they_are_checked():
    """40 guesses at once meet the limit of 3 as 40 guesses in a row would: 3 are checked, the rest refused."""
    with DBMS.in_memory(auth_enabled=True, initial_password=ADMIN_PASSWORD, auth_lock_time=60) as dbms:
        outcomes = _guess_together(dbms, [f"guess-{i}" for i in range(40)])
        assert sorted(outcomes) == sorted([UNAUTHORIZED] * 3 + [RATE_LIMITED] * 37)
        with pytest.raises(Neo4jError) as caught:
            dbms.session(auth=("neo4j", ADMIN_PASSWORD))
        assert caught.value.code == RATE_LIMITED


def test_the_right_guess_among_concurrent_wrong_ones_is_checked_only_within_the_limit():
    """At most 3 guesses are checked at a time; a success starts the count afresh (as in a row), so with the right
    password among them at most 2 wrong guesses are checked before it and 3 after; without it, 3 in all."""
    with DBMS.in_memory(auth_enabled=True, initial_password=ADMIN_PASSWORD, auth_lock_time=60) as dbms:
        passwords = [f"guess-{i}" for i in range(39)]
        passwords.insert(20, ADMIN_PASSWORD)
        outcomes = _guess_together(dbms, passwords)
        assert outcomes.count(UNAUTHORIZED) <= (5 if "in" in outcomes else 3), outcomes
        assert outcomes.count("in") + outcomes.count(UNAUTHORIZED) + outcomes.count(RATE_LIMITED) == 40


def test_concurrent_logins_with_the_right_password_all_get_in():
    """Counting attempts before checking them must not refuse a pool of connections opened at once."""
    with DBMS.in_memory(auth_enabled=True, initial_password=ADMIN_PASSWORD) as dbms:
        assert _guess_together(dbms, [ADMIN_PASSWORD] * 12) == ["in"] * 12


# --- passwords in what others see -----------------------------------------------------------------------------

def _shown_while_open(dbms, query: str, **parameters) -> dict:
    """Runs `query` in an open transaction of one administrator; what another one's SHOW TRANSACTIONS shows of it."""
    with dbms.session(auth=("neo4j", ADMIN_PASSWORD), database="system") as author, \
            dbms.session(auth=("neo4j", ADMIN_PASSWORD)) as other:
        with author.begin_transaction() as tx:
            tx.run(query, parameters).consume()
            rows = other.run("SHOW TRANSACTIONS YIELD * WHERE username = 'neo4j' AND currentQuery <> '' "
                             "AND NOT currentQuery STARTS WITH 'SHOW'").data()
            tx.rollback()
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize("query, shown", [
    ("CREATE USER bob SET PASSWORD 'hunter2-secret' CHANGE NOT REQUIRED",
     "CREATE USER bob SET PASSWORD '******' CHANGE NOT REQUIRED"),
    ("CREATE USER bob SET PLAINTEXT PASSWORD \"hunter2-secret\"", "CREATE USER bob SET PLAINTEXT PASSWORD '******'"),
    ("ALTER USER neo4j SET PASSWORD 'hunter2-secret' CHANGE NOT REQUIRED",
     "ALTER USER neo4j SET PASSWORD '******' CHANGE NOT REQUIRED"),
    (f"ALTER CURRENT USER SET PASSWORD FROM '{ADMIN_PASSWORD}' TO 'hunter2-secret'",
     "ALTER CURRENT USER SET PASSWORD FROM '******' TO '******'"),
])
def test_show_transactions_masks_typed_passwords(secure, query, shown):
    row = _shown_while_open(secure, query)
    assert row["currentQuery"] == shown
    assert "hunter2" not in repr(row) and ADMIN_PASSWORD not in repr(row)


def test_show_transactions_masks_passwords_passed_as_parameters(secure):
    row = _shown_while_open(secure, "CREATE USER bob SET PASSWORD $pw SET HOME DATABASE $home", pw="hunter2-secret",
                            home="neo4j")
    assert row["currentQuery"] == "CREATE USER bob SET PASSWORD $pw SET HOME DATABASE $home"
    assert row["parameters"] == {"pw": "******", "home": "neo4j"}
    assert "hunter2" not in repr(row)


def test_show_transactions_shows_the_parameters_of_the_current_query(secure):
    with secure.session(auth=("neo4j", ADMIN_PASSWORD)) as author, \
            secure.session(auth=("neo4j", ADMIN_PASSWORD)) as other:
        with author.begin_transaction() as tx:
            tx.run("CREATE (:Item {n: $n, password: $password})", n=1, password="not a login").consume()
            rows = other.run("SHOW TRANSACTIONS YIELD currentQuery, parameters "
                             "WHERE currentQuery STARTS WITH 'CREATE'").data()
    assert rows == [{"currentQuery": "CREATE (:Item {n: $n, password: $password})",
                     "parameters": {"n": 1, "password": "not a login"}}]


CREATE_BOB = "CREATE USER bob SET PASSWORD 'hunter2-secret' CHANGE NOT REQUIRED;"


def test_the_command_line_echoes_statements_without_their_passwords(tmp_path):
    import io

    from graphplex.cli.main import main
    script = tmp_path / "users.cypher"
    script.write_text(CREATE_BOB + "\n")
    out, err = io.StringIO(), io.StringIO()
    assert main(["run", "--in-memory", "--format", "json", str(script)], out, err) == 0, err.getvalue()
    assert "SET PASSWORD '******' CHANGE NOT REQUIRED" in out.getvalue()
    assert "hunter2" not in out.getvalue()


def test_the_shell_history_file_keeps_statements_without_their_passwords(tmp_path):
    import io

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from graphplex.cli.output import Printer
    from graphplex.cli.runner import Runner
    from graphplex.cli.shell import Shell
    history = tmp_path / "history"
    out = io.StringIO()
    with DBMS.in_memory() as dbms, create_pipe_input() as pipe:
        printer = Printer(out, "table")
        runner = Runner(dbms, None, None, printer)
        pipe.send_text(CREATE_BOB + "\r:exit\r")
        assert Shell(runner, printer, io.StringIO(), str(history), pipe, DummyOutput()).loop() == 0
        runner.close()
    assert "SET PASSWORD '******'" in history.read_text()
    assert "hunter2" not in history.read_text()


# --- the size of a query text ---------------------------------------------------------------------------------

def _refused_as_too_long(run) -> str:
    with pytest.raises(Neo4jError) as caught:
        run().consume()
    assert caught.value.code == "Neo.ClientError.Request.Invalid"
    return caught.value.message


def test_a_query_text_longer_than_the_setting_is_refused_before_it_is_parsed():
    long_query = "RETURN '" + "x" * 200 + "' AS s"
    with DBMS.in_memory(query_max_length=100) as dbms, dbms.session() as session:
        message = _refused_as_too_long(lambda: session.run(long_query))
        assert message == (f"The query text is {len(long_query)} characters long, more than the limit of 100 "
                           "characters. Pass large values as parameters, or raise the query_max_length setting.")
        tx = session.begin_transaction()
        _refused_as_too_long(lambda: tx.run(long_query))
        tx.rollback()
        with dbms.database("neo4j").begin_tx() as embedded:
            _refused_as_too_long(lambda: embedded.execute(long_query))
        # Not parsed: an unparsable text of that length gets the same answer, not a syntax error.
        _refused_as_too_long(lambda: session.run("RETURN (" * 40))
        assert session.run("RETURN $s AS s", s="x" * 1000).single()["s"] == "x" * 1000


def test_by_default_a_query_of_a_ten_megabyte_literal_runs():
    with DBMS.in_memory() as dbms, dbms.session() as session:
        assert session.run("RETURN size('" + "x" * 10_000_000 + "') AS n").single()["n"] == 10_000_000


def test_a_query_that_is_not_text_is_refused_with_a_code():
    with DBMS.in_memory() as dbms, dbms.session() as session:
        with pytest.raises(Neo4jError) as caught:
            session.run(b"RETURN 1").consume()
        assert caught.value.code == "Neo.ClientError.Request.Invalid"


@pytest.mark.parametrize("limit", [0, -5, "64MB", 1.5, True])
def test_a_query_length_limit_that_is_no_positive_number_is_refused_when_the_dbms_opens(limit):
    with pytest.raises(Neo4jError) as caught:
        DBMS.in_memory(query_max_length=limit)
    assert caught.value.code == "Neo.ClientError.General.InvalidArguments"
    assert caught.value.message == (f"query_max_length must be a positive whole number of characters (or None for no "
                                    f"limit), not {limit!r}.")
