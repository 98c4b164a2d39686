"""Damaged files (issue 14): a damaged log record with intact records after it refuses to open, naming the file
and the offset, and leaves the files as they were; only a torn tail (a last record a crash cut short) is cut.
Every byte of a small log and of a small snapshot is damaged in turn: each outcome is the whole graph, a clear
refusal, or (damage in the last record only) exactly the commits before that record — never a silent loss of a
commit that intact records follow, never a raw Python exception."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from graphplex import DBMS
from graphplex.databases import Database
from graphplex.databases.durability.frames import FRAME, pack_frame
from graphplex.databases.durability.log import LOG_NAME, ROTATED_NAME
from graphplex.databases.durability.records import FILE_HEADER
from graphplex.databases.durability.snapshot import SNAPSHOT_NAME
from graphplex.databases.errors import DatabaseError, Neo4jError

COMMITS = 4
REFUSAL = "Neo.DatabaseError.General.UnknownError"


def write_log(directory: Path, commits: int = COMMITS, first: int = 0) -> list[int]:
    """Logs one commit a record (no checkpoint); returns where each record starts, then where the last ends."""
    db = Database("neo4j", directory=str(directory))
    starts = [FILE_HEADER.size]
    for i in range(first, first + commits):
        db.execute("CREATE (:C {i: $i})", {"i": i}).consume()
        starts.append(db.log.writer.size)
    db.close(checkpoint=False)
    return starts


def files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def rewrite(path: Path, data: bytes, at: int = 0) -> None:
    """Writes `data` at `at` of `path` in place, cutting the file after it when `at` is 0 (in place: replacing a
    file makes ext4 sync it, which would make the sweeps below slow)."""
    with open(path, "r+b") as file:
        file.seek(at)
        file.write(data)
        if at == 0:
            file.truncate()


def damage(path: Path, position: int, mask: int) -> None:
    with open(path, "rb") as file:
        file.seek(position)
        byte = file.read(1)[0]
    rewrite(path, bytes([byte ^ mask]), position)


def recovered(directory: Path) -> list[int]:
    """The commits a reopen recovers (without a writer, so nothing but recovery touches the files)."""
    db = Database("neo4j", directory=str(directory), durability="none")
    return [row[0] for row in db.execute("MATCH (c:C) RETURN c.i ORDER BY c.i")]


def refusal(directory: Path) -> Neo4jError:
    """The error a reopen refuses with; the files must be left exactly as they were."""
    before = files(directory)
    with pytest.raises(Neo4jError) as caught:
        recovered(directory)
    assert caught.value.code == REFUSAL, caught.value
    assert files(directory) == before, "a refusal leaves the files untouched"
    return caught.value


# --- a damaged record that is not the tail ------------------------------------------------------------------

def zeroed(start: int, size: int):
    def change(data: bytearray, at: int) -> None:
        data[at + start:at + start + size] = bytes(size)
    return change


def flipped(start: int, mask: int):
    def change(data: bytearray, at: int) -> None:
        data[at + start] ^= mask
    return change


@pytest.mark.parametrize("change", [
    pytest.param(zeroed(0, 4), id="length zeroed"),
    pytest.param(flipped(3, 0x80), id="length made huge"),
    pytest.param(flipped(0, 0x01), id="length off by one"),
    pytest.param(flipped(5, 0x10), id="number bit flipped"),
    pytest.param(flipped(9, 0x01), id="payload checksum bit flipped"),
    pytest.param(flipped(14, 0x40), id="header checksum bit flipped"),
    pytest.param(zeroed(0, FRAME.size), id="header zeroed"),
    pytest.param(flipped(FRAME.size + 2, 0xFF), id="payload byte flipped"),
])
def test_a_damaged_middle_record_refuses_naming_file_and_offset(tmp_path, change):
    starts = write_log(tmp_path)
    log = tmp_path / LOG_NAME
    data = bytearray(log.read_bytes())
    change(data, starts[1])
    log.write_bytes(bytes(data))
    error = refusal(tmp_path)
    assert str(log) in error.message and f"offset {starts[1]}" in error.message, error.message


def test_through_a_dbms_the_damaged_database_stays_closed_naming_file_and_offset(tmp_path):
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        session.run("CREATE DATABASE fragile").consume()
        directory = tmp_path / "databases" / dbms.entry("fragile").uuid
    starts = write_log(directory)  # commits left in the log, as a crash leaves them
    log = directory / LOG_NAME
    rewrite(log, bytes(4), starts[1])  # the second record's length zeroed
    before = files(directory)
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        with pytest.raises(Neo4jError) as caught:
            session.run("USE fragile MATCH (c:C) RETURN count(c)").consume()
        assert caught.value.code == REFUSAL
        assert str(log) in caught.value.message and f"offset {starts[1]}" in caught.value.message
        assert session.run("MATCH (n) RETURN count(n)").single()[0] == 0, "the other databases work"
    assert files(directory) == before


def test_records_out_of_order_or_that_do_not_decode_refuse_naming_the_offset(tmp_path):
    starts = write_log(tmp_path)
    log = tmp_path / LOG_NAME
    data = log.read_bytes()
    first, second = data[starts[1]:starts[2]], data[starts[2]:starts[3]]
    log.write_bytes(data[:starts[1]] + second + first + data[starts[3]:])  # two whole records swapped
    error = refusal(tmp_path)
    assert f"offset {starts[1]}" in error.message and "record number 2 where 1 was expected" in error.message
    log.write_bytes(data[:starts[1]] + pack_frame(b"\x09", 1) + data[starts[2]:])  # checks out, does not decode
    error = refusal(tmp_path)
    assert f"offset {starts[1]}" in error.message and "unreadable record" in error.message


def test_a_damaged_last_record_of_the_rotated_log_refuses_when_the_log_after_it_holds_commits(tmp_path):
    starts = write_log(tmp_path, commits=2)
    (tmp_path / LOG_NAME).replace(tmp_path / ROTATED_NAME)  # a checkpoint that died before its snapshot
    write_log(tmp_path, commits=2, first=2)
    damage(tmp_path / ROTATED_NAME, starts[-1] - 2, 0xFF)
    rewrite(tmp_path / LOG_NAME, (tmp_path / LOG_NAME).read_bytes()[:-3])  # a torn tail, not cut by a refusal
    error = refusal(tmp_path)
    assert str(tmp_path / ROTATED_NAME) in error.message and f"offset {starts[1]}" in error.message


# --- torn tails ---------------------------------------------------------------------------------------------

def torn_tails(data: bytes, start: int):
    """What a crash can leave of the last record (at `start`): each prefix, alone or before the preallocated
    zeros, and the record with its first bytes never written (the disk wrote a later sector first)."""
    end = len(data)
    for cut in range(start + 1, end):
        yield f"cut at {cut}", data[:cut]
        yield f"cut at {cut}, then zeros", data[:cut] + bytes(end - cut + 4096)
    for lost in range(1, end - start):
        yield f"first {lost} bytes lost", data[:start] + bytes(lost) + data[start + lost:]


def test_a_torn_last_record_is_cut_at_every_byte_and_every_earlier_commit_recovered(tmp_path):
    starts = write_log(tmp_path)
    log = tmp_path / LOG_NAME
    data = log.read_bytes()
    tried = 0
    for name, torn in torn_tails(data, starts[-2]):
        rewrite(log, torn)
        assert recovered(tmp_path) == list(range(COMMITS - 1)), name
        assert log.read_bytes() == data[:starts[-2]], f"{name}: the torn record is cut off"
        tried += 1
    assert tried == 3 * (starts[-1] - starts[-2] - 1)


def test_commits_after_a_cut_tail_and_across_a_failed_checkpoint_survive(tmp_path, monkeypatch):
    write_log(tmp_path)
    log = tmp_path / LOG_NAME
    log.write_bytes(log.read_bytes()[:-3])
    write_log(tmp_path, commits=2, first=10)  # appends after the cut
    assert recovered(tmp_path) == [0, 1, 2, 10, 11]
    (tmp_path / LOG_NAME).replace(tmp_path / ROTATED_NAME)
    write_log(tmp_path, commits=1, first=20)

    def no_room(*_):
        raise DatabaseError("no room", REFUSAL)
    monkeypatch.setattr("graphplex.databases.durability.log.write_snapshot", no_room)
    db = Database("neo4j", directory=str(tmp_path))
    db.execute("CREATE (:C {i: 21})").consume()
    with pytest.raises(DatabaseError):
        db.log.checkpoint()  # the log was appended to the rotated one, then the snapshot failed
    db.execute("CREATE (:C {i: 22})").consume()
    db.close(checkpoint=False)
    assert recovered(tmp_path) == [0, 1, 2, 10, 11, 20, 21, 22]


# --- every byte damaged in turn -----------------------------------------------------------------------------

def sweep(directory: Path, path: Path, masks, last: tuple[int, int] | None, expected: list[int]) -> Counter:
    """Damages each byte of `path` with each mask in turn and reopens; `last` is where the last log record starts
    and ends (damage there may cut it off). Returns how often each outcome happened."""
    pristine = files(directory)
    outcomes: Counter = Counter()
    for position in range(len(pristine[path.name])):
        for mask in masks(position):
            damage(path, position, mask)
            damaged = files(directory)
            where = f"{path.name} byte {position} ^ 0x{mask:02x}"
            try:
                commits = recovered(directory)
            except Neo4jError as error:
                assert error.code == REFUSAL, where
                assert str(path) in error.message, f"{where}: {error.message}"
                assert position < FILE_HEADER.size or "offset" in error.message, f"{where}: {error.message}"
                assert files(directory) == damaged, f"{where}: a refusal leaves the files untouched"
                outcomes["refused"] += 1
            except Exception as error:  # noqa: BLE001 - the point: no raw Python exception may escape
                pytest.fail(f"{where}: {type(error).__name__}: {error}")
            else:
                if commits == expected:
                    outcomes["all recovered"] += 1
                else:
                    assert last is not None and last[0] <= position < last[1], f"{where}: lost commits, {commits}"
                    assert commits == expected[:-1], f"{where}: {commits}"
                    outcomes["torn tail cut"] += 1
            for name, data in pristine.items():
                if (directory / name).read_bytes() != data:
                    rewrite(directory / name, data)
    return outcomes


def xor_and_one_bit(position: int) -> list[int]:
    return [0xFF, 1 << position % 8]


def every_bit(position: int) -> list[int]:
    return [0xFF] + [1 << bit for bit in range(8)]


def graph_in_a_snapshot(directory: Path) -> None:
    db = Database("neo4j", directory=str(directory))
    db.execute("CREATE INDEX FOR (c:C) ON (c.i)").consume()
    db.execute("UNWIND range(0, $n - 1) AS i CREATE (:C {i: i})", {"n": COMMITS}).consume()
    db.close()
    assert (directory / LOG_NAME).stat().st_size == 0


def test_each_byte_of_a_small_log_damaged_loses_no_commit_silently(tmp_path):
    starts = write_log(tmp_path)
    outcomes = sweep(tmp_path, tmp_path / LOG_NAME, xor_and_one_bit, (starts[-2], starts[-1]),
                     list(range(COMMITS)))
    assert outcomes["torn tail cut"] == 2 * (starts[-1] - starts[-2])
    assert sum(outcomes.values()) == 2 * starts[-1]


def test_each_byte_of_a_small_snapshot_damaged_is_refused(tmp_path):
    graph_in_a_snapshot(tmp_path)
    outcomes = sweep(tmp_path, tmp_path / SNAPSHOT_NAME, xor_and_one_bit, None, list(range(COMMITS)))
    assert outcomes["refused"] == 2 * (tmp_path / SNAPSHOT_NAME).stat().st_size


@pytest.mark.slow
@pytest.mark.parametrize("commits", [1, 3, 12])
def test_every_bit_of_a_log_damaged_loses_no_commit_silently(tmp_path, commits):
    starts = write_log(tmp_path, commits)
    outcomes = sweep(tmp_path, tmp_path / LOG_NAME, every_bit, (starts[-2], starts[-1]), list(range(commits)))
    assert outcomes["torn tail cut"] == 9 * (starts[-1] - starts[-2])


@pytest.mark.slow
def test_every_bit_of_a_snapshot_damaged_is_refused(tmp_path):
    graph_in_a_snapshot(tmp_path)
    outcomes = sweep(tmp_path, tmp_path / SNAPSHOT_NAME, every_bit, None, list(range(COMMITS)))
    assert set(outcomes) == {"refused"}


@pytest.mark.slow
@pytest.mark.parametrize("width", [4, 16, 64, 512])
def test_zeroed_runs_of_a_log_lose_no_commit_that_whole_records_follow(tmp_path, width):
    """Runs of zeros (a lost sector, a write that never reached the disk) at every offset: recovery keeps every
    commit before the first damaged record, and cuts only when every record from there on is damaged."""
    starts = write_log(tmp_path, commits=12)
    log = tmp_path / LOG_NAME
    data = log.read_bytes()
    for at in range(0, len(data) - 1):
        zeroed = data[:at] + bytes(min(width, len(data) - at)) + data[at + width:]
        if zeroed == data:
            continue
        rewrite(log, zeroed)
        first = max(i for i, start in enumerate(starts[:-1]) if start <= max(at, starts[0]))
        try:
            commits = recovered(tmp_path)
        except Neo4jError as error:
            assert error.code == REFUSAL and str(log) in error.message, error.message
            assert log.read_bytes() == zeroed, f"zeros at {at}: a refusal leaves the log untouched"
        else:
            assert commits == list(range(first)), f"zeros at {at}: {commits}"
            assert at + width >= starts[-2], f"zeros at {at}: a whole record followed the cut"
