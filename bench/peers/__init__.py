"""The engines `bench/cypher_bench.py` measures graphplex against: a plain-Python networkx program, FalkorDB-lite
(run in its own Python 3.12+ venv) and SQLite for durable point commits."""
