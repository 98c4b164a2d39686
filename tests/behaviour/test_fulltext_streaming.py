"""A full-text query's hits come from the engine in growing batches as the caller reads on (search_indexes'
query_text): every batch boundary keeps the order, gives each hit once, and merges the transaction's own writes."""
from graphplex import DBMS


def test_every_hit_once_best_first_across_batches_with_own_writes_merged():
    with DBMS.in_memory() as dbms, dbms.session() as session:
        session.run("CREATE FULLTEXT INDEX ft FOR (n:Doc) ON EACH [n.text]").consume()
        session.run("UNWIND range(1, 300) AS i CREATE (:Doc {i: i, text: reduce(s = 'word', x IN range(1, i % 17) | "
                    "s + ' filler')})").consume()
        with session.begin_transaction() as tx:
            tx.run("CREATE (:Doc {i: 0, text: 'word'})").consume()
            tx.run("MATCH (d:Doc {i: 5}) DETACH DELETE d").consume()
            rows = tx.run("CALL db.index.fulltext.queryNodes('ft', 'word') YIELD node, score "
                          "RETURN node.i AS i, score").data()
            top = tx.run("CALL db.index.fulltext.queryNodes('ft', 'word') YIELD node, score "
                         "RETURN node.i AS i, score LIMIT 40").data()
            paged = tx.run("CALL db.index.fulltext.queryNodes('ft', 'word', {skip: 30, limit: 50}) "
                           "YIELD node, score RETURN node.i AS i, score").data()
    numbers = [row["i"] for row in rows]
    assert sorted(numbers) == [i for i in range(301) if i != 5]
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert numbers[0] in (0, 17, 34)  # a text of one word scores best
    assert [row["score"] for row in top] == scores[:40]
    assert [row["score"] for row in paged] == scores[30:80]
