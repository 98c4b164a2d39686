"""The `tx.*` and `dbms.listConfig` procedures: they answer for the DBMS transaction and the DBMS's settings, which
only the DBMS running the statement knows; it hands them down as the execution context's `host`."""
from __future__ import annotations

from typing import Iterator

from graphplex.databases.cypher.context import ExecutionContext, Host
from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.procedure_failures import call_failed


@procedure("tx.setMetaData", inputs=[("data", "MAP", ...)], mode="DBMS",
           description="Attaches a map of data to the transaction. The data will be printed when listing queries, "
                       "and inserted into the query log.",
           descriptions={"data": "Metadata to attach to the transaction."})
def set_metadata(ctx: ExecutionContext, data: dict | None) -> Iterator[dict]:
    """Replaces the metadata of the transaction the statement runs in (SHOW TRANSACTIONS' metaData)."""
    _host(ctx, "tx.setMetaData").set_transaction_metadata(dict(data or {}))
    return iter(())


@procedure("tx.getMetaData", outputs=[("metadata", "MAP")], mode="DBMS",
           description="Provides attached transaction metadata.",
           descriptions={"metadata": "Metadata about the transaction."})
def get_metadata(ctx: ExecutionContext) -> Iterator[dict]:
    """The metadata the driver sent when the transaction began, or `tx.setMetaData` set since."""
    yield {"metadata": _host(ctx, "tx.getMetaData").transaction_metadata()}


LIST_CONFIG_COLUMNS = {"name": "name", "description": "description", "value": "value", "dynamic": "isDynamic",
                       "defaultValue": "defaultValue", "startupValue": "startupValue",
                       "explicitlySet": "isExplicitlySet", "validValues": "validValues"}


@procedure("dbms.listConfig", inputs=[("searchString", "STRING", "")],
           outputs=[("name", "STRING"), ("description", "STRING"), ("value", "STRING"), ("dynamic", "BOOLEAN"),
                    ("defaultValue", "STRING"), ("startupValue", "STRING"), ("explicitlySet", "BOOLEAN"),
                    ("validValues", "STRING")],
           mode="DBMS", admin=True,
           description="List the currently active configuration settings of Neo4j.",
           descriptions={"searchString": "A string that filters on the name of config settings.",
                         "name": "The name of the setting.", "description": "The description of the setting.",
                         "value": "The set value of the setting.",
                         "dynamic": "If the setting can be set dynamically or not.",
                         "defaultValue": "The default value of the setting.",
                         "startupValue": "The value of the setting when the database started.",
                         "explicitlySet": "Whether or not the setting was explicitly set.",
                         "validValues": "A description of the valid values."})
def list_config(ctx: ExecutionContext, search: str | None) -> Iterator[dict]:
    """The settings whose names contain `searchString` (any case), by name, as SHOW SETTINGS lists them."""
    wanted = (search or "").lower()
    for setting in _host(ctx, "dbms.listConfig").settings():
        if wanted in setting["name"].lower():
            yield {column: setting[key] for column, key in LIST_CONFIG_COLUMNS.items()}


def _host(ctx: ExecutionContext, name: str) -> Host:
    if ctx.host is None:
        raise call_failed("procedure", name, "it answers for a DBMS transaction, and this statement runs on a "
                                             "database outside a DBMS.")
    return ctx.host
