"""The Cypher parser's tables, computed from the grammar once and afterwards loaded in milliseconds.

Computing the LALR tables from `grammar/cypher.lark` (lark's grammar analysis, `parser_tables.build`) takes
seconds, so they are kept as one `marshal` record of plain data, which loads without importing lark and without
a Python hook per object, in two places:
- beside the grammar, `grammar/cypher.tables` (compressed, 0.2 MB), shipped with the package: a new install
  answers its first query at once. Its first line is a key of the grammar text, the options and the format, so
  tables that do not match the grammar (a checkout whose grammar was edited) are ignored;
  `python -m graphplex.databases.cypher.build_tables` writes them again, and a test fails until it is run.
  marshal's format 4 reads the same in every Python since 3.4.
- in the user's cache directory (`cache_files`: `$GRAPHPLEX_CACHE_DIR`, else `$XDG_CACHE_HOME/graphplex` or
  `~/.cache/graphplex`, else `graphplex-<uid>` in the temporary directory), for a grammar the shipped tables do not
  match. The file name and its first line carry a key that also holds lark's version and Python's, so an
  upgrade is rebuilt. A cache that cannot be written, is corrupt, or is not the user's own only means building in
  memory: never an error."""
from __future__ import annotations

import hashlib
import importlib.util
import io
import marshal
import os
import stat
import sys
import tempfile
import time
import zlib
from pathlib import Path

from graphplex.databases.cypher import parser_tables

_FORMAT = 6   # bump when the tables change shape
_PREFIX = "cypher-parser-"
_SUFFIX = ".marshal"


_MARSHAL_VERSION = 4


def load(grammar_path: Path) -> dict:
    """The tables of the grammar file (`parser_tables`): the shipped ones when they are this grammar's, else from
    the cache when it holds them, else built (and cached)."""
    grammar = grammar_path.read_text(encoding="utf-8")
    tables = _read_shipped(shipped_tables(grammar_path), shipped_key(grammar))
    if tables is not None:
        return tables
    key = cache_key(grammar)
    paths = cache_files(key)
    for path in paths:
        tables = _read(path, key)
        if tables is not None:
            return tables
    tables = build(grammar)
    for path in paths:
        if _write(path, key, tables):
            break
    return tables


def shipped_tables(grammar_path: Path) -> Path:
    """Where the tables of the grammar file are shipped: beside it."""
    return grammar_path.with_suffix(".tables")


def shipped_key(grammar: str) -> str:
    """What shipped tables depend on: the grammar, the options and the tables' format."""
    material = repr((_FORMAT, grammar, sorted(parser_tables.OPTIONS.items())))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def write_shipped(grammar_path: Path) -> Path:
    """Builds the grammar's tables and writes them beside it (run when the grammar changes)."""
    grammar = grammar_path.read_text(encoding="utf-8")
    path = shipped_tables(grammar_path)
    record = zlib.compress(marshal.dumps(build(grammar), _MARSHAL_VERSION), 9)
    path.write_bytes(shipped_key(grammar).encode("ascii") + b"\n" + record)
    return path


def _read_shipped(path: Path, key: str) -> dict | None:
    """The shipped tables, when they are the grammar's: they come with the code, so they are trusted as it is."""
    try:
        with open(path, "rb") as handle:
            if handle.readline().rstrip(b"\n") != key.encode("ascii"):
                return None
            tables = marshal.loads(zlib.decompress(handle.read()))
    except Exception:   # missing or unreadable: the cache or a build will do
        return None
    return tables if isinstance(tables, dict) else None


def build(grammar: str) -> dict:
    """The tables of the grammar text, without any cache."""
    return parser_tables.build(grammar)


def cache_key(grammar: str) -> str:
    """What the tables depend on: the grammar, the options and the versions of lark and Python."""
    material = repr((_FORMAT, grammar, sorted(parser_tables.OPTIONS.items()), _lark_version(),
                     sys.version_info[:2]))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _lark_version() -> tuple:
    """Which lark would build the tables: its module file, with the size and time it was written, found without
    importing lark or reading package metadata (either would cost as much as the cache saves); an upgrade or a
    reinstall rewrites the file."""
    spec = importlib.util.find_spec("lark")
    if spec is None or spec.origin is None:
        return ("absent",)
    try:
        status = os.stat(spec.origin)
    except OSError:
        return (spec.origin,)
    return spec.origin, status.st_size, status.st_mtime_ns


def cache_file(key: str) -> Path | None:
    """Where the parser of `key` is cached first, or None when there is no cache directory."""
    paths = cache_files(key)
    return paths[0] if paths else None


def cache_files(key: str) -> list[Path]:
    """Where the parser of `key` may be cached, in order: `$GRAPHPLEX_CACHE_DIR` alone when set, else the
    user's cache directory and then a directory of this user's own in the temporary directory (for accounts
    whose home cannot be written, as lark's own cache does)."""
    name = f"{_PREFIX}{key[:32]}{_SUFFIX}"
    configured = os.environ.get("GRAPHPLEX_CACHE_DIR")
    if configured:
        return [Path(configured) / name]
    directories = []
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (KeyError, RuntimeError):   # no home directory (a service account)
            base = None
    if base:
        directories.append(Path(base) / "graphplex")
    if hasattr(os, "getuid"):
        directories.append(Path(tempfile.gettempdir()) / f"graphplex-{os.getuid()}")
    return [directory / name for directory in directories]


def _read(path: Path, key: str) -> dict | None:
    try:
        with open(path, "rb") as handle:
            if not (_owned_by_us(os.fstat(handle.fileno())) and _trusted_directory(path.parent)):
                return None
            if handle.readline().rstrip(b"\n") != key.encode("ascii"):
                return None
            tables = marshal.loads(handle.read())
    except Exception:   # missing, torn or foreign: build it
        return None
    return tables if isinstance(tables, dict) else None


def _trusted_directory(directory: Path) -> bool:
    """The fallback in the shared temporary directory must be this user's own, which no one else may write
    (someone could have made it first); the user's cache directories are trusted as the home is."""
    if directory.parent != Path(tempfile.gettempdir()):
        return True
    return _owned_by_us(os.stat(directory))


def _owned_by_us(status: os.stat_result) -> bool:
    """marshal does not check what it reads, so only a file of this user that no one else may write is
    trusted."""
    if not hasattr(os, "getuid"):
        return True
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _write(path: Path, key: str, tables: dict) -> bool:
    """Writes the cache file whole (a temporary file renamed into place), leaving other grammars' files;
    whether it was written."""
    buffer = io.BytesIO()
    buffer.write(key.encode("ascii") + b"\n")
    buffer.write(marshal.dumps(tables, _MARSHAL_VERSION))
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted_directory(path.parent):
            return False
        _remove_stale(path)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-" + _PREFIX)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(buffer.getvalue())
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return False
    return True


def _remove_stale(path: Path) -> None:
    """Drops other grammars' files not written for a month: several checkouts or versions may share the
    directory, so a file is not removed merely for being another grammar's."""
    month_ago = time.time() - 30 * 24 * 3600
    for other in path.parent.glob(f"{_PREFIX}*"):
        try:
            if other != path and other.stat().st_mtime < month_ago:
                other.unlink()
        except OSError:
            pass

