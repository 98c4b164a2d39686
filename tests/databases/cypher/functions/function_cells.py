"""Test support for the function library: calls functions directly, and evaluates the small Cypher expressions
and `WITH … RETURN …` queries of the openCypher TCK's temporal examples without the planner.

The evaluator knows literals (strings, numbers, booleans, null, lists, maps), variables, function calls
(dotted names), property access (`d.year`), unary minus, `+ - * /` and the comparisons — enough for the
temporal scenarios, whose expected values are compared through `temporal_to_string`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from graphplex.databases.cypher.functions import FUNCTIONS, property_of
from graphplex.databases.cypher.functions.temporal import temporal_to_string
from graphplex.databases.cypher.functions.temporal_arithmetic import (
    add_temporal, divide_temporal, multiply_temporal, subtract_temporal,
)
from graphplex.databases.cypher.values import compare, equals
from graphplex.databases.values import Duration, Point

TCK_FEATURES = Path(__file__).resolve().parents[4].parent / "shared" / "tck" / "features"
TEMPORAL_FEATURES = TCK_FEATURES / "expressions" / "temporal"


def call(name: str, *args, ctx=None):
    """A function of the registry called as the engine calls it."""
    return FUNCTIONS[name.lower()].impl(ctx, *args)


def new_ctx() -> SimpleNamespace:
    """A stand-in execution context (the clocks cache themselves on it)."""
    return SimpleNamespace(txn=SimpleNamespace())


def show(value: object) -> object:
    """A result as the TCK writes it: temporal values, durations and points as their string."""
    import datetime as dt
    if isinstance(value, (dt.date, dt.time, Duration, Point)):
        return temporal_to_string(value)
    if isinstance(value, list):
        return [show(item) for item in value]
    return value


# --- expressions -------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<string>'(?:[^'\\]|\\.)*')
    | (?P<number>\d+\.\d+(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op><>|<=|>=|[{}()\[\],:.=+\-*/<>])
    )""", re.X)


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise SyntaxError(f"cannot read {text[position:]!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


@dataclass
class Evaluator:
    tokens: list
    env: dict = field(default_factory=dict)
    ctx: object = None
    position: int = 0

    def peek(self, offset: int = 0):
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else (None, None)

    def take(self, expected: str | None = None):
        token = self.peek()
        if expected is not None and token[1] != expected:
            raise SyntaxError(f"expected {expected!r}, got {token[1]!r}")
        self.position += 1
        return token

    def expression(self):
        left = self.additive()
        ops = {"=": lambda a, b: equals(a, b), "<>": lambda a, b: None if equals(a, b) is None else not equals(a, b)}
        order = {"<": lambda c: c < 0, ">": lambda c: c > 0, "<=": lambda c: c <= 0, ">=": lambda c: c >= 0}
        op = self.peek()[1]
        if op in ops:
            self.take()
            return ops[op](left, self.additive())
        if op in order:
            self.take()
            result = compare(left, self.additive())
            return None if result is None else order[op](result)
        return left

    def additive(self):
        value = self.multiplicative()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            right = self.multiplicative()
            value = _arithmetic(op, value, right)
        return value

    def multiplicative(self):
        value = self.unary()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            value = _arithmetic(op, value, self.unary())
        return value

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            value = self.unary()
            if isinstance(value, Duration):
                return Duration(-value.months, -value.days, -value.seconds, -value.nanoseconds)
            return -value
        return self.postfix()

    def postfix(self):
        value = self.primary()
        while self.peek()[1] == ".":
            self.take()
            value = property_of(value, self.take()[1]) if not isinstance(value, dict) else value.get(self.take()[1])
        return value

    def primary(self):
        kind, text = self.peek()
        if kind == "string":
            self.take()
            return re.sub(r"\\(.)", r"\1", text[1:-1])
        if kind == "number":
            self.take()
            return float(text) if any(c in text for c in ".eE") else int(text)
        if text == "(":
            self.take()
            value = self.expression()
            self.take(")")
            return value
        if text == "[":
            self.take()
            items = []
            while self.peek()[1] != "]":
                items.append(self.expression())
                if self.peek()[1] == ",":
                    self.take()
            self.take("]")
            return items
        if text == "{":
            self.take()
            result = {}
            while self.peek()[1] != "}":
                key = self.take()[1]
                self.take(":")
                result[key] = self.expression()
                if self.peek()[1] == ",":
                    self.take()
            self.take("}")
            return result
        if kind == "name":
            lowered = text.lower()
            if lowered in ("true", "false", "null"):
                self.take()
                return {"true": True, "false": False, "null": None}[lowered]
            # a dotted function name, or a variable followed by property accesses
            names, offset = [text], 1
            while self.peek(offset)[1] == "." and self.peek(offset + 1)[0] == "name":
                names.append(self.peek(offset + 1)[1])
                offset += 2
            for count in range(len(names), 0, -1):
                if self.peek(2 * count - 1)[1] == "(":
                    name = ".".join(names[:count])
                    self.position += 2 * count - 1
                    return self.call(name)
            self.take()
            if text not in self.env:
                raise NameError(text)
            return self.env[text]
        raise SyntaxError(f"unexpected {text!r}")

    def call(self, name: str):
        self.take("(")
        args = []
        while self.peek()[1] != ")":
            args.append(self.expression())
            if self.peek()[1] == ",":
                self.take()
        self.take(")")
        spec = FUNCTIONS[name.lower()]
        return spec.impl(self.ctx, *args)


def _arithmetic(op: str, a, b):
    if a is None or b is None:
        return None
    plain = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b}
    temporal = {"+": add_temporal, "-": subtract_temporal, "*": multiply_temporal, "/": divide_temporal}[op](a, b)
    if temporal is not NotImplemented:
        return temporal
    return plain[op]()


def evaluate(text: str, env: dict | None = None, ctx=None) -> object:
    evaluator = Evaluator(tokenize(text), dict(env or {}), ctx)
    value = evaluator.expression()
    if evaluator.position != len(evaluator.tokens):
        raise SyntaxError(f"trailing input in {text!r}")
    return value


# --- WITH … RETURN … queries ---------------------------------------------------------------------------------

def _split_top_level(text: str, separator: str) -> list[str]:
    parts, depth, current, quoted = [], 0, "", False
    for index, char in enumerate(text):
        if char == "'" and (index == 0 or text[index - 1] != "\\"):
            quoted = not quoted
        if not quoted:
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
            elif char == separator and depth == 0:
                parts.append(current)
                current = ""
                continue
        current += char
    parts.append(current)
    return [part.strip() for part in parts]


def _projections(text: str) -> list[tuple[str, str]]:
    result = []
    for item in _split_top_level(text, ","):
        match = re.match(r"(.*)\s+AS\s+([A-Za-z_][A-Za-z0-9_]*)$", item, re.S)
        result.append((match.group(1), match.group(2)) if match else (item, item))
    return result


def run_query(query: str, ctx=None) -> dict:
    """Runs `[WITH …] RETURN …` (single row): the returned columns by name."""
    text = " ".join(line.strip() for line in query.strip().splitlines())
    clauses = re.split(r"\b(WITH|RETURN)\b(?=(?:[^']*'[^']*')*[^']*$)", text)
    env: dict = {}
    row: dict = {}
    for keyword, body in zip(clauses[1::2], clauses[2::2]):
        row = {alias: evaluate(expression, env, ctx) for expression, alias in _projections(body)}
        env = dict(row) if keyword == "WITH" else env
    return row


# --- feature files -----------------------------------------------------------------------------------------

@dataclass
class Example:
    feature: str
    scenario: str
    query: str
    expected: dict
    label: str


def parse_cell(text: str) -> object:
    return evaluate(text)


def _table(lines: list[str], start: int) -> tuple[list[list[str]], int]:
    rows = []
    index = start
    while index < len(lines) and lines[index].strip().startswith("|"):
        cells = [cell.strip() for cell in _split_cells(lines[index].strip())]
        rows.append(cells)
        index += 1
    return rows, index


def _split_cells(line: str) -> list[str]:
    cells, current, quoted = [], "", False
    for char in line[1:]:
        if char == "'":
            quoted = not quoted
        if char == "|" and not quoted:
            cells.append(current)
            current = ""
        else:
            current += char
    return cells


def load_examples(path: Path) -> list[Example]:
    """The single-row `RETURN` scenarios of a feature file, one Example per row of their Examples table."""
    lines = path.read_text(encoding="utf-8").splitlines()
    examples: list[Example] = []
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        if line.startswith("Scenario"):
            title = line.split(":", 1)[1].strip()
            query, expected_rows, outline = None, None, []
            index += 1
            while index < len(lines) and not lines[index].strip().startswith("Scenario"):
                current = lines[index].strip()
                if current == "When executing query:":
                    body, index = [], index + 2
                    while lines[index].strip() != '"""':
                        body.append(lines[index])
                        index += 1
                    query = "\n".join(body)
                elif current.startswith("Then the result should be"):
                    expected_rows, index = _table(lines, index + 1)
                    continue
                elif current.startswith("Examples:"):
                    outline, index = _table(lines, index + 1)
                    continue
                index += 1
            if query is None or expected_rows is None or not query.strip().startswith(("RETURN", "WITH")):
                continue
            header, values = expected_rows[0], expected_rows[1]
            substitutions = [dict(zip(outline[0], row)) for row in outline[1:]] if outline else [{}]
            for number, substitution in enumerate(substitutions, 1):
                text = query
                cells = list(values)
                for key, value in substitution.items():
                    text = text.replace(f"<{key}>", value)
                    cells = [cell.replace(f"<{key}>", value) for cell in cells]
                examples.append(Example(path.stem, title, text, dict(zip(header, cells)),
                                        f"{path.stem} {title.split(']')[0]}] #{number}"))
        else:
            index += 1
    return examples
