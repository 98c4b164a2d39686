"""Procedures: the `ProcedureSpec`, the built-in ones' registration, and the CALL clause that runs them (names are
found through `lookup`'s chain)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.errors import syntax_error, type_error
from graphplex.databases.cypher.expressions import Scope, compile_expression
from graphplex.databases.cypher.lookup import find_procedure, home
from graphplex.databases.cypher.notifications import deprecated_procedure
from graphplex.databases.cypher.plan import Operator
from graphplex.databases.cypher.values import PathValue, type_name
from graphplex.databases.cypher.working_memory import held_until_done, within
from graphplex.databases.storage import Edge, Vertex


@dataclass(frozen=True)
class ProcedureSpec:
    """A procedure: `impl(ctx, *args)` yields dicts keyed by the output names.

    `inputs` are (name, type, default) with default `...` for a required argument; `outputs` (name, type).
    `mode` is READ, WRITE, SCHEMA or DBMS. `descriptions` describe inputs and outputs by name (SHOW PROCEDURES'
    argumentDescription and returnDescription); an `admin` procedure needs EXECUTE ADMIN PROCEDURES;
    `works_on_system` is SHOW PROCEDURES' worksOnSystem (None: a DBMS procedure does). `deprecated_by` is what
    Neo4j's procedure signature says of a deprecated one: None while it is not deprecated, else what replaces it (a
    procedure's name, or words such as "CREATE VECTOR INDEX"), "" when nothing does; SHOW PROCEDURES lists it and a
    CALL of it is reported (`notifications.deprecated_procedure`)."""

    name: str
    impl: Callable[..., Iterable[dict]]
    inputs: tuple[tuple[str, str, object], ...] = ()
    outputs: tuple[tuple[str, str], ...] = ()
    mode: str = "READ"
    description: str = ""
    descriptions: tuple[tuple[str, str], ...] = ()
    admin: bool = False
    works_on_system: bool | None = None
    deprecated_by: str | None = None

    @property
    def deprecated(self) -> bool:
        """SHOW PROCEDURES' isDeprecated."""
        return self.deprecated_by is not None

    @property
    def runs_on_system(self) -> bool:
        """SHOW PROCEDURES' worksOnSystem: whether a CALL of it may run on the system database."""
        return self.works_on_system if self.works_on_system is not None else self.mode == "DBMS"

    @property
    def signature(self) -> str:
        """Neo4j 5's form: defaults as their plain values, and no `::` part for a procedure that yields nothing."""
        ins = ", ".join(f"{n}" + (f" = {_literal(d)}" if d is not ... else "") + f" :: {t}"
                        for n, t, d in self.inputs)
        if not self.outputs:
            return f"{self.name}({ins})"
        outs = ", ".join(f"{n} :: {t}" for n, t in self.outputs)
        return f"{self.name}({ins}) :: ({outs})"


def _literal(value: object) -> str:
    """A default value as Cypher writes it in a signature."""
    from graphplex.databases.cypher.functions.conversion import to_string
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_literal(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(item) for item in value) + "]"
    return to_string(value)


def procedure(name: str, inputs=(), outputs=(), mode: str = "READ", *, description: str | None = None,
              descriptions: dict[str, str] | None = None, admin: bool = False,
              works_on_system: bool | None = None, deprecated_by: str | None = None
              ) -> Callable[[Callable], Callable]:
    """Registers `impl(ctx, *args)` as the built-in procedure `name` with an explicit spec (for signatures and
    descriptions Neo4j gives exactly, which annotations cannot say); its description is `description`, else the
    first line of its docstring. `deprecated_by` marks it deprecated (`ProcedureSpec.deprecated_by`; "" for no
    replacement)."""

    def add(impl: Callable) -> Callable:
        text = description if description is not None else (impl.__doc__ or "").strip().split("\n")[0]
        register(ProcedureSpec(name, impl, tuple(inputs), tuple(outputs), mode, text,
                               tuple((descriptions or {}).items()), admin, works_on_system, deprecated_by))
        return impl
    return add


def register(spec: ProcedureSpec) -> None:
    """Adds a process-wide procedure to the registry its name belongs to (`lookup.home`)."""
    home(spec.name).add_procedure(spec)


def unregister(name: str) -> None:
    """Removes a process-wide procedure added by `register`."""
    home(name).remove_procedure(name)


def plan_procedure_call(clause: ast.CallProcedure, scope: Scope, visible: list[str], standalone: bool
                        ) -> tuple[Operator, list[str], list[str] | None]:
    """The operator of a CALL, the variables it binds, and (for a standalone CALL) the result columns."""
    spec = find_procedure(clause.name)
    required = sum(1 for _, _, default in spec.inputs if default is ...)
    if clause.arguments is None:
        if not standalone:
            raise syntax_error("Procedure call inside a query does not support passing arguments implicitly "
                               "(pass explicitly after procedure name instead)")
        arguments = [compile_expression(ast.Parameter(name), scope) if default is ... else
                     _parameter_or_default(name, default) for name, _, default in spec.inputs]
    else:
        if not required <= len(clause.arguments) <= len(spec.inputs):
            raise syntax_error(f"Procedure call does not provide the required number of arguments: got "
                               f"{len(clause.arguments)} expected at least {required} (total: {len(spec.inputs)}, "
                               f"{len(spec.inputs) - required} of which have default values).\n\n"
                               f"Procedure {spec.name} has signature: {spec.signature}")
        arguments = [compile_expression(arg, scope) for arg in clause.arguments]
    output_names = [name for name, _ in spec.outputs]
    if clause.yield_items is None:
        if not standalone and output_names:
            raise syntax_error("Procedure call inside a query does not support naming results implicitly (name "
                               "explicitly using `YIELD` instead)")
        yields = [(name, name) for name in output_names]
    elif clause.yield_items == "*":
        if not standalone:
            raise syntax_error("Procedure call inside a query does not support naming results implicitly (name "
                               "explicitly using `YIELD` instead)")
        yields = [(name, name) for name in output_names]
    else:
        yields = list(clause.yield_items)
        for name, alias in yields:
            if name not in output_names:
                raise syntax_error(f"Unknown procedure output: `{name}`")
            if alias in visible:
                raise syntax_error(f"Variable `{alias}` already declared")
    where = compile_expression(clause.where, scope.with_variables(*(a for _, a in yields))) \
        if clause.where is not None else None
    defaults = [default for _, _, default in spec.inputs]
    input_types = [t for _, t, _ in spec.inputs]

    def called(ctx, values: list):
        """The procedure's records, produced under its PROCEDURE MEMORY LIMIT when it has one; under a Memgraph
        memory limit (a scope the statement entered, or the call's own) they are held until the call is done."""
        records = spec.impl(ctx, *values)
        if clause.memory_limit is None:
            return held_until_done(records, ctx) if ctx.txn.memory.scopes else records
        return within(held_until_done(records, ctx), ctx, clause.memory_limit, "PROCEDURE MEMORY LIMIT")

    def run(rows, ctx):
        if spec.admin and ctx.host is not None:
            ctx.host.authorize_admin_procedure(spec.name)
        for row in rows:
            values = [argument(row, ctx) for argument in arguments]
            values += [d for d in defaults[len(values):]]
            for value, declared in zip(values, input_types):
                _check_argument(value, declared, spec)
            if not spec.outputs:
                for _ in called(ctx, values):
                    pass
                yield row
                continue
            produced = False
            for result in called(ctx, values):
                ctx.check()
                out = dict(row)
                for name, alias in yields:
                    out[alias] = result.get(name)
                if where is not None and where(out, ctx) is not True:
                    continue
                produced = True
                yield out
            if not produced and clause.optional:
                out = dict(row)
                for _, alias in yields:
                    out[alias] = None
                yield out
    names = [alias for _, alias in yields]
    columns = names if standalone else None
    operator = Operator("ProcedureCall", spec.name, run)
    if spec.deprecated:
        operator.notifications += (deprecated_procedure(spec.name, spec.deprecated_by),)
    return operator, names, columns


def _parameter_or_default(name: str, default: object):
    """An argument left implicit that has a default: the parameter of its name when there is one, else the
    default (Neo4j's implicit procedure argument; only arguments without a default must be given)."""
    return lambda row, ctx: ctx.parameters.get(name, default)


# Whether an argument's value has the declared type, by the type's name without its element type.
TYPE_CHECKS: dict[str, Callable[[object], bool]] = {
    "NODE": lambda v: isinstance(v, Vertex), "RELATIONSHIP": lambda v: isinstance(v, Edge),
    "PATH": lambda v: isinstance(v, PathValue),
    "INTEGER": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "FLOAT": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "NUMBER": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "STRING": lambda v: isinstance(v, str), "BOOLEAN": lambda v: isinstance(v, bool),
    "MAP": lambda v: isinstance(v, dict), "LIST": lambda v: isinstance(v, list)}


def _check_argument(value: object, declared: str, spec: ProcedureSpec) -> None:
    declared = declared.upper().rstrip("?")
    if value is None or declared in ("ANY", ""):
        return
    ok = TYPE_CHECKS.get(declared.split("<")[0])
    if ok is not None and not ok(value):
        raise type_error(f"Type mismatch for procedure {spec.name}: expected {declared} but was {type_name(value)}")

