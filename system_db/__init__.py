"""The system database: catalog, users, roles and privileges (built on `databases`)."""
