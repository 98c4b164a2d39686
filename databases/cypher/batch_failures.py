"""How a statement with `CALL { … } IN TRANSACTIONS` fails: its error names the batches committed before it.

Batches that committed stay committed whatever fails later, so Neo4j 5 tells the user how many did: the message of
a Cypher error raised while such a statement runs (in a batch under ON ERROR FAIL, in the batch size, or in the
outer query after the batches) ends with " (Transactions committed: N)", the Neo4j Cypher manual's
`/ by zero (Transactions committed: 1)`; the code stays the cause's. Neo4j adds it to its Cypher execution errors
only (`TransactionCommittedCounterIterator` wraps `org.neo4j.exceptions.Neo4jException`), which are the
`Neo.*.Statement.*` errors here: a termination, a timeout, the memory limit, a constraint or a refused explicit
transaction keep their message.
"""
from __future__ import annotations

from typing import Iterator

from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.errors import Neo4jError


def reporting_commits(rows: Iterator[dict], ctx: ExecutionContext) -> Iterator[dict]:
    """The statement's rows unchanged; a statement error raised while producing them comes out with the number of
    batches committed (`ctx.transactions_committed`), chained to the original."""
    try:
        yield from rows
    except Neo4jError as error:
        if error.category != "Statement":
            raise
        raise type(error)(f"{error.message} (Transactions committed: {ctx.transactions_committed})",
                          error.code) from error
