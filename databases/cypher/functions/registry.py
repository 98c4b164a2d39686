"""The registry of Cypher functions: each is a Python callable `impl(ctx, *args)` with an arity.

Modules in this package (and APOC's) register their functions with `@function(...)` into the process-wide
registry their name belongs to (`lookup.home`); the expression compiler finds them through `lookup.find_function`.
Null handling is the function's own business (most return null for a null argument).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from graphplex.databases.cypher.lookup import BUILT_INS, home


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    impl: Callable
    min_args: int
    max_args: int | None
    description: str = ""
    signature: str = ""
    category: str = "scalar"
    deterministic: bool = True


# The language's built-in functions by lower-case name (APOC's are in `lookup.APOC`).
FUNCTIONS: dict[str, FunctionSpec] = BUILT_INS.functions_by_name


def function(name: str, min_args: int = 1, max_args: int | None = -1, *, category: str = "scalar",
             signature: str = "", deterministic: bool = True) -> Callable[[Callable], Callable]:
    """Registers `impl(ctx, *args)` as the Cypher function `name` (max_args -1: same as min_args; None: any)."""

    def register(impl: Callable) -> Callable:
        upper = min_args if max_args == -1 else max_args
        spec = FunctionSpec(name, impl, min_args, upper, (impl.__doc__ or "").strip().split("\n")[0],
                            signature or f"{name}()", category, deterministic)
        home(name).add_function(spec)
        return impl

    return register
