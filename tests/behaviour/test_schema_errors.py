"""Schema commands fail with Neo4j 5.26's codes and messages (drivers and libraries branch on them: an
`IndexDropFailed` is a `DatabaseError`, a clash is a `ClientError`)."""
from __future__ import annotations

import pytest

from graphplex.errors import ClientError, DatabaseError, Neo4jError


def fails(session, query: str) -> Neo4jError:
    with pytest.raises(Neo4jError) as caught:
        session.run(query).consume()
    return caught.value


def run(session, *queries: str) -> None:
    for query in queries:
        session.run(query).consume()


def counters(session, query: str) -> dict:
    summary = session.run(query).consume()
    return {"indexes_added": summary.counters.indexes_added, "constraints_added": summary.counters.constraints_added,
            "indexes_removed": summary.counters.indexes_removed,
            "constraints_removed": summary.counters.constraints_removed}


def test_dropping_a_missing_index_is_a_database_error(session):
    error = fails(session, "DROP INDEX nosuch")
    assert isinstance(error, DatabaseError)
    assert error.code == "Neo.DatabaseError.Schema.IndexDropFailed"
    assert error.message == "Unable to drop index called `nosuch`. There is no such index."


def test_dropping_a_missing_constraint_is_a_database_error(session):
    error = fails(session, "DROP CONSTRAINT nosuch")
    assert isinstance(error, DatabaseError)
    assert error.code == "Neo.DatabaseError.Schema.ConstraintDropFailed"
    assert error.message == "Unable to drop constraint `nosuch`: No such constraint nosuch."


def test_if_exists_drops_of_missing_rules_do_nothing(session):
    assert counters(session, "DROP INDEX nosuch IF EXISTS")["indexes_removed"] == 0
    assert counters(session, "DROP CONSTRAINT nosuch IF EXISTS")["constraints_removed"] == 0


def test_an_index_owned_by_a_constraint_cannot_be_dropped_even_if_exists(session):
    run(session, "CREATE CONSTRAINT book_isbn FOR (b:Book) REQUIRE b.isbn IS UNIQUE")
    for query in ("DROP INDEX book_isbn", "DROP INDEX book_isbn IF EXISTS"):
        error = fails(session, query)
        assert error.code == "Neo.DatabaseError.Schema.IndexDropFailed"
        assert error.message == "Unable to drop index: Index belongs to constraint: `book_isbn`"


def test_a_name_of_the_other_kind_is_not_found(session):
    run(session, "CREATE INDEX books FOR (b:Book) ON (b.title)",
         "CREATE CONSTRAINT author_name FOR (a:Author) REQUIRE a.name IS NOT NULL")
    assert fails(session, "DROP CONSTRAINT books").code == "Neo.DatabaseError.Schema.ConstraintDropFailed"
    assert fails(session, "DROP INDEX author_name").code == "Neo.DatabaseError.Schema.IndexDropFailed"


def test_the_same_index_twice_is_an_equivalent_rule(session):
    run(session, "CREATE INDEX FOR (b:Book) ON (b.title)")
    name = session.run("SHOW INDEXES YIELD name, id, type WHERE type = 'RANGE' RETURN name, id").single()
    error = fails(session, "CREATE INDEX FOR (b:Book) ON (b.title)")
    assert isinstance(error, ClientError)
    assert error.code == "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"
    assert error.message == (f"An equivalent index already exists, 'Index( id={name['id']}, name='{name['name']}', "
                             "type='RANGE', schema=(:Book {title}), indexProvider='range-1.0' )'.")


def test_an_index_on_an_indexed_schema_under_another_name(session):
    run(session, "CREATE INDEX books FOR (b:Book) ON (b.title)")
    error = fails(session, "CREATE INDEX other FOR (b:Book) ON (b.title)")
    assert error.code == "Neo.ClientError.Schema.IndexAlreadyExists"
    assert error.message == "There already exists an index (:Book {title})."


def test_names_are_shared_by_indexes_and_constraints(session):
    run(session, "CREATE INDEX books FOR (b:Book) ON (b.title)",
         "CREATE CONSTRAINT authors FOR (a:Author) REQUIRE a.name IS UNIQUE")
    error = fails(session, "CREATE INDEX books FOR (b:Book) ON (b.year)")
    assert (error.code, error.message) == ("Neo.ClientError.Schema.IndexWithNameAlreadyExists",
                                           "There already exists an index called 'books'.")
    error = fails(session, "CREATE CONSTRAINT books FOR (m:Movie) REQUIRE m.title IS :: STRING")
    assert error.code == "Neo.ClientError.Schema.IndexWithNameAlreadyExists"
    error = fails(session, "CREATE INDEX authors FOR (b:Book) ON (b.year)")
    assert (error.code, error.message) == ("Neo.ClientError.Schema.ConstraintWithNameAlreadyExists",
                                           "There already exists a constraint called 'authors'.")


def test_an_index_over_a_uniqueness_constraint(session):
    run(session, "CREATE CONSTRAINT book_isbn FOR (b:Book) REQUIRE b.isbn IS UNIQUE")
    error = fails(session, "CREATE INDEX FOR (b:Book) ON (b.isbn)")
    assert error.code == "Neo.ClientError.Schema.ConstraintAlreadyExists"
    assert error.message == ("There is a uniqueness constraint on (:Book {isbn}), so an index is already created "
                             "that matches this.")
    # IF NOT EXISTS: the constraint's index is an index of that schema, so there is nothing to do.
    assert counters(session, "CREATE INDEX IF NOT EXISTS FOR (b:Book) ON (b.isbn)")["indexes_added"] == 0


def test_a_constraint_over_an_existing_index(session):
    run(session, "CREATE INDEX book_word_count FOR (b:Book) ON (b.wordCount)")
    for query in ("CREATE CONSTRAINT word_count FOR (b:Book) REQUIRE b.wordCount IS UNIQUE",
                  "CREATE CONSTRAINT word_count IF NOT EXISTS FOR (b:Book) REQUIRE b.wordCount IS UNIQUE"):
        error = fails(session, query)
        assert error.code == "Neo.ClientError.Schema.IndexAlreadyExists"
        assert error.message == ("There already exists an index (:Book {wordCount}). A constraint cannot be created "
                                 "until the index has been dropped.")


def test_the_same_constraint_twice(session):
    run(session, "CREATE CONSTRAINT book_isbn FOR (b:Book) REQUIRE b.isbn IS UNIQUE")
    row = session.run("SHOW CONSTRAINTS YIELD id, ownedIndex RETURN id, ownedIndex").single()
    index_id = session.run("SHOW INDEXES YIELD id, name WHERE name = 'book_isbn' RETURN id").single()["id"]
    error = fails(session, "CREATE CONSTRAINT book_isbn FOR (b:Book) REQUIRE b.isbn IS UNIQUE")
    assert error.code == "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"
    assert error.message == ("An equivalent constraint already exists, 'Constraint( id=" + str(row["id"]) +
                             ", name='book_isbn', type='UNIQUENESS', schema=(:Book {isbn}), ownedIndex=" +
                             str(index_id) + " )'.")
    assert index_id < row["id"]  # the owned index is created first, as in Neo4j
    error = fails(session, "CREATE CONSTRAINT other FOR (b:Book) REQUIRE b.isbn IS UNIQUE")
    assert error.code == "Neo.ClientError.Schema.ConstraintAlreadyExists"
    assert error.message.startswith("Constraint already exists: Constraint( id=" + str(row["id"]) +
                                    ", name='book_isbn', type='UNIQUENESS'")
    # A key on the same schema clashes too (both would own a range index on it).
    assert fails(session, "CREATE CONSTRAINT k FOR (b:Book) REQUIRE b.isbn IS NODE KEY").code == \
        "Neo.ClientError.Schema.ConstraintAlreadyExists"
    assert counters(session, "CREATE CONSTRAINT other IF NOT EXISTS FOR (b:Book) REQUIRE b.isbn IS UNIQUE"
                    )["constraints_added"] == 0


def test_property_type_constraints_with_other_types_conflict(session):
    run(session, "CREATE CONSTRAINT movie_title FOR (m:Movie) REQUIRE m.title IS :: STRING")
    error = fails(session, "CREATE CONSTRAINT other FOR (m:Movie) REQUIRE m.title IS :: INTEGER")
    assert error.code == "Neo.ClientError.Schema.ConstraintAlreadyExists"
    assert error.message.startswith("Conflicting constraint already exists: Constraint( id=")
    assert "type='NODE PROPERTY TYPE', schema=(:Movie {title}), propertyType=STRING )" in error.message


def test_uniqueness_constraint_over_duplicates_fails_as_a_database_error(session):
    run(session, "CREATE (:Book {title: 'Moby Dick'}), (:Book {title: 'Moby Dick'})")
    error = fails(session, "CREATE CONSTRAINT book_title FOR (b:Book) REQUIRE b.title IS UNIQUE")
    assert isinstance(error, DatabaseError)
    assert error.code == "Neo.DatabaseError.Schema.ConstraintCreationFailed"
    assert error.message == (
        "Unable to create Constraint( name='book_title', type='UNIQUENESS', schema=(:Book {title}) ):\n"
        "Both Node(0) and Node(1) have the label `Book` and property `title` = 'Moby Dick'. "
        "Note that only the first found violation is shown.")
    assert session.run("SHOW CONSTRAINTS").values() == []
    assert session.run("SHOW INDEXES YIELD type WHERE type = 'RANGE' RETURN type").values() == []


def test_existence_constraint_over_missing_properties(session):
    run(session, "CREATE ()-[:WROTE]->()")
    error = fails(session, "CREATE CONSTRAINT wrote_language FOR ()-[w:WROTE]-() REQUIRE w.language IS NOT NULL")
    assert error.code == "Neo.DatabaseError.Schema.ConstraintCreationFailed"
    assert error.message == (
        "Unable to create Constraint( type='RELATIONSHIP PROPERTY EXISTENCE', schema=()-[:WROTE {language}]-() ):\n"
        "Relationship(0) with type `WROTE` must have the property `language`. "
        "Note that only the first found violation is shown.")


def test_lookup_indexes_exist_already(session):
    error = fails(session, "CREATE LOOKUP INDEX FOR (n) ON EACH labels(n)")
    assert error.code == "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"
    assert error.message == ("An equivalent index already exists, 'Index( id=1, name='index_343aff4e', "
                             "type='LOOKUP', schema=(:<any-labels>), indexProvider='token-lookup-1.0' )'.")
    error = fails(session, "CREATE LOOKUP INDEX rels FOR ()-[r]-() ON EACH type(r)")
    assert (error.code, error.message) == ("Neo.ClientError.Schema.IndexAlreadyExists",
                                           "There already exists an index ()-[:<any-types>]-().")
    assert counters(session, "CREATE LOOKUP INDEX rels IF NOT EXISTS FOR ()-[r]-() ON EACH type(r)"
                    )["indexes_added"] == 0


def test_clashes_within_one_transaction(session):
    tx = session.begin_transaction()
    tx.run("CREATE INDEX books FOR (b:Book) ON (b.title)").consume()
    with pytest.raises(Neo4jError) as caught:
        tx.run("CREATE INDEX books FOR (b:Book) ON (b.title)").consume()
    tx.rollback()
    assert caught.value.code == "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"
    assert "name='books', type='RANGE'" in caught.value.message


def test_text_and_point_indexes_keep_their_type(session):
    run(session, "CREATE INDEX books FOR (b:Book) ON (b.title)",
         "CREATE TEXT INDEX book_text FOR (b:Book) ON (b.title)",
         "CREATE POINT INDEX places FOR (p:Place) ON (p.location)")
    rows = session.run("SHOW INDEXES YIELD name, type, indexProvider, createStatement WHERE type <> 'LOOKUP' "
                       "RETURN name, type, indexProvider, createStatement ORDER BY name").values()
    assert rows == [
        ["book_text", "TEXT", "text-2.0", "CREATE TEXT INDEX `book_text` FOR (n:`Book`) ON (n.`title`)"],
        ["books", "RANGE", "range-1.0", "CREATE RANGE INDEX `books` FOR (n:`Book`) ON (n.`title`)"],
        ["places", "POINT", "point-1.0", "CREATE POINT INDEX `places` FOR (n:`Place`) ON (n.`location`)"]]
    assert session.run("SHOW TEXT INDEXES YIELD name").value() == ["book_text"]
    error = fails(session, "CREATE TEXT INDEX other FOR (b:Book) ON (b.title)")
    assert (error.code, error.message) == ("Neo.ClientError.Schema.IndexAlreadyExists",
                                           "There already exists an index (:Book {title}).")
    error = fails(session, "CREATE TEXT INDEX book_text FOR (b:Book) ON (b.title)")
    assert error.message.startswith("An equivalent index already exists, 'Index( id=")
    assert "type='TEXT', schema=(:Book {title}), indexProvider='text-2.0' )'." in error.message
    # A text index does not block a uniqueness constraint (only a range index does), nor the reverse.
    run(session, "CREATE CONSTRAINT place_name FOR (p:Place) REQUIRE p.name IS UNIQUE",
        "CREATE TEXT INDEX place_text FOR (p:Place) ON (p.name)")
    assert session.run("MATCH (b:Book {title: 'x'}) RETURN count(b)").single()[0] == 0
    error = fails(session, "CREATE TEXT INDEX pair FOR (b:Book) ON (b.title, b.year)")
    assert error.code == "Neo.ClientError.Statement.SyntaxError"


@pytest.mark.parametrize("storage_mode", ["IN_MEMORY_TRANSACTIONAL", "ON_DISK_TRANSACTIONAL"])
def test_index_types_survive_a_restart(tmp_path, storage_mode):
    from graphplex import DBMS

    with DBMS.open(tmp_path / "dbms", storage_mode=storage_mode) as dbms, dbms.session() as session:
        run(session, "CREATE TEXT INDEX book_text FOR (b:Book) ON (b.title)", "CREATE INDEX books FOR (b:Book) ON (b.isbn)")
    with DBMS.open(tmp_path / "dbms", storage_mode=storage_mode) as dbms, dbms.session() as session:
        rows = session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name, type ORDER BY name")
        assert rows.values() == [["book_text", "TEXT"], ["books", "RANGE"]]
