"""Both storage engines fulfil the written contracts (`databases/storage/contracts.py`): every member of each
Protocol exists on the engine's classes and instances, and every method accepts what the Protocol says it does
(`runtime_checkable` alone only compares names)."""
import inspect
from typing import Protocol

import pytest

from graphplex.databases.storage import Storage, StorageEngine, StorageTransaction, Transaction, TransactionHooks
from graphplex.databases.storage.disk.storage import DiskStorage
from graphplex.databases.storage.disk.transaction import DiskTransaction


def protocol_members(protocol) -> dict[str, object]:
    """The members a Protocol declares (its own and its Protocol bases'): name -> function, property or None for
    a bare annotation."""
    members: dict[str, object] = {}
    for cls in reversed(protocol.__mro__):
        if cls is object or cls is Protocol or not getattr(cls, "_is_protocol", False):
            continue
        for name in cls.__dict__.get("__annotations__", {}):
            members.setdefault(name, None)
        for name, value in cls.__dict__.items():
            if isinstance(value, property) or (inspect.isfunction(value) and not name.startswith("__")):
                members[name] = value
    return members


def signature_problems(declared, implemented) -> list[str]:
    """Why `implemented` cannot be called every way `declared` can (empty when it can)."""
    want = list(inspect.signature(declared).parameters.values())
    have = list(inspect.signature(implemented).parameters.values())
    problems = []
    for position, parameter in enumerate(want):
        if position >= len(have):
            problems.append(f"no parameter {parameter.name!r}")
            continue
        got = have[position]
        if got.name != parameter.name:
            problems.append(f"parameter {position} is {got.name!r}, not {parameter.name!r}")
        if got.kind != parameter.kind and got.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD:
            problems.append(f"{got.name!r} is {got.kind.description}, not {parameter.kind.description}")
        if parameter.default is not inspect.Parameter.empty and got.default != parameter.default:
            problems.append(f"{got.name!r} defaults to {got.default!r}, not {parameter.default!r}")
    for extra in have[len(want):]:
        if extra.default is inspect.Parameter.empty and extra.kind not in (
                inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            problems.append(f"extra parameter {extra.name!r} has no default")
    return problems


def conformance_problems(protocol, cls, instance) -> list[str]:
    problems = []
    for name, declared in protocol_members(protocol).items():
        if not hasattr(instance, name):
            problems.append(f"{cls.__name__}.{name} is missing")
            continue
        implemented = inspect.getattr_static(cls, name, None)
        if isinstance(declared, property):
            if implemented is None:
                problems.append(f"{cls.__name__}.{name} is not a property")
            elif name == "read_ts" and isinstance(implemented, property) and implemented.fset is None:
                problems.append(f"{cls.__name__}.{name} cannot be set")
        elif inspect.isfunction(declared):
            if not inspect.isfunction(implemented):
                problems.append(f"{cls.__name__}.{name} is not a method")
                continue
            problems += [f"{cls.__name__}.{name}: {problem}" for problem in signature_problems(declared, implemented)]
    return problems


@pytest.fixture(params=["memory", "disk"])
def engine(request, tmp_path):
    """(storage class, transaction class, a storage, one of its open transactions)."""
    if request.param == "memory":
        storage, classes = Storage(), (Storage, Transaction)
    else:
        storage, classes = DiskStorage(tmp_path, "contracts"), (DiskStorage, DiskTransaction)
    txn = storage.begin()
    yield (*classes, storage, txn)
    txn.rollback()
    storage.close()


def test_the_storage_engines_fulfil_the_storage_contract(engine):
    storage_class, _, storage, _ = engine
    assert isinstance(storage, StorageEngine)
    assert conformance_problems(StorageEngine, storage_class, storage) == []


def test_the_storage_transactions_fulfil_the_transaction_contract(engine):
    _, transaction_class, storage, txn = engine
    assert isinstance(txn, StorageTransaction)
    assert conformance_problems(StorageTransaction, transaction_class, txn) == []
    assert isinstance(txn.storage, StorageEngine) and txn.storage is storage


def test_the_storage_transactions_provide_what_transaction_state_calls(engine):
    _, transaction_class, _, txn = engine
    assert conformance_problems(TransactionHooks, transaction_class, txn) == []
    # Every hook is the engine's own: the declarations on TransactionState only raise.
    for name, declared in protocol_members(TransactionHooks).items():
        if inspect.isfunction(declared):
            assert name in transaction_class.__dict__, name


def test_the_conformance_check_finds_a_missing_member_and_an_incompatible_signature():
    class Broken:
        def vertex(self, id_):
            return None

        def create_vertex(self, labels, props):
            return None

    problems = conformance_problems(StorageTransaction, Broken, Broken())
    assert "Broken.commit is missing" in problems
    assert "Broken.vertex: parameter 1 is 'id_', not 'gid'" in problems
    assert "Broken.create_vertex: 'labels' defaults to <class 'inspect._empty'>, not ()" in problems
