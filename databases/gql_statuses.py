"""The GQL status of each Neo4j error code graphplex raises, as Neo4j 5.26 reports it.

Neo4j 5.26 gives every error, beside its `Neo.*` code, a GQLSTATUS (5 characters: a class such as 42 "syntax error
or access rule violation" and a subclass), a status description beginning `error: <condition> - <subcondition>`
and a classification (CLIENT_ERROR, TRANSIENT_ERROR, DATABASE_ERROR). The driver shows them as `e.gql_status`,
`e.gql_status_description` and `e.gql_classification`; Bolt 5.7 carries them in FAILURE. Sources: Neo4j's "List of
GQLSTATUS error codes" for 5.26 (docs-status-codes, branch 5.x) and Neo4j's own FAILURE messages.

Choices, so that the table can be checked against them:
- One status per code. Neo4j attaches the status to the exception, not to the code, so a code it raises for
  several conditions has several statuses there; where graphplex raises a code for one condition the table gives
  that condition's status, and a raise site may give a more specific one (`Neo4jError(..., gql_status=...)`, e.g.
  22012 division by zero under ArithmeticError, whose other uses are out-of-range values: 22003).
- The top of Neo4j's cause chain. A query the front end refuses (syntax, semantic checks, an unknown procedure)
  is 42001 "invalid syntax" in Neo4j, with the specific reason (42I06, 42N08, ...) as its cause; graphplex sends
  the top-level status only (the cause is optional in Bolt 5.7).
- 50N42 ("general processing exception - unexpected error") for everything else, whatever the classification:
  it is what Neo4j 5.26 itself sends for an error not yet ported to GQL statuses (its `DEFAULT_STATUS_CODE`), and
  what the drivers assume for servers older than 5.26. The classification then still comes from the Neo4j code.
- Descriptions are the text Neo4j gives when there are no details to fill in: the whole description for a status
  without parameters, else the standard `error: <condition> - <subcondition>` prefix (the message carries the
  details, as in Neo4j, where `message` is the error's own message).
"""
from __future__ import annotations

__all__ = ["GQL_STATUS_BY_CODE", "UNKNOWN_GQL_STATUS", "gql_status_for", "gql_description", "gql_classification"]

UNKNOWN_GQL_STATUS = "50N42"

_SYNTAX = "42001"
GQL_STATUS_BY_CODE: dict[str, str] = {
    # Statements: refused by the front end, or failing on data.
    "Neo.ClientError.Statement.SyntaxError": _SYNTAX,
    "Neo.ClientError.Statement.SemanticError": _SYNTAX,
    "Neo.ClientError.Procedure.ProcedureNotFound": _SYNTAX,
    "Neo.ClientError.Statement.TypeError": "22N01",
    "Neo.ClientError.Statement.ArithmeticError": "22003",
    "Neo.ClientError.Statement.ArgumentError": "22N11",
    "Neo.ClientError.Statement.ParameterMissing": "42N51",
    "Neo.ClientError.Statement.EntityNotFound": "25N13",
    "Neo.ClientError.Statement.ExternalResourceFailed": "22N43",
    "Neo.ClientError.Statement.AccessMode": "42N02",
    "Neo.ClientError.Schema.TokenNameError": "22N82",
    # Schema.
    "Neo.ClientError.Schema.ConstraintAlreadyExists": "22N66",
    "Neo.ClientError.Schema.ConstraintWithNameAlreadyExists": "22N67",
    "Neo.ClientError.Schema.IndexWithNameAlreadyExists": "22N71",
    "Neo.DatabaseError.Schema.ConstraintCreationFailed": "50N11",
    "Neo.DatabaseError.Schema.ConstraintDropFailed": "50N12",
    # Databases and access.
    "Neo.ClientError.Database.DatabaseNotFound": "22N51",
    "Neo.ClientError.Database.ExistingDatabaseFound": "42N11",
    # DROP DATABASE of a database aliases name: Neo4j documents 42N82 for it only from 2025.03.
    "Neo.ClientError.Database.ExistingAliasFound": UNKNOWN_GQL_STATUS,
    "Neo.ClientError.General.WriteOnReadOnlyAccessDatabase": "08N08",
    "Neo.TransientError.General.DatabaseUnavailable": "08N09",
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError": "51N36",
    "Neo.ClientError.Security.Unauthorized": "42NFF",
    "Neo.ClientError.Security.Forbidden": "42NFF",
    "Neo.ClientError.Security.AuthenticationRateLimit": "42NFF",
    "Neo.ClientError.Security.CredentialsExpired": "42NFF",  # with 42NFD "credentials expired" as its cause
    # Transactions.
    "Neo.ClientError.Transaction.TransactionNotFound": "25N04",
    "Neo.ClientError.Transaction.TransactionAccessedConcurrently": "25N03",
    "Neo.ClientError.Transaction.ForbiddenDueToTransactionType": "25N01",
    "Neo.ClientError.Transaction.Terminated": "25N05",
    "Neo.TransientError.Transaction.Terminated": "25N05",
    "Neo.ClientError.Transaction.TransactionTimedOut": "25N05",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration": "25N05",
    "Neo.ClientError.Transaction.TransactionStartFailed": "25N06",
    "Neo.DatabaseError.Transaction.TransactionStartFailed": "25N06",
    "Neo.DatabaseError.Transaction.TransactionCommitFailed": "2DN01",
    "Neo.ClientError.Transaction.InvalidBookmark": "08N12",
    "Neo.TransientError.Transaction.BookmarkTimeout": "08N13",
    "Neo.TransientError.Transaction.DeadlockDetected": "50N05",
    # Codes Neo4j 5.26 raises for several conditions, none of them with a status of its own there.
    "Neo.ClientError.General.InvalidArguments": UNKNOWN_GQL_STATUS,
    "Neo.ClientError.Request.Invalid": UNKNOWN_GQL_STATUS,
    "Neo.ClientError.Request.InvalidFormat": UNKNOWN_GQL_STATUS,
    "Neo.ClientError.Request.ResourceExhaustion": UNKNOWN_GQL_STATUS,
    "Neo.ClientError.Statement.ExecutionFailed": UNKNOWN_GQL_STATUS,
    "Neo.ClientError.Statement.NotSystemDatabaseError": UNKNOWN_GQL_STATUS,
    "Neo.ClientError.Statement.UnsupportedAdministrationCommand": UNKNOWN_GQL_STATUS,
    "Neo.ClientError.Statement.UnsupportedOperationError": UNKNOWN_GQL_STATUS,
    "Neo.ClientError.Schema.ConstraintValidationFailed": UNKNOWN_GQL_STATUS,
    "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists": UNKNOWN_GQL_STATUS,
    "Neo.ClientError.Schema.IndexAlreadyExists": UNKNOWN_GQL_STATUS,
    "Neo.ClientError.Procedure.ProcedureCallFailed": UNKNOWN_GQL_STATUS,
    "Neo.ClientError.Procedure.ProcedureRegistrationFailed": UNKNOWN_GQL_STATUS,
    "Neo.ClientError.Transaction.TransactionMarkedAsFailed": UNKNOWN_GQL_STATUS,
    "Neo.TransientError.General.TransientError": UNKNOWN_GQL_STATUS,
    "Neo.TransientError.Transaction.Outdated": UNKNOWN_GQL_STATUS,
    "Neo.TransientError.Transaction.LockAcquisitionTimeout": UNKNOWN_GQL_STATUS,
    "Neo.TransientError.Transaction.LockClientStopped": UNKNOWN_GQL_STATUS,
    "Neo.DatabaseError.General.UnknownError": UNKNOWN_GQL_STATUS,
    "Neo.DatabaseError.Schema.IndexDropFailed": UNKNOWN_GQL_STATUS,
}

_DATA = "error: data exception - "
_STATE = "error: invalid transaction state - "
_ACCESS = "error: syntax error or access rule violation - "
_CONNECTION = "error: connection exception - "
_DESCRIPTIONS: dict[str, str] = {
    "08N08": _CONNECTION + "database is read only. This database is read only on this server.",
    "08N09": _CONNECTION + "database unavailable",
    "08N12": _CONNECTION + "failed to parse bookmark. Failed to parse the supplied bookmark. Verify it is correct "
                           "or check the debug log for more information.",
    "08N13": _CONNECTION + "database not up to requested bookmark",
    "22003": _DATA + "numeric value out of range",
    "22012": _DATA + "division by zero",
    "22N01": _DATA + "invalid type",
    "22N11": _DATA + "invalid argument",
    "22N43": _DATA + "unable to load external resource",
    "22N51": _DATA + "database or alias does not exist",
    "22N66": _DATA + "conflicting constraint already exists",
    "22N67": _DATA + "duplicated constraint name",
    "22N71": _DATA + "index with the same name already exists",
    "22N82": _DATA + "input contains invalid characters",
    "25N01": _STATE + "invalid combination of statement types",
    "25N03": _STATE + "concurrent access violation. Transaction is being used concurrently by another request.",
    "25N04": _STATE + "specified transaction does not exist",
    "25N05": _STATE + "transaction terminated or closed. The transaction has been terminated or closed.",
    "25N06": _STATE + "transaction start failed. Failed to start transaction. See debug log for details.",
    "25N13": _STATE + "cannot access entity after removal",
    "2DN01": "error: invalid transaction termination - commit failed. Failed to commit transaction. See debug log "
             "for details.",
    "42001": _ACCESS + "invalid syntax",
    "42N02": _ACCESS + "writing in read access mode. Writing in read access mode not allowed.",
    "42N11": _ACCESS + "database or alias already exists",
    "42N51": _ACCESS + "invalid parameter",
    "42NFF": _ACCESS + "permission/access denied. Access denied, see the security logs for details.",
    "50N05": "error: general processing exception - deadlock detected. Deadlock detected while trying to acquire "
             "locks. See log for more details.",
    "50N11": "error: general processing exception - constraint creation failed",
    "50N12": "error: general processing exception - constraint drop failed",
    "50N42": "error: general processing exception - unexpected error. Unexpected error has occurred. See debug log "
             "for details.",
    "51N36": "error: system configuration or operation exception - out of memory. There is not enough memory to "
             "perform the current task.",
}

_CLASSIFICATIONS = {"ClientError": "CLIENT_ERROR", "TransientError": "TRANSIENT_ERROR",
                    "DatabaseError": "DATABASE_ERROR"}


def gql_status_for(code: str) -> str:
    """The GQL status Neo4j 5.26 gives an error with this Neo4j code (50N42 for a code it does not know)."""
    return GQL_STATUS_BY_CODE.get(code, UNKNOWN_GQL_STATUS)


def gql_description(gql_status: str) -> str:
    """The status description of a GQL status, without the details that the message carries."""
    return _DESCRIPTIONS[gql_status]


def gql_classification(code: str) -> str:
    """CLIENT_ERROR, TRANSIENT_ERROR or DATABASE_ERROR, from the Neo4j code's classification (an unknown one, as
    in Neo4j's own catch-all, is a DATABASE_ERROR)."""
    parts = code.split(".")
    return _CLASSIFICATIONS.get(parts[1] if len(parts) > 1 else "", "DATABASE_ERROR")
