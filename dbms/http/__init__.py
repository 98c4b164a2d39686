"""The HTTP server of `graphplex serve`: Neo4j 5's Query API and the web console, over the same DBMS, users and
DBMS transactions as the Bolt server."""
from graphplex.http.server import HttpServer

__all__ = ["HttpServer"]
