"""Shared test settings."""
from hypothesis import settings

settings.register_profile("default", deadline=None)
settings.load_profile("default")

# `pytester` drives the pytest plugin's own tests (tests/dbms/test_pytest_plugin.py).
pytest_plugins = ["pytester"]
