"""apoc.util.*: sleeping (stopped by termination and timeouts), validation that fails a statement with a
formatted message, and the hash functions of APOC core."""
from __future__ import annotations

import hashlib
import time
from typing import Iterator

from graphplex.databases.cypher.apoc.arguments import apoc_function
from graphplex.databases.cypher.apoc.java_text import JavaFormatError, java_format, java_string
from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.procedure_failures import function_failed, procedure_failed

# How often a sleeping statement looks at its transaction's termination mark (seconds): APOC polls every 5 ms.
SLEEP_POLL = 0.005


@procedure("apoc.util.sleep", inputs=[("duration", "INTEGER", ...)])
def sleep(ctx, duration) -> Iterator[dict]:
    """Causes the currently running Cypher to sleep for the given duration of milliseconds (the transaction
    termination is honored)."""
    deadline = time.monotonic() + (duration or 0) / 1000
    txn = ctx.txn
    while (left := deadline - time.monotonic()) > 0:
        if txn.termination is not None:
            break
        time.sleep(min(SLEEP_POLL, left))
    # APOC returns on termination; the statement then stops at its next termination point, which is here.
    ctx.check()
    return iter(())


def _message(name: str, message, params, failed) -> str:
    if not params:
        return java_string(message)
    try:
        return java_format(java_string(message), list(params))
    except JavaFormatError as error:
        raise failed(name, error.message, error.exception) from None


@procedure("apoc.util.validate", inputs=[("predicate", "BOOLEAN", ...), ("message", "STRING", ...),
                                         ("params", "LIST<ANY>", ...)])
def validate(ctx, predicate, message, params) -> Iterator[dict]:
    """If the given predicate is true an exception is thrown."""
    if predicate is None:
        raise procedure_failed("apoc.util.validate", "", "java.lang.NullPointerException")
    if predicate:
        text = _message("apoc.util.validate", message, params, procedure_failed)
        raise procedure_failed("apoc.util.validate", text, "java.lang.RuntimeException")
    return iter(())


@apoc_function("apoc.util.validatePredicate(predicate :: BOOLEAN, message :: STRING, params :: LIST<ANY>) :: BOOLEAN")
def validate_predicate(ctx, predicate, message, params):
    """If the given predicate is true an exception is thrown, otherwise it returns true (for use inside `WHERE`
    subclauses)."""
    if predicate:
        text = _message("apoc.util.validatePredicate", message, params, function_failed)
        raise function_failed("apoc.util.validatePredicate", text, "java.lang.RuntimeException")
    return True


def hash_text(value: object) -> str:
    """APOC's `toHashString`: strings as they are, null as nothing, lists and maps (keys sorted) spelled out."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(hash_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={hash_text(value[key])}" for key in sorted(value)) + "}"
    return java_string(value)


def _hash(algorithm: str):
    def digest(ctx, values):
        if values is None:
            raise function_failed(f"apoc.util.{algorithm}", "", "java.lang.NullPointerException")
        hasher = hashlib.new(algorithm)
        for value in values:
            hasher.update(hash_text(value).encode("utf-8"))
        return hasher.hexdigest()
    digest.__doc__ = f"Returns the {algorithm.upper()} of the concatenation of all `STRING` values in the given " \
                     "`LIST<ANY>`."
    return digest


for _algorithm in ("md5", "sha1", "sha256", "sha384", "sha512"):
    apoc_function(f"apoc.util.{_algorithm}(values :: LIST<ANY>) :: STRING")(_hash(_algorithm))
