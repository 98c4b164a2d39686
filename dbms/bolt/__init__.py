"""The Bolt server: Neo4j's wire protocol, so the official drivers and Memgraph's clients talk to graphplex."""
from graphplex.bolt.server import BoltServer

__all__ = ["BoltServer"]
