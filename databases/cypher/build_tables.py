"""Writes the parser's shipped tables (`grammar/cypher.tables`) again after the grammar changed:

    python -m graphplex.databases.cypher.build_tables
"""
from graphplex.databases.cypher.parser import GRAMMAR
from graphplex.databases.cypher.parser_cache import write_shipped

if __name__ == "__main__":
    print(f"wrote {write_shipped(GRAMMAR)}")
