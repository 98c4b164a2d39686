"""Search engines behind Neo4j's vector and full-text indexes (issue 17; docs/design/search-indexes.md).

Each engine holds the committed entries of one index; transactional visibility is the storage layer's. Nothing
here imports storage or Cypher, and numpy, usearch and tantivy are imported on first use, never at start-up.
"""
from graphplex.databases.search.fulltext import FulltextEngine, PreparedQuery
from graphplex.databases.search.vectors import VectorEngine, VectorQuery
