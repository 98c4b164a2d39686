"""apoc.when / apoc.case (read-only) and apoc.do.when / apoc.do.case (may write): run the statement a condition
picks inside the caller's transaction, each row as a map (`value`); no statement to run yields one empty map.
The statements run as `apoc.cypher.run` runs them (`cypher_runner`): admitted as top-level statements, with the
parameters bound as variables too."""
from __future__ import annotations

from typing import Iterator

from graphplex.databases.cypher.apoc.cypher_runner import VALUE, run_mapped
from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.procedure_failures import procedure_failed

_NULL_CONDITION = "java.lang.NullPointerException"


def _when(ctx: ExecutionContext, name: str, condition, if_query: str, else_query: str, params: dict | None,
          read_only: bool) -> Iterator[dict]:
    if condition is None:
        raise procedure_failed(name, "the condition is null", _NULL_CONDITION)
    yield from _run(ctx, name, if_query if condition else else_query, params, read_only)


def _case(ctx: ExecutionContext, name: str, conditionals: list, else_query: str, params: dict | None,
          read_only: bool) -> Iterator[dict]:
    if conditionals is None or len(conditionals) % 2 != 0:
        raise procedure_failed(name, "Conditionals must be an even-sized collection of boolean, query entries")
    for index in range(0, len(conditionals), 2):
        condition, query = conditionals[index], conditionals[index + 1]
        if not isinstance(condition, bool):
            raise procedure_failed(name, f"{condition!r} cannot be cast to class java.lang.Boolean",
                                   "java.lang.ClassCastException")
        if not isinstance(query, str):
            raise procedure_failed(name, f"{query!r} cannot be cast to class java.lang.String",
                                   "java.lang.ClassCastException")
        if condition:
            yield from _run(ctx, name, query, params, read_only)
            return
    yield from _run(ctx, name, else_query, params, read_only)


def _run(ctx: ExecutionContext, name: str, query: str | None, params: dict | None,
         read_only: bool) -> Iterator[dict]:
    if not query:
        yield {"value": {}}
        return
    for row in run_mapped(ctx, name, query, params, read_only=read_only)[1]:
        yield {"value": row}


WHEN_INPUTS = (("condition", "BOOLEAN", ...), ("ifQuery", "STRING", ...), ("elseQuery", "STRING", ""),
               ("params", "MAP", {}))
CASE_INPUTS = (("conditionals", "LIST<ANY>", ...), ("elseQuery", "STRING", ""), ("params", "MAP", {}))


@procedure("apoc.when", inputs=WHEN_INPUTS, outputs=VALUE, mode="READ",
           description="This procedure will run the read-only `ifQuery` if the conditional has evaluated to true, "
                       "otherwise the `elseQuery` will run.")
def when(ctx: ExecutionContext, condition, if_query: str, else_query: str, params: dict | None) -> Iterator[dict]:
    """This procedure will run the read-only `ifQuery` if the conditional has evaluated to true, otherwise the
    `elseQuery` will run."""
    return _when(ctx, "apoc.when", condition, if_query, else_query, params, read_only=True)


@procedure("apoc.do.when", inputs=WHEN_INPUTS, outputs=VALUE, mode="WRITE",
           description="Runs the given read/write `ifQuery` if the conditional has evaluated to true, otherwise the "
                       "`elseQuery` will run.")
def do_when(ctx: ExecutionContext, condition, if_query: str, else_query: str, params: dict | None
            ) -> Iterator[dict]:
    """Runs the given read/write `ifQuery` if the conditional has evaluated to true, otherwise the `elseQuery` will
    run."""
    return _when(ctx, "apoc.do.when", condition, if_query, else_query, params, read_only=False)


@procedure("apoc.case", inputs=CASE_INPUTS, outputs=VALUE, mode="READ",
           description="For each pair of conditional and read-only queries in the given `LIST<ANY>`, this procedure "
                       "will run the first query for which the conditional is evaluated to true. If none of the "
                       "conditionals are true, the `ELSE` query will run instead.")
def case(ctx: ExecutionContext, conditionals: list, else_query: str, params: dict | None) -> Iterator[dict]:
    """For each pair of conditional and read-only queries in the given `LIST<ANY>`, this procedure will run the
    first query for which the conditional is evaluated to true. If none of the conditionals are true, the `ELSE`
    query will run instead."""
    return _case(ctx, "apoc.case", conditionals, else_query, params, read_only=True)


@procedure("apoc.do.case", inputs=CASE_INPUTS, outputs=VALUE, mode="WRITE",
           description="For each pair of conditional queries in the given `LIST<ANY>`, this procedure will run the "
                       "first query for which the conditional is evaluated to true.\nIf none of the conditionals "
                       "are true, the `ELSE` query will run instead.")
def do_case(ctx: ExecutionContext, conditionals: list, else_query: str, params: dict | None) -> Iterator[dict]:
    """For each pair of conditional queries in the given `LIST<ANY>`, this procedure will run the first query for
    which the conditional is evaluated to true. If none of the conditionals are true, the `ELSE` query will run
    instead."""
    return _case(ctx, "apoc.do.case", conditionals, else_query, params, read_only=False)
