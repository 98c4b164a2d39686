"""The Cypher parser, built from the grammar once per grammar and afterwards loaded in a few tens of milliseconds.

Building the LALR tables from `grammar/cypher.lark` takes seconds, and lark's own cache (`cache=True`) still
spends ~0.4 s on every start rebuilding rules, the parse table and a contextual lexer per parser state from its
serialized form. Here the whole built `Lark` object is pickled instead, before it ever parses (so it holds no
compiled scanners), into the user's cache directory (`cache_files`: `$GRAPHPLEX_CACHE_DIR`, else
`$XDG_CACHE_HOME/graphplex` or `~/.cache/graphplex`, else `graphplex-<uid>` in the temporary directory). The
file name and its first line carry a key made of the grammar text, the options, lark's version and Python's,
so a changed grammar or an upgrade is rebuilt, and an install that is read-only (a wheel in site-packages)
still caches. A cache that cannot be written, is corrupt, or is not the user's own only means building in
memory: never an error."""
from __future__ import annotations

import gc
import hashlib
import importlib
import io
import os
import pickle
import stat
import sys
import tempfile
import threading
import time
import types
from pathlib import Path

import lark
from lark import Lark
from lark.lexer import BasicLexer
from lark.parsers import lalr_analysis

OPTIONS = {"parser": "lalr", "lexer": "contextual", "propagate_positions": True, "maybe_placeholders": False,
           "start": ["start", "use_prefixed"]}
_FORMAT = 3   # bump when what is pickled changes shape
_PREFIX = "cypher-parser-"


def build(grammar: str) -> Lark:
    """The parser made from the grammar text, without any cache, in the shape that pickles small and loads
    fast: passed once through lark's own serialized form (one object per token name and rule across the parse
    table, which a freshly analysed grammar does not share), one tuple per distinct parse action, one object
    per grammar symbol, and lexers that compile their scanner once however many threads need it."""
    serialized = io.BytesIO()
    Lark(grammar, **OPTIONS).save(serialized)
    serialized.seek(0)
    parser = Lark.load(serialized)
    lexer = parser.parser.lexer
    for basic in (*lexer.lexers.values(), lexer.root_lexer):
        basic.__class__ = _OnceScannedLexer
    _share_actions(parser)
    _share_rule_parts(parser)
    return parser


def load(grammar_path: Path) -> Lark:
    """The parser of the grammar file: from the cache when it holds this grammar's, else built (and cached)."""
    grammar = grammar_path.read_text(encoding="utf-8")
    key = cache_key(grammar)
    paths = cache_files(key)
    for path in paths:
        parser = _read(path, key)
        if parser is not None:
            return parser
    parser = build(grammar)
    for path in paths:
        if _write(path, key, parser):
            break
    return parser


def cache_key(grammar: str) -> str:
    """What the pickled parser depends on: the grammar, the options and the versions of lark and Python."""
    material = repr((_FORMAT, grammar, sorted(OPTIONS.items()), lark.__version__, sys.version_info[:2]))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def cache_file(key: str) -> Path | None:
    """Where the parser of `key` is cached first, or None when there is no cache directory."""
    paths = cache_files(key)
    return paths[0] if paths else None


def cache_files(key: str) -> list[Path]:
    """Where the parser of `key` may be cached, in order: `$GRAPHPLEX_CACHE_DIR` alone when set, else the
    user's cache directory and then a directory of this user's own in the temporary directory (for accounts
    whose home cannot be written, as lark's own cache does)."""
    name = f"{_PREFIX}{key[:32]}.pickle"
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


def _read(path: Path, key: str) -> Lark | None:
    try:
        with open(path, "rb") as handle:
            if not (_owned_by_us(os.fstat(handle.fileno())) and _trusted_directory(path.parent)):
                return None
            if handle.readline().rstrip(b"\n") != key.encode("ascii"):
                return None
            return _unpickled(handle)
    except Exception:   # missing, torn or foreign: build it
        return None


def _unpickled(handle) -> Lark:
    """The pickled parser, with the cyclic garbage collector paused: its ~20,000 new containers would otherwise
    set off collections that walk them again and again (a fifth of the load)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(handle)
    finally:
        if collecting:
            gc.enable()


def _trusted_directory(directory: Path) -> bool:
    """The fallback in the shared temporary directory must be this user's own, which no one else may write
    (someone could have made it first); the user's cache directories are trusted as the home is."""
    if directory.parent != Path(tempfile.gettempdir()):
        return True
    return _owned_by_us(os.stat(directory))


def _owned_by_us(status: os.stat_result) -> bool:
    """Unpickling runs code, so only a file of this user that no one else may write is trusted."""
    if not hasattr(os, "getuid"):
        return True
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _write(path: Path, key: str, parser: Lark) -> bool:
    """Writes the cache file whole (a temporary file renamed into place), leaving other grammars' files;
    whether it was written."""
    buffer = io.BytesIO()
    buffer.write(key.encode("ascii") + b"\n")
    try:
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(parser)
    except Exception:   # a lark version whose objects do not pickle: no cache, still a parser
        return False
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
    for other in path.parent.glob(f"{_PREFIX}*.pickle"):
        try:
            if other != path and other.stat().st_mtime < month_ago:
                other.unlink()
        except OSError:
            pass


def _share_rule_parts(parser: Lark) -> None:
    """One object per grammar symbol (~430 for ~4,900 uses) and per set of rule options (3 for ~1,200 rules)."""
    symbols: dict = {}
    options: dict = {}
    for rule in parser.rules:
        rule.origin = symbols.setdefault(rule.origin, rule.origin)
        rule.expansion = type(rule.expansion)(symbols.setdefault(symbol, symbol) for symbol in rule.expansion)
        try:
            rule.options = options.setdefault(tuple(sorted(vars(rule.options).items())), rule.options)
        except TypeError:   # options of an unhashable kind: keep them apart
            pass


class _OnceScannedLexer(BasicLexer):
    """A lexer of one parser state that compiles its scanner (a large regular expression) once, even when
    threads first need it together: lark builds it lazily without a lock, so eight threads starting at once
    would each compile the same expressions, holding the GIL for tens of milliseconds each time."""

    @property
    def scanner(self):
        if self._scanner is None:
            with _SCANNER_LOCK:
                if self._scanner is None:
                    self._scanner = self._build_scanner()
        return self._scanner


_SCANNER_LOCK = threading.Lock()


class _Pickler(pickle.Pickler):
    """Modules (lark keeps its regex module in every lexer) are stored as an import, and lark's `Shift` and
    `Reduce` by name, since the LALR parser compares actions by identity; pickle memoizes both, so loading is
    one pass of the C unpickler with no Python hook per object."""

    def reducer_override(self, obj):
        if isinstance(obj, types.ModuleType):
            return importlib.import_module, (obj.__name__,)
        if isinstance(obj, lalr_analysis.Action):
            return obj.name
        return NotImplemented


def _share_actions(parser: Lark) -> None:
    """One tuple per distinct `(action, argument)` of the parse table (~3,000 for ~90,000 entries): pickled
    once each and referenced after, which halves the file and the time to load it."""
    shared: dict = {}
    for actions in parser.parser.parser._parse_table.states.values():
        for token, action in actions.items():
            actions[token] = shared.setdefault(action, action)
