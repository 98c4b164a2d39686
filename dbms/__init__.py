"""graphplex's public package: `from dbms import DBMS, Query`."""
from dbms.dbms import DBMS
from dbms.result import Record, Result, ResultSummary, SummaryCounters
from dbms.session import Query, Session, Transaction

__all__ = ["DBMS", "Query", "Session", "Transaction", "Result", "Record", "ResultSummary", "SummaryCounters"]
