"""LOAD CSV: streams a CSV file from the import directory (plain or gzip), a row per line.

Only `file:///` URLs inside the import directory are read: a path that resolves outside it is refused, and so is
any other scheme. The file is read lazily, so memory stays constant however large it is.
"""
from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlparse

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.errors import type_error
from graphplex.databases.cypher.expressions import Scope, compile_expression
from graphplex.databases.cypher.plan import Operator
from graphplex.databases.errors import ClientError, Forbidden

csv.field_size_limit(1 << 30)


def plan_load_csv(clause: ast.LoadCsv, scope: Scope) -> Operator:
    source = compile_expression(clause.source, scope)
    name, headers = clause.variable, clause.with_headers
    delimiter = _delimiter(clause.field_terminator)

    def run(rows: Iterator[dict], ctx: ExecutionContext) -> Iterator[dict]:
        for row in rows:
            url = source(row, ctx)
            if not isinstance(url, str):
                raise type_error(f"Type mismatch: LOAD CSV expects a URL string, got {url!r}")
            path = resolve(url, ctx.import_dir)
            for line_number, record in _records(path, url, delimiter, headers):
                ctx.check()
                ctx.csv_position = (url, line_number)
                out = dict(row)
                out[name] = record
                yield out
    return Operator("LoadCSV", name, run)


def resolve(url: str, import_dir: str | None) -> Path:
    """The file a `file:///` URL names inside the import directory; anything else is refused."""
    if "\0" in url:
        raise ClientError(f"Couldn't load the external resource at: {url.replace(chr(0), '%00')}: a URL cannot "
                          "contain a NUL character", "Neo.ClientError.Statement.ExternalResourceFailed")
    try:
        return _resolve(url, import_dir)
    except (OSError, ValueError) as error:
        raise _unreadable(url, error) from None


def _unreadable(url: str, error: Exception) -> ClientError:
    """The error of a file the operating system would not open or read, or a URL it could not name."""
    reason = getattr(error, "strerror", None) or str(error)
    return ClientError(f"Couldn't load the external resource at: {url}: {reason}",
                       "Neo.ClientError.Statement.ExternalResourceFailed")


def _resolve(url: str, import_dir: str | None) -> Path:
    parsed = urlparse(url)
    if parsed.scheme != "file":
        raise ClientError(f"Couldn't load the external resource at: {url} (only file:/// URLs inside the import "
                          "directory can be loaded)", "Neo.ClientError.Statement.ExternalResourceFailed")
    if import_dir is None:
        raise Forbidden(f"Couldn't load the external resource at: {url}: LOAD CSV needs an import directory "
                        "(the import_dir setting)", "Neo.ClientError.Security.Forbidden")
    root = Path(import_dir).resolve()
    relative = unquote((parsed.netloc or "") + parsed.path).lstrip("/")
    path = (root / relative).resolve()
    if path != root and root not in path.parents:
        raise Forbidden(f"Couldn't load the external resource at: {url}: the path is outside the import "
                        "directory", "Neo.ClientError.Security.Forbidden")
    if not path.is_file():
        raise ClientError(f"Couldn't load the external resource at: {url}",
                          "Neo.ClientError.Statement.ExternalResourceFailed")
    return path


def _records(path: Path, url: str, delimiter: str, headers: bool) -> Iterator[tuple[int, object]]:
    try:
        yield from _parsed(path, url, delimiter, headers)
    except (OSError, UnicodeDecodeError, EOFError) as error:   # unreadable, not UTF-8, a truncated gzip file
        raise _unreadable(url, error) from None


def _parsed(path: Path, url: str, delimiter: str, headers: bool) -> Iterator[tuple[int, object]]:
    with _open(path) as stream:
        reader = csv.reader(stream, delimiter=delimiter, quotechar='"', escapechar="\\", strict=True)
        line_number = 0
        names = None
        for fields in _checked(reader, url):
            line_number = reader.line_num
            if headers:
                if names is None:
                    names = fields
                    continue
                yield line_number, {key: (value if value != "" else None) for key, value in
                                    zip(names, fields + [""] * (len(names) - len(fields)))}
            else:
                yield line_number, list(fields)


def _checked(reader, url: str) -> Iterator[list]:
    """The reader's rows; a malformed one (an unterminated quote, text after a closing quote) fails clearly."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            detail = "missing closing quote" if "unexpected end of data" in str(error) else str(error)
            raise ClientError(f"At {url} @ line {reader.line_num}: {detail}",
                              "Neo.ClientError.Statement.ExternalResourceFailed") from None
        yield row


def _open(path: Path) -> io.TextIOBase:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return path.open("r", encoding="utf-8-sig", newline="")


def _delimiter(terminator: str | None) -> str:
    if terminator is None:
        return ","
    if terminator in ("\\t", "\t"):
        return "\t"
    if len(terminator) != 1:
        raise ClientError(f"FIELDTERMINATOR must be a single character, got '{terminator}'",
                          "Neo.ClientError.Statement.SyntaxError")
    return terminator
