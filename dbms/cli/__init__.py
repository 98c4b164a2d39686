"""The `graphplex` command line."""
