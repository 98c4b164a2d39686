"""`commit_record` builds most commits' log records straight from the entities' versions: for every kind of
transaction (creations, updates of committed entities, relabels, deletions, edges, new property keys) it writes
the very bytes of the general path, `encode_commit(ts, commit_operations(txn))`."""
from hypothesis import given, settings, strategies as st

from graphplex.databases.durability.records import commit_operations, commit_record, decode_commit, encode_commit
from graphplex.databases.storage import Storage

labels = st.lists(st.sampled_from(["A", "B", "Person"]), max_size=2, unique=True)
props = st.dictionaries(st.sampled_from(["id", "name", "age", "ß", "new"]),
                        st.one_of(st.integers(), st.text(max_size=70), st.floats(allow_nan=False), st.booleans()),
                        max_size=3)
action = st.one_of(
    st.tuples(st.just("vertex"), labels, props),
    st.tuples(st.just("edge"), st.integers(0, 50), st.integers(0, 50), st.sampled_from(["R", "KNOWS"]), props),
    st.tuples(st.just("set"), st.integers(0, 50), st.sampled_from(["id", "age", "other"]), st.integers()),
    st.tuples(st.just("label"), st.integers(0, 50), st.sampled_from(["A", "C"]), st.booleans()),
    st.tuples(st.just("delete"), st.integers(0, 50)),
)


def apply(txn, vertices: list, edges: list, step: tuple) -> None:
    kind = step[0]
    if kind == "vertex":
        vertices.append(txn.create_vertex(step[1], step[2]))
    elif kind == "edge" and vertices:
        src, dst = vertices[step[1] % len(vertices)], vertices[step[2] % len(vertices)]
        if txn.view(src) is not None and txn.view(dst) is not None:
            edges.append(txn.create_edge(src, dst, step[3], step[4]))
    elif kind == "set" and vertices:
        entities = vertices + edges
        entity = entities[step[1] % len(entities)]
        if txn.view(entity) is not None:
            txn.set_property(entity, step[2], step[3])
    elif kind == "label" and vertices:
        vertex = vertices[step[1] % len(vertices)]
        if txn.view(vertex) is not None:
            (txn.add_labels if step[3] else txn.remove_labels)(vertex, [step[2]])
    elif kind == "delete" and vertices:
        vertex = vertices[step[1] % len(vertices)]
        if txn.view(vertex) is not None:
            txn.delete_vertex(vertex, detach=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(action, min_size=1, max_size=5), min_size=1, max_size=6))
def test_the_direct_record_is_the_general_record(transactions):
    storage = Storage()
    records = []

    def hook(txn, commit_ts):
        records.append((commit_record(txn, commit_ts), encode_commit(commit_ts, commit_operations(txn))))

    storage.add_publish_hook(hook)
    vertices, edges = [], []
    for steps in transactions:
        txn = storage.begin()
        for step in steps:
            apply(txn, vertices, edges, step)
        txn.commit()
    for direct, general in records:
        assert direct == general
        decode_commit(direct)
