"""Schema changes through a storage transaction: indexes and constraints with Neo4j 5's names and errors."""
import pytest

from graphplex.databases.errors import ClientError, ConstraintError, DatabaseError
from graphplex.databases.storage import KEY, PROPERTY_TYPE, RELATIONSHIP, UNIQUENESS, EXISTENCE, SchemaChange, Storage


def run(storage, *changes):
    txn = storage.begin()
    results = [txn.change_schema(change) for change in changes]
    txn.commit()
    return results


def index(label="Book", props=("title",), name=None, **kw):
    return SchemaChange("create_index", name=name, label=label, properties=props, **kw)


def constraint(kind, label="Book", props=("isbn",), name=None, **kw):
    return SchemaChange("create_constraint", name=name, label=label, properties=props, kind=kind, **kw)


def write(storage, fn):
    txn = storage.begin()
    result = fn(txn)
    txn.commit()
    return result


def test_index_is_filled_with_existing_data_and_used():
    storage = Storage()
    write(storage, lambda t: [t.create_vertex(["Book"], {"title": f"t{i}"}) for i in range(5)])
    run(storage, index())
    assert storage.indexes.find("NODE", "Book", ("title",)) is not None
    reader = storage.begin()
    assert [reader.property(v, "title") for v in reader.vertices_by_property("Book", "title", "t3")] == ["t3"]


def test_default_names_look_like_neo4j():
    storage = Storage()
    run(storage, index())
    [name] = storage.indexes.by_name
    assert name.startswith("index_") and len(name) == len("index_") + 8


@pytest.mark.parametrize("second, code", [
    (index(name="other"), "Neo.ClientError.Schema.IndexAlreadyExists"),
    (index(name="books", props=("year",)), "Neo.ClientError.Schema.IndexWithNameAlreadyExists"),
    (index(name="books"), "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"),
    (constraint(UNIQUENESS, name="books"), "Neo.ClientError.Schema.IndexWithNameAlreadyExists"),
    (constraint(UNIQUENESS, props=("title",)), "Neo.ClientError.Schema.IndexAlreadyExists"),
])
def test_clashing_schema_rules_fail_with_neo4j_codes(second, code):
    storage = Storage()
    run(storage, index(name="books"))
    txn = storage.begin()
    with pytest.raises(ClientError) as caught:
        txn.change_schema(second)
    assert caught.value.code == code
    txn.rollback()


def test_if_not_exists_and_if_exists_are_no_ops():
    storage = Storage()
    assert run(storage, index(name="books"), index(name="books", if_not_exists=True)) == [True, False]
    assert run(storage, SchemaChange("drop_index", name="missing", if_exists=True)) == [False]
    txn = storage.begin()
    with pytest.raises(DatabaseError) as caught:
        txn.change_schema(SchemaChange("drop_index", name="missing"))
    assert caught.value.code == "Neo.DatabaseError.Schema.IndexDropFailed"
    assert caught.value.message == "Unable to drop index called `missing`. There is no such index."


def test_schema_changes_apply_only_at_commit_and_rollback_leaves_nothing():
    storage = Storage()
    txn = storage.begin()
    txn.change_schema(index(name="books"))
    assert "books" not in storage.indexes.by_name
    txn.rollback()
    assert "books" not in storage.indexes.by_name
    run(storage, index(name="books"), SchemaChange("drop_index", name="books"))
    assert "books" not in storage.indexes.by_name


def test_uniqueness_constraint_owns_an_index_that_cannot_be_dropped():
    storage = Storage()
    run(storage, constraint(UNIQUENESS, name="book_isbn"))
    assert storage.indexes.by_name["book_isbn"].owning_constraint == "book_isbn"
    txn = storage.begin()
    with pytest.raises(DatabaseError) as caught:
        txn.change_schema(SchemaChange("drop_index", name="book_isbn"))
    assert caught.value.code == "Neo.DatabaseError.Schema.IndexDropFailed"
    assert caught.value.message == "Unable to drop index: Index belongs to constraint: `book_isbn`"
    txn.rollback()
    run(storage, SchemaChange("drop_constraint", name="book_isbn"))
    assert not storage.indexes.by_name and not storage.schema.constraints


def test_constraint_on_violating_data_fails_and_creates_nothing():
    storage = Storage()
    write(storage, lambda t: [t.create_vertex(["Book"], {"title": "Moby Dick"}) for _ in range(2)])
    txn = storage.begin()
    txn.change_schema(constraint(UNIQUENESS, name="book_title", props=("title",)))
    with pytest.raises(DatabaseError) as caught:
        txn.commit()
    assert caught.value.code == "Neo.DatabaseError.Schema.ConstraintCreationFailed"
    assert caught.value.message == (
        "Unable to create Constraint( name='book_title', type='UNIQUENESS', schema=(:Book {title}) ):\n"
        "Both Node(0) and Node(1) have the label `Book` and property `title` = 'Moby Dick'. "
        "Note that only the first found violation is shown.")
    assert not storage.schema.constraints and not storage.indexes.by_name


def test_node_key_requires_all_properties_and_uniqueness_of_the_tuple():
    storage = Storage()
    run(storage, constraint(KEY, label="Actor", props=("firstname", "surname"), name="actor_key"))
    txn = storage.begin()
    txn.create_vertex(["Actor"], {"firstname": "Keanu"})
    with pytest.raises(ConstraintError) as caught:
        txn.commit()
    assert caught.value.message == "Node(0) with label `Actor` must have the properties (`firstname`, `surname`)"
    write(storage, lambda t: t.create_vertex(["Actor"], {"firstname": "K", "surname": "R"}))
    txn = storage.begin()
    txn.create_vertex(["Actor"], {"firstname": "K", "surname": "R"})
    with pytest.raises(ConstraintError) as caught:
        txn.commit()
    assert "already exists with label `Actor` and properties `firstname` = 'K', `surname` = 'R'" in caught.value.message


def test_property_type_constraint():
    storage = Storage()
    run(storage, constraint(PROPERTY_TYPE, label="Movie", props=("title",), property_types=("STRING",)))
    write(storage, lambda t: t.create_vertex(["Movie"], {"title": "ok"}))
    txn = storage.begin()
    txn.create_vertex(["Movie"], {"title": 9})
    with pytest.raises(ConstraintError) as caught:
        txn.commit()
    assert caught.value.message == ("Node(1) with label `Movie` required the property `title` to be of type "
                                    "`STRING`, but was of type `INTEGER`.")


def test_relationship_constraints():
    storage = Storage()
    run(storage, constraint(EXISTENCE, entity_type=RELATIONSHIP, label="PART_OF", props=("order",)),
        constraint(UNIQUENESS, entity_type=RELATIONSHIP, label="ISSUED", props=("serial",), name="serials"))
    txn = storage.begin()
    a, b = txn.create_vertex(), txn.create_vertex()
    txn.create_edge(a, b, "PART_OF")
    with pytest.raises(ConstraintError) as caught:
        txn.commit()
    assert caught.value.message == "Relationship(0) with type `PART_OF` must have the property `order`"

    def two_serials(t):
        a, b = t.create_vertex(), t.create_vertex()
        t.create_edge(a, b, "ISSUED", {"serial": 1})
        t.create_edge(b, a, "ISSUED", {"serial": 1})
    with pytest.raises(ConstraintError) as caught:
        write(storage, two_serials)
    assert "with type `ISSUED` and property `serial` = 1" in caught.value.message
    assert storage.counts() == (0, 0)


def test_concurrent_duplicates_one_commit_wins():
    storage = Storage()
    run(storage, constraint(UNIQUENESS, label="User", props=("email",)))
    first, second = storage.begin(), storage.begin()
    first.create_vertex(["User"], {"email": "a@x"})
    second.create_vertex(["User"], {"email": "a@x"})
    first.commit()
    with pytest.raises(ConstraintError):
        second.commit()
    reader = storage.begin()
    assert len(list(reader.vertices_by_property("User", "email", "a@x"))) == 1


def test_unique_value_may_move_between_nodes_in_one_transaction():
    storage = Storage()
    run(storage, constraint(UNIQUENESS, label="User", props=("email",)))
    old = write(storage, lambda t: t.create_vertex(["User"], {"email": "a@x"}))

    def move(t):
        t.set_property(old, "email", "b@x")
        t.create_vertex(["User"], {"email": "a@x"})
    write(storage, move)
    reader = storage.begin()
    assert sorted(reader.property(v, "email") for v in reader.vertices_with_label("User")) == ["a@x", "b@x"]


def lookup(label="Book", props=(), entity_type="NODE", **kw):
    return SchemaChange("create_index", label=label, properties=props, entity_type=entity_type, index_type="LOOKUP",
                        **kw)


def test_lookup_indexes_are_rules_of_the_catalogue_without_entries():
    storage = Storage()
    run(storage, lookup(), lookup(label="KNOWS", entity_type=RELATIONSHIP), lookup(label="", props=("p",)),
        index())
    assert sorted((i.entity_type, i.label, i.properties) for i in storage.schema.lookups.values()) == [
        ("NODE", "", ("p",)), ("NODE", "Book", ()), ("RELATIONSHIP", "KNOWS", ())]
    assert [i.properties for i in storage.indexes.by_name.values()] == [("title",)]
    assert storage.indexes.find("NODE", "Book", ()) is None


def test_a_lookup_index_clashes_only_with_one_of_its_token_and_kind():
    storage = Storage()
    run(storage, lookup())
    with pytest.raises(ClientError) as clash:
        run(storage, lookup())
    assert clash.value.code == "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"
    assert "type='LOOKUP'" in clash.value.message
    assert run(storage, lookup(if_not_exists=True), lookup(entity_type=RELATIONSHIP)) == [False, True]


def test_dropping_a_lookup_index_by_name_and_rolling_back():
    storage = Storage()
    run(storage, lookup())
    [name] = storage.schema.lookups
    txn = storage.begin()
    assert txn.change_schema(SchemaChange("drop_index", name))
    txn.rollback()
    assert list(storage.schema.lookups) == [name]
    run(storage, SchemaChange("drop_index", name))
    assert storage.schema.lookups == {}
