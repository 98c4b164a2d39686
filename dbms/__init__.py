"""graphplex's coordinator: the public package users import (`from dbms import DBMS` once it exists)."""
