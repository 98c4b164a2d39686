"""The lookup chain (`lookup`): a DBMS's own registry, then the built-in one, then APOC's, loaded lazily."""
from __future__ import annotations

import subprocess
import sys
from typing import Iterator, TypedDict

import pytest

from graphplex.databases import UserRegistry, using_extensions
from graphplex.databases.cypher import lookup
from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.python_procedures import Module, function_spec, procedure_spec
from graphplex.databases.errors import ClientError
from graphplex.databases.storage import Vertex


class Label(TypedDict):
    label: str


def labels(ctx) -> Iterator[Label]:
    yield {"label": "own"}


def test_the_chain_is_the_dbmss_own_then_the_built_ins_then_apoc():
    own = UserRegistry()
    assert lookup.chain(own) == [own, lookup.BUILT_INS, lookup.APOC]
    assert lookup.chain(None) == [lookup.BUILT_INS, lookup.APOC]


def test_the_active_dbmss_procedure_is_found_only_while_active_and_until_removed():
    own = UserRegistry()
    own.add_procedure(procedure_spec("Own.Labels", labels))
    with using_extensions(own):
        assert lookup.find_procedure("own.labels").name == "Own.Labels"
    with pytest.raises(ClientError):
        lookup.find_procedure("own.labels")
    assert [spec.name for spec in lookup.procedures(own) if spec.name.lower() == "own.labels"] == ["Own.Labels"]
    assert own.remove_procedure("own.labels") is True
    with using_extensions(own), pytest.raises(ClientError):
        lookup.find_procedure("own.labels")


def test_a_name_a_built_in_or_apoc_has_is_refused():
    own = UserRegistry()
    for name in ("DB.Labels", "apoc.meta.data"):
        with pytest.raises(ClientError) as raised:
            own.add_procedure(procedure_spec(name, labels))
        assert raised.value.code == "Neo.ClientError.Procedure.ProcedureRegistrationFailed"
    assert own.procedures() == []


def test_an_unknown_procedure_is_procedure_not_found_and_an_unknown_function_none():
    with pytest.raises(ClientError) as raised:
        lookup.find_procedure("no.such")
    assert raised.value.code == "Neo.ClientError.Procedure.ProcedureNotFound"
    assert lookup.find_function("no.such") is None


def test_user_defined_functions_are_the_dbmss_own_and_apocs():
    own = UserRegistry()
    own.add_function(function_spec("my.one", lambda ctx: 1))
    with using_extensions(own):
        assert lookup.user_defined_function("my.one").name == "my.one"
        assert lookup.user_defined_function("apoc.text.join").name == "apoc.text.join"
        assert lookup.user_defined_function("toUpper") is None
        assert lookup.find_function("toUpper").name == "toUpper"
    flags = {spec.name: user_defined for spec, user_defined in lookup.functions(own)}
    assert flags["my.one"] is True and flags["apoc.text.join"] is True and flags["toUpper"] is False


def test_a_function_of_the_languages_name_is_refused():
    with pytest.raises(ClientError) as raised:
        UserRegistry().add_function(function_spec("toupper", lambda ctx, x: x))
    assert raised.value.code == "Neo.ClientError.Procedure.ProcedureRegistrationFailed"


def test_a_module_declares_engine_level_procedures_from_annotations_and_unregisters_them():
    def nearest(ctx: ExecutionContext, node: Vertex, hops: int = 2) -> Iterator[Label]:
        """Labels near a node."""
        yield {"label": str(hops)}
    registry = UserRegistry()
    module = Module("near", registry)
    module.procedure("near.labels")(nearest)
    spec = registry.procedure("near.labels")
    assert spec.signature == "near.labels(node :: NODE, hops = 2 :: INTEGER) :: (label :: STRING)"
    assert spec.impl is nearest and spec.description == "Labels near a node."
    module.unregister()
    assert registry.procedures() == []


def test_apoc_is_imported_only_when_an_apoc_name_is_looked_up():
    script = ("import sys\n"
              "from graphplex.databases.cypher import lookup\n"
              "loaded = lambda: 'graphplex.databases.cypher.apoc.text' in sys.modules\n"
              "lookup.find_procedure('db.labels'); lookup.find_function('toupper'); lookup.find_function('my.x')\n"
              "assert not loaded(), 'loaded by a built-in lookup'\n"
              "assert lookup.find_function('APOC.text.join') is not None and loaded()\n")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
