"""The MVCC merge of search indexes (`storage.search_indexes`), against both storage engines, with a small exact
engine standing in for the vector library: what a query finds is what the reading transaction sees (its own
writes, its snapshot, its privileges), whatever the engine holds."""
import math

import pytest

from graphplex.databases.storage import SchemaChange
from graphplex.databases.storage.search_indexes import SearchIndex


class Query(tuple):
    """A checked query vector, as `VectorEngine.check_query` gives it: its values and its dimensions."""

    @property
    def dimensions(self):
        return len(self)


class ExactEngine:
    """The `VectorEngine` contract over a dict: cosine scores as Neo4j gives them, (1 + cos) / 2."""

    def __init__(self) -> None:
        self.vectors: dict[int, tuple] = {}
        self.searches = 0

    def vector_of(self, value):
        if isinstance(value, list) and len(value) == 2 and all(isinstance(x, (int, float)) for x in value) \
                and any(value):
            return tuple(float(x) for x in value)
        return None

    def check_query(self, query):
        return Query(query)

    def upsert(self, key, vector):
        self.vectors[key] = vector

    def remove(self, key):
        self.vectors.pop(key, None)

    def load(self, keys, vectors):
        self.vectors.update(zip(keys, vectors))

    def scores(self, query, vectors):
        return [(1 + _cos(query, vector)) / 2 for vector in vectors]

    def search(self, query, count):
        self.searches += 1
        ranked = sorted(self.vectors.items(), key=lambda item: (-_cos(query, item[1]), item[0]))
        return [(key, (1 + _cos(query, vector)) / 2) for key, vector in ranked[:count]]

    def __len__(self):
        return len(self.vectors)


def _cos(a, b):
    return sum(x * y for x, y in zip(a, b)) / (math.hypot(*a) * math.hypot(*b))


@pytest.fixture(autouse=True)
def exact_engine(monkeypatch):
    engines = []

    def new_engine(self):
        engines.append(ExactEngine())
        return engines[-1]
    monkeypatch.setattr(SearchIndex, "new_engine", new_engine)
    return engines


def vector_index(label="Doc", name="vi"):
    return SchemaChange("create_index", name, "NODE", label, ("v",), index_type="VECTOR", tokens=(label,),
                        options={"vector.dimensions": 2, "vector.similarity_function": "COSINE"})


def committed(storage, fn):
    txn = storage.begin()
    result = fn(txn)
    txn.commit()
    return result


def with_index(storage, *vectors):
    committed(storage, lambda t: t.change_schema(vector_index()))
    return committed(storage, lambda t: [t.create_vertex(["Doc"], {"v": list(v)}).gid for v in vectors])


def found(txn, k=10, query=(1, 0)):
    indexes = txn.storage.schema.search
    index = indexes.ready(indexes["vi"])
    return [(entity.gid, round(score, 6)) for entity, score in txn.search_vectors(index, k, Query(query))]


def test_committed_vectors_are_found_best_first_with_neo4j_scores(engine):
    storage = engine()
    a, b, c = with_index(storage, (1, 0), (0, 1), (1, 1))
    assert found(storage.begin()) == [(a, 1.0), (c, round((1 + math.sqrt(0.5)) / 2, 6)), (b, 0.5)]
    assert found(storage.begin(), k=1) == [(a, 1.0)]


def test_entities_without_a_valid_vector_or_label_are_left_out(engine):
    storage = engine()
    with_index(storage, (1, 0))
    committed(storage, lambda t: (t.create_vertex(["Doc"], {"v": "text"}), t.create_vertex(["Doc"], {"v": [0, 0]}),
                                  t.create_vertex(["Other"], {"v": [1, 0]}), t.create_vertex(["Doc"], {})))
    assert len(found(storage.begin())) == 1


def test_an_index_created_over_existing_data_holds_it(engine):
    storage = engine()
    a = committed(storage, lambda t: t.create_vertex(["Doc"], {"v": [1, 0]}).gid)
    committed(storage, lambda t: t.change_schema(vector_index()))
    assert found(storage.begin()) == [(a, 1.0)]


def test_a_transaction_sees_its_own_writes_and_no_one_else_does(engine):
    storage = engine()
    a, b = with_index(storage, (1, 0), (0, 1))
    writer = storage.begin()
    new = writer.create_vertex(["Doc"], {"v": [1, 0.1]}).gid
    writer.set_property(writer.vertex(b), "v", [1, 0])
    writer.delete_vertex(writer.vertex(a))
    assert sorted(gid for gid, _ in found(writer)) == sorted([b, new])
    assert found(writer, k=1) == [(b, 1.0)]
    assert found(storage.begin()) == [(a, 1.0), (b, 0.5)]
    writer.rollback()
    assert found(storage.begin()) == [(a, 1.0), (b, 0.5)]


def test_a_snapshot_keeps_what_it_saw_after_concurrent_commits(engine):
    storage = engine()
    a, b = with_index(storage, (1, 0), (0, 1))
    reader = storage.begin()
    committed(storage, lambda t: (t.set_property(t.vertex(b), "v", [1, 0]), t.delete_vertex(t.vertex(a)),
                                  t.create_vertex(["Doc"], {"v": [1, 0]})))
    assert found(reader) == [(a, 1.0), (b, 0.5)]
    after = storage.begin()
    assert [score for _, score in found(after)] == [1.0, 1.0]
    assert a not in [gid for gid, _ in found(after)]


def test_changes_seen_by_every_snapshot_are_forgotten(engine):
    storage = engine()
    a, = with_index(storage, (1, 0))
    committed(storage, lambda t: t.set_property(t.vertex(a), "v", [0, 1]))
    index = storage.schema.search["vi"]
    reader = storage.begin()
    assert found(reader) == [(a, 0.5)]
    committed(storage, lambda t: t.set_property(t.vertex(a), "v", [1, 0]))
    assert index.recent
    reader.rollback()
    committed(storage, lambda t: t.create_vertex(["Other"]))
    assert not index.recent


def test_a_reader_older_than_the_index_scans(engine):
    storage = engine()
    a = committed(storage, lambda t: t.create_vertex(["Doc"], {"v": [1, 0]}).gid)
    reader = storage.begin()
    committed(storage, lambda t: t.change_schema(vector_index()))
    committed(storage, lambda t: t.set_property(t.vertex(a), "v", [0, 1]))
    assert found(storage.begin()) == [(a, 0.5)]
    assert found(reader) == [(a, 1.0)]


def test_read_committed_sees_each_commit_and_read_uncommitted_sees_open_writes(engine):
    storage = engine("READ_COMMITTED")
    a, = with_index(storage, (1, 0))
    reader = storage.begin()
    committed(storage, lambda t: t.set_property(t.vertex(a), "v", [0, 1]))
    assert found(reader) == [(a, 0.5)]
    writer = storage.begin()
    writer.set_property(writer.vertex(a), "v", [1, 0])
    assert found(storage.begin("READ_UNCOMMITTED")) == [(a, 1.0)]
    assert found(storage.begin("READ_COMMITTED")) == [(a, 0.5)]
    writer.rollback()


def test_hidden_entities_are_never_found(engine):
    storage = engine()
    a, b = with_index(storage, (1, 0), (0, 1))
    reader = storage.begin()
    reader.read_filter = lambda view, entity, version: None if entity.gid == a else version
    assert found(reader) == [(b, 0.5)]


def test_a_dropped_index_is_gone_and_a_rolled_back_drop_keeps_it(engine):
    storage = engine()
    with_index(storage, (1, 0))
    txn = storage.begin()
    txn.change_schema(SchemaChange("drop_index", "vi"))
    txn.rollback()
    assert len(found(storage.begin())) == 1
    committed(storage, lambda t: t.change_schema(SchemaChange("drop_index", "vi")))
    assert "vi" not in storage.schema.search


def test_the_engine_is_asked_again_when_too_many_answers_are_hidden(engine, exact_engine):
    storage = engine()
    gids = with_index(storage, *[(1, i / 100) for i in range(20)])
    reader = storage.begin()
    hidden = set(gids[:15])
    reader.read_filter = lambda view, entity, version: None if entity.gid in hidden else version
    assert [gid for gid, _ in found(reader, k=3)] == gids[15:18]


def test_an_entity_changed_between_the_snapshot_and_the_search_is_scored_as_the_snapshot_sees_it(engine):
    storage = engine()
    a, b = with_index(storage, (1, 0), (0, 1))
    reader = storage.begin()
    assert found(reader, k=0) == []  # the index is built; nothing changed since the reader began
    committed(storage, lambda t: t.delete_vertex(t.vertex(a)))
    assert found(reader) == [(a, 1.0), (b, 0.5)]


def test_writers_commit_while_an_index_is_built_and_the_build_catches_up(engine, monkeypatch):
    storage = engine()
    committed(storage, lambda t: t.change_schema(vector_index()))
    a, b = committed(storage, lambda t: [t.create_vertex(["Doc"], {"v": v}).gid for v in ([1, 0], [0, 1])])
    old_reader = storage.begin()
    during = []

    def load(self, keys, vectors):  # the build fills the engine outside the commit lock: a writer commits meanwhile
        self.vectors.update(zip(keys, vectors))
        during.append(committed(storage, lambda t: (t.set_property(t.vertex(b), "v", [1, 0]),
                                                    t.delete_vertex(t.vertex(a)),
                                                    t.create_vertex(["Doc"], {"v": [1, 1]}).gid)))
    monkeypatch.setattr(ExactEngine, "load", load)
    reader = storage.begin()
    assert found(reader) == [(a, 1.0), (b, 0.5)]  # the build's own snapshot and the reader's are one
    index = storage.schema.search["vi"]
    assert not index.stale and not index.building
    _, _, new = during[0]
    assert sorted(index.engine.vectors) == sorted([b, new])
    assert found(storage.begin()) == [(b, 1.0), (new, round((1 + math.sqrt(0.5)) / 2, 6))]
    assert found(old_reader) == [(a, 1.0), (b, 0.5)]
