"""Users, roles and privileges, kept as a graph in the system database."""
