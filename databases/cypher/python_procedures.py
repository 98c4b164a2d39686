"""Procedures and functions written in Python: a DBMS's own registry (`UserRegistry`), their signatures read from
type annotations, and the `ProcedureContext` they receive, bound to the calling transaction.

Signatures: the first parameter is the context; the others are the Cypher arguments, typed by their annotations
(int INTEGER, float FLOAT, str STRING, bool BOOLEAN, dict MAP, list[X] LIST<X>, Node NODE, Relationship
RELATIONSHIP, Path PATH, Any or none ANY; Optional[X] is Neo4j's nullable `X?`) with their Python defaults. The
built-in algorithms are declared the same way, with the engine's context and values (`ExecutionContext`, `Vertex`
NODE, `Edge` RELATIONSHIP, `PathValue` PATH) that they use without conversion.
A procedure's outputs are `outputs=` when given, else the fields of the TypedDict or dataclass its generator's
return annotation yields (`Iterator[Row]`); one annotated `-> None` has none, one with neither is refused. A
function's return type is its return annotation.

Values cross as users see them: arguments arrive as `Node`, `Relationship`, `Path` (graphplex's public values),
and such values yielded or returned go back into the statement as the entities of the calling transaction."""
from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Generator, Iterable as AbcIterable, Iterator as AbcIterator, Mapping, Sequence
from typing import Any, Callable, Iterator

from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.functions import FunctionSpec
from graphplex.databases.cypher.function_catalog import FUNCTION_CATALOG
from graphplex.databases.cypher.errors import type_error
from graphplex.databases.cypher.lookup import APOC, BUILT_INS, Registry
from graphplex.databases.cypher.procedures import TYPE_CHECKS, ProcedureSpec, _literal
from graphplex.databases.cypher.results import to_public
from graphplex.databases.cypher.values import PathValue, type_name
from graphplex.databases.errors import ClientError, Neo4jError
from graphplex.databases.graph_types import Node, Path, Relationship
from graphplex.databases.procedure_failures import call_failed
from graphplex.databases.storage import Edge, Vertex

MODES = ("READ", "WRITE", "SCHEMA", "DBMS")
_SCALAR_TYPES = {int: "INTEGER", float: "FLOAT", str: "STRING", bool: "BOOLEAN", dict: "MAP", Node: "NODE",
                 Relationship: "RELATIONSHIP", Path: "PATH", list: "LIST<ANY>", Any: "ANY",
                 Vertex: "NODE", Edge: "RELATIONSHIP", PathValue: "PATH"}
_GENERATORS = (AbcIterator, AbcIterable, Generator)
_SCALARS = (str, int, float, bool, type(None))


class ProcedureContext:
    """What a procedure or function written in Python receives first: the calling transaction, seen through its
    snapshot and the caller's privileges, as the statement calling it sees the graph."""

    def __init__(self, ctx: ExecutionContext, name: str, mode: str, kind: str) -> None:
        self._ctx = ctx
        self.name = name
        self.mode = mode
        self._kind = kind

    def check_abort(self) -> None:
        """Raises the transaction's termination (or timeout) error once it was terminated; call it in long loops."""
        self._ctx.check()

    def nodes(self, label: str | None = None) -> Iterator[Node]:
        """Every node (with `label`) the calling transaction sees."""
        txn = self._ctx.txn
        for vertex in txn.vertices() if label is None else txn.vertices_with_label(label):
            self._ctx.check()
            yield to_public(vertex, self._ctx)

    def relationships(self, type: str | None = None) -> Iterator[Relationship]:
        """Every relationship (of `type`) the calling transaction sees."""
        txn = self._ctx.txn
        for edge in txn.edges() if type is None else txn.edges_with_type(type):
            self._ctx.check()
            yield to_public(edge, self._ctx)

    def neighbours(self, node: Node, direction: str = "both",
                   types: AbcIterable[str] | None = None) -> Iterator[tuple[Relationship, Node]]:
        """The (relationship, other node) pairs of `node`; direction "out", "in" or "both"."""
        for edge, other in self._ctx.txn.expand(_entity(self._ctx, node), direction, types):
            self._ctx.check()
            yield to_public(edge, self._ctx), to_public(other, self._ctx)

    def properties(self, entity: Node | Relationship) -> dict:
        """The properties of a node or relationship as the calling transaction sees them now."""
        return dict(self._ctx.view(_entity(self._ctx, entity)).props)

    def run(self, cypher: str, **parameters: object) -> list[dict]:
        """The rows of `cypher`, run inside the calling transaction with the caller's privileges, as a nested
        statement (`apoc.cypher.run`'s door); a procedure not of mode WRITE may not write."""
        from graphplex.databases.cypher.apoc.cypher_runner import prepare, run_plan  # APOC loads when first used
        parameters = {key: to_engine(value, self._ctx) for key, value in parameters.items()}
        plan = prepare(self._ctx, self.name, cypher, parameters, read_only=self.mode != "WRITE",
                       kind=self._kind, schema=self.mode == "SCHEMA")
        return [{key: to_public(value, self._ctx) for key, value in row.items()}
                for row in run_plan(self._ctx, self.name, plan, parameters, self._kind)]

    def to_networkx(self, label: str | None = None, type: str | None = None):
        """A networkx MultiDiGraph of the nodes (with `label`) and the relationships (of `type`) between them, keyed
        by element id, with each entity's properties (and "labels" / "type") as attributes."""
        import networkx as nx
        graph = nx.MultiDiGraph()
        for node in self.nodes(label):
            graph.add_node(node.element_id, labels=sorted(node.labels), **dict(node))
        for relationship in self.relationships(type):
            start, end = relationship.start_node.element_id, relationship.end_node.element_id
            if start in graph and end in graph:
                graph.add_edge(start, end, key=relationship.element_id, type=relationship.type, **dict(relationship))
        return graph


def _entity(ctx: ExecutionContext, value: Node | Relationship) -> Vertex | Edge:
    """The calling transaction's node or relationship that a public `Node` or `Relationship` stands for."""
    if not isinstance(value, (Node, Relationship)):
        raise TypeError(f"expected a Node or Relationship, not {type(value).__name__}")
    entity = ctx.txn.vertex(value.id) if isinstance(value, Node) else ctx.txn.edge(value.id)
    if entity is None or ctx.element_id(entity) != value.element_id:
        raise ClientError(f"{type(value).__name__} {value.element_id} is not in this database",
                          "Neo.ClientError.Statement.EntityNotFound")
    return entity


def to_engine(value: object, ctx: ExecutionContext) -> object:
    """A value a procedure yields or returns, as the statement uses it: public entities become the calling
    transaction's own."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, (Node, Relationship)):
        return _entity(ctx, value)
    if isinstance(value, Path):
        return PathValue(tuple(to_engine(n, ctx) for n in value.nodes),
                         tuple(to_engine(r, ctx) for r in value.relationships))
    if isinstance(value, (list, tuple)):
        return [to_engine(item, ctx) for item in value]
    if isinstance(value, dict):
        return {key: to_engine(item, ctx) for key, item in value.items()}
    return value


def cypher_type(annotation: object) -> str:
    """The Cypher type of a Python annotation (see the module docstring)."""
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        present = [argument for argument in arguments if argument is not type(None)]
        inner = cypher_type(present[0]).rstrip("?") if len(present) == 1 else "ANY"
        return inner + "?" if len(present) < len(arguments) else inner
    if origin in (list, tuple, Sequence, AbcIterable):
        return f"LIST<{cypher_type(arguments[0]).rstrip('?') if arguments else 'ANY'}>"
    if origin in (dict, Mapping):
        return "MAP"
    if annotation is inspect.Parameter.empty:
        return "ANY"
    return _SCALAR_TYPES.get(annotation, "MAP" if _row_fields(annotation) is not None else "ANY")


def _row_fields(row_type: object) -> dict[str, object] | None:
    """The fields of a TypedDict or dataclass (None for anything else)."""
    if isinstance(row_type, type) and dataclasses.is_dataclass(row_type):
        hints = typing.get_type_hints(row_type)
        return {field.name: hints.get(field.name, Any) for field in dataclasses.fields(row_type)}
    if isinstance(row_type, type) and issubclass(row_type, dict) and hasattr(row_type, "__annotations__"):
        return typing.get_type_hints(row_type)
    return None


def _inputs(impl: Callable, hints: dict) -> tuple[tuple[str, str, object], ...]:
    parameters = list(inspect.signature(impl).parameters.values())[1:]
    return tuple((p.name, cypher_type(hints.get(p.name, inspect.Parameter.empty)),
                  ... if p.default is inspect.Parameter.empty else p.default) for p in parameters)


def _outputs(name: str, hints: dict, outputs: dict[str, object] | None) -> tuple[tuple[str, str], ...]:
    if outputs is not None:
        return tuple((key, value if isinstance(value, str) else cypher_type(value)) for key, value in outputs.items())
    returned = hints.get("return")
    if returned is type(None):  # `-> None`: a procedure that yields nothing (its rows are ignored)
        return ()
    arguments = typing.get_args(returned)
    fields = _row_fields(arguments[0]) if typing.get_origin(returned) in _GENERATORS and arguments else None
    if fields is None:
        raise _registration_failed(f"procedure `{name}`: annotate what it yields (Iterator[<TypedDict or "
                                   "dataclass>]) or give outputs=")
    return tuple((key, cypher_type(value)) for key, value in fields.items())


def _row(result: object) -> dict:
    if type(result) is dict:
        return result
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return {field.name: getattr(result, field.name) for field in dataclasses.fields(result)}
    if isinstance(result, Mapping):
        return dict(result)
    raise TypeError(f"a procedure yields a dict or a dataclass, not {type(result).__name__}")


def _failed(kind: str, name: str, error: Exception) -> Neo4jError:
    """Neo4j's report of a procedure's failure: the cause named by its class."""
    if isinstance(error, Neo4jError):
        return error
    return call_failed(kind, name, f"{type(error).__name__}: {error}")


def procedure_spec(name: str, impl: Callable, mode: str = "READ", description: str | None = None,
                   outputs: dict[str, object] | None = None) -> ProcedureSpec:
    """The spec of a Python procedure: its signature from annotations, its rows converted and its failures
    reported as Neo4j reports them."""
    mode = mode.upper()
    if mode not in MODES:
        raise _registration_failed(f"procedure `{name}`: unknown mode `{mode}` (one of {', '.join(MODES)})")
    hints = typing.get_type_hints(impl)
    inputs, produced = _inputs(impl, hints), _outputs(name, hints, outputs)
    text = description if description is not None else (impl.__doc__ or "").strip().split("\n")[0]
    if _engine_level(impl, hints):
        return ProcedureSpec(name, impl, inputs, produced, mode, text)

    def run(ctx: ExecutionContext, *arguments: object) -> Iterator[dict]:
        context = ProcedureContext(ctx, name, mode, "procedure")
        try:
            results = impl(context, *(to_public(argument, ctx) for argument in arguments))
            for result in results if results is not None else ():
                yield {key: to_engine(value, ctx) for key, value in _row(result).items()}
        except Exception as error:
            raise _failed("procedure", name, error) from error

    return ProcedureSpec(name, run, inputs, produced, mode, text)


def _engine_level(impl: Callable, hints: dict) -> bool:
    """Whether `impl` takes the engine's `ExecutionContext` first: then it receives and yields the engine's values
    (`Vertex`, `Edge`, `PathValue`) unconverted and its errors as raised, as the built-in algorithms do; users'
    procedures take a `ProcedureContext`."""
    first = next(iter(inspect.signature(impl).parameters), None)
    return first is not None and hints.get(first) is ExecutionContext


def function_spec(name: str, impl: Callable, description: str | None = None) -> FunctionSpec:
    """The spec of a Python function: arity from its parameters, its argument types checked, its failure reported
    as Neo4j reports a function's."""
    hints = typing.get_type_hints(impl)
    inputs = _inputs(impl, hints)
    required = sum(1 for _, _, default in inputs if default is ...)
    checks = [(TYPE_CHECKS.get(type_.rstrip("?").split("<")[0]), type_.rstrip("?")) for _, type_, _ in inputs]

    def call(ctx: ExecutionContext, *arguments: object) -> object:
        for value, (check, type_) in zip(arguments, checks):
            if value is not None and check is not None and not check(value):
                raise type_error(f"Type mismatch for function {name}: expected {type_} but was {type_name(value)}")
        try:
            return to_engine(impl(ProcedureContext(ctx, name, "READ", "function"),
                                  *(to_public(argument, ctx) for argument in arguments)), ctx)
        except Exception as error:
            raise _failed("function", name, error) from error

    ins = ", ".join(f"{n}" + (f" = {_literal(d)}" if d is not ... else "") + f" :: {t}" for n, t, d in inputs)
    signature = f"{name}({ins}) :: {cypher_type(hints.get('return', Any))}"
    text = description if description is not None else (impl.__doc__ or "").strip().split("\n")[0]
    return FunctionSpec(name, call, required, len(inputs), text, signature, "", False)


class UserRegistry(Registry):
    """One DBMS's procedures and functions (`extensions.Extensions`), first in `lookup`'s chain. A name a built-in
    or APOC procedure or function has is refused, as Neo4j refuses a procedure whose name is in use and Memgraph
    a module that would overwrite a loaded one: a `CALL` means the same in every DBMS of the process."""

    def add_procedure(self, spec: ProcedureSpec) -> None:
        """Adds `spec`, refused when a built-in or APOC procedure has its name."""
        if any(registry.procedure(spec.name) is not None for registry in (BUILT_INS, APOC)):
            raise _registration_failed(f"procedure `{spec.name}`: a built-in procedure has that name")
        super().add_procedure(spec)

    def add_function(self, spec: FunctionSpec) -> None:
        """Adds `spec`, refused when a function of the language or APOC has its name."""
        if spec.name.lower() in FUNCTION_CATALOG or any(registry.function(spec.name) is not None
                                                        for registry in (BUILT_INS, APOC)):
            raise _registration_failed(f"function `{spec.name}`: a built-in function has that name")
        super().add_function(spec)


class Module:
    """What a module's `register(module)` receives: `procedure` and `function` decorators that derive each spec
    from the Python function's annotations (`procedure_spec`, `function_spec`) and add it to `registry`,
    remembering the names so that `unregister` removes them. The built-in ones (`dbms.components`, the
    algorithms) register through one; users' query modules through the DBMS's kind (`dbms.query_modules`), which
    adds and removes through the DBMS so that it forgets its cached plans."""

    def __init__(self, name: str, registry: Registry) -> None:
        self.name = name
        self.registry = registry
        self.procedures: list[str] = []
        self.functions: list[str] = []

    def procedure(self, name: str, mode: str = "READ", *, description: str | None = None,
                  outputs: dict[str, object] | None = None) -> Callable[[Callable], Callable]:
        """Declares `impl` as the procedure `name` (see `procedure_spec`)."""
        def add(impl: Callable) -> Callable:
            self.procedures.append(name)
            self._add_procedure(name, impl, mode, description, outputs)
            return impl
        return add

    def function(self, name: str, *, description: str | None = None) -> Callable[[Callable], Callable]:
        """Declares `impl` as the function `name` (see `function_spec`)."""
        def add(impl: Callable) -> Callable:
            self.functions.append(name)
            self._add_function(name, impl, description)
            return impl
        return add

    def unregister(self) -> None:
        """Removes every name this module declared."""
        for name in self.procedures:
            self._remove_procedure(name)
        for name in self.functions:
            self._remove_function(name)

    def _add_procedure(self, name: str, impl: Callable, mode: str, description: str | None,
                       outputs: dict[str, object] | None) -> None:
        self.registry.add_procedure(procedure_spec(name, impl, mode, description, outputs))

    def _add_function(self, name: str, impl: Callable, description: str | None) -> None:
        self.registry.add_function(function_spec(name, impl, description))

    def _remove_procedure(self, name: str) -> None:
        self.registry.remove_procedure(name)

    def _remove_function(self, name: str) -> None:
        self.registry.remove_function(name)


def _registration_failed(what: str) -> ClientError:
    return ClientError(f"Unable to register {what}", "Neo.ClientError.Procedure.ProcedureRegistrationFailed")
