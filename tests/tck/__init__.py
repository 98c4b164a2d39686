"""The openCypher TCK runner: a Gherkin parser, the TCK's value notation, and a pytest test per scenario.

A package (rather than loose test modules) so that its modules are imported as `tck.gherkin`, `tck.tck_values`,
…, and cannot be shadowed by, or shadow, a top-level module of the same name (PyPI has a `gherkin` package).
"""
