"""The Cypher statements of the W1-W8 workloads (`../shared/bench/WORKLOADS.md`), in one place so that every engine
adapter (graphplex, Kùzu, FalkorDB-lite) sends the same text and the networkx peer can key its plain-Python
programs by that same text."""
from __future__ import annotations

CREATE_PERSON = "CREATE (:Person {id: $id, name: $name, age: $age})"
POINT_READ = "MATCH (p:Person {id: $id}) RETURN p.name"
LOAD_NODES = "UNWIND $rows AS r CREATE (:Person {id: r.id, name: r.name, age: r.age})"
LOAD_RELS = ("UNWIND $pairs AS p MATCH (a:Person {id: p.a}), (b:Person {id: p.b}) "
             "CREATE (a)-[:KNOWS]->(b)")
TWO_HOP = "MATCH (a:Person {id: $id})-[:KNOWS]->()-[:KNOWS]->(c) RETURN count(DISTINCT c)"
AGGREGATE = "MATCH (p:Person) RETURN p.age % 10 AS k, count(*) AS c ORDER BY k"
TX_CREATE = ("MATCH (b:Person {id: $b}) "
             "CREATE (:Person {id: $id, name: $name, age: $age})-[:KNOWS]->(b)")
SHORTEST_PATH = ("MATCH p = shortestPath((a:Person {id: $a})-[:KNOWS*..10]->(b:Person {id: $b})) "
                 "RETURN length(p)")
COUNT_NODES = "MATCH (p:Person) RETURN count(p)"
COUNT_RELS = "MATCH (:Person)-[r:KNOWS]->(:Person) RETURN count(r)"

# Verification reads (not timed).
READ_RECORD = "MATCH (p:Person {id: $id}) RETURN p.name, p.age"
READ_CREATED = "MATCH (a:Person {id: $id})-[:KNOWS]->(b) RETURN a.name, b.id"

MAX_HOPS = 10
