"""A small Gherkin parser: just what the openCypher TCK's feature files use.

Supported: `Feature`, `Background`, `Scenario` (`Example`), `Scenario Outline` (`Scenario Template`) with one or
more `Examples` (`Scenarios`) tables, tags, `#` comment lines, free description text under a header, steps
(`Given`, `When`, `Then`, `And`, `But`, `*`) with an optional doc string (`\"\"\"` or three backticks) or data table.
`Rule` is not supported: the TCK does not use it, and guessing its scoping would be worse than failing loudly.

Outlines are expanded here, as Cucumber does: one `Scenario` per Examples row, `<placeholder>`s replaced in the
name, the step texts, doc strings and table cells. Each scenario's `line` is the line of its `Scenario:` header,
or of its Examples row for an outline, so `path:line name` identifies it uniquely and points at the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

__all__ = ["Step", "Scenario", "Feature", "GherkinError", "parse_feature", "parse_feature_file"]

Table = tuple[tuple[str, ...], ...]

_STEP_KEYWORDS = ("Given", "When", "Then", "And", "But", "*")
_PLACEHOLDER = re.compile(r"<([^<>]+)>")


class GherkinError(ValueError):
    """A feature file this parser cannot read; names the file and line so the text can be fixed or supported."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


@dataclass(frozen=True)
class Step:
    """One step: its keyword (`Given`, `And`, …), the text after it, and an optional doc string or data table."""

    keyword: str
    text: str
    line: int
    doc_string: str | None = None
    table: Table | None = None


@dataclass(frozen=True)
class Scenario:
    """One runnable scenario (outline rows already expanded); `steps` start with the feature's Background."""

    feature_path: str  # relative to the features root, with `/` separators
    feature_name: str
    name: str
    line: int
    tags: frozenset[str]
    steps: tuple[Step, ...]

    @property
    def id(self) -> str:
        """`clauses/match/Match3.feature:12 [1] Name`: stable across runs, unique, and readable in reports."""
        return f"{self.feature_path}:{self.line} {self.name}"

    @property
    def folder(self) -> str:
        """The feature's folder, e.g. `clauses/match`: the unit of the pass-rate summary."""
        return str(PurePosixPath(self.feature_path).parent)


@dataclass(frozen=True)
class Feature:
    """A parsed feature file with its outlines expanded."""

    path: str
    name: str
    tags: frozenset[str]
    scenarios: tuple[Scenario, ...]


@dataclass
class _Examples:
    line: int
    tags: list[str]
    rows: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)


@dataclass
class _Block:
    """A Background, Scenario or Scenario Outline while it is being read."""

    kind: str  # "background", "scenario" or "outline"
    name: str
    line: int
    tags: list[str]
    steps: list[Step] = field(default_factory=list)
    examples: list[_Examples] = field(default_factory=list)


def parse_feature_file(file: Path, root: Path) -> Feature:
    """Parses `file`, naming it by its path relative to `root` (the TCK's `features` directory)."""
    relative = file.resolve().relative_to(root.resolve()).as_posix()
    return parse_feature(file.read_text(encoding="utf-8"), relative)


def parse_feature(text: str, path: str = "<string>") -> Feature:
    """Parses the text of one feature file; `path` names it in scenario ids and error messages."""
    return _Parser(text, path).parse()


class _Parser:
    """A line-oriented reader: each line is a header, tag line, comment, step, doc string, table row or text."""

    def __init__(self, text: str, path: str) -> None:
        self.lines = text.splitlines()
        self.path = path
        self.feature_name: str | None = None
        self.feature_tags: list[str] = []
        self.pending_tags: list[str] = []
        self.blocks: list[_Block] = []
        self.table_owner: Step | _Examples | None = None  # what a `|` row on the next line belongs to

    def parse(self) -> Feature:
        index = 0
        while index < len(self.lines):
            index = self._line(index)
        if self.feature_name is None:
            raise GherkinError(self.path, 1, "no `Feature:` line")
        return Feature(self.path, self.feature_name, frozenset(self.feature_tags), tuple(self._scenarios()))

    def _error(self, index: int, message: str) -> GherkinError:
        return GherkinError(self.path, index + 1, message)

    def _line(self, index: int) -> int:
        """Reads the line at `index` (and a doc string's following lines); returns the index of the next line."""
        stripped = self.lines[index].strip()
        if stripped.startswith("|"):
            self._table_row(index, stripped)
            return index + 1
        if not stripped or stripped.startswith("#"):
            return index + 1  # comments may sit between a table's rows, as in Precedence1's Examples
        self.table_owner = None
        if stripped.startswith("@"):
            self.pending_tags.extend(stripped.split())
        elif stripped.startswith(('"""', "```")):
            return self._doc_string(index)
        elif (header := _header(stripped)) is not None:
            self._header(index, *header)
        elif (step := _step(stripped, index + 1)) is not None:
            block = self._current_block(index, "a step")
            block.steps.append(step)
            self.table_owner = step
        elif self.blocks and self.blocks[-1].steps:
            raise self._error(index, f"not a step, header, table or doc string: {stripped!r}")
        # anything else is description text under a header, which Gherkin ignores
        return index + 1

    def _header(self, index: int, keyword: str, name: str) -> None:
        tags, self.pending_tags = self.pending_tags, []
        if keyword == "Feature":
            if self.feature_name is not None:
                raise self._error(index, "a second `Feature:`")
            self.feature_name, self.feature_tags = name, tags
            return
        if self.feature_name is None:
            raise self._error(index, f"`{keyword}:` before `Feature:`")
        if keyword == "Rule":
            raise self._error(index, "`Rule:` is not supported by this parser")
        if keyword == "Examples":
            outline = self._current_block(index, "`Examples:`")
            if outline.kind != "outline":
                raise self._error(index, "`Examples:` outside a Scenario Outline")
            outline.examples.append(_Examples(index + 1, tags))
            self.table_owner = outline.examples[-1]
            return
        if keyword == "Background" and any(block.kind != "background" for block in self.blocks):
            raise self._error(index, "`Background:` after a scenario")
        kind = {"Background": "background", "Scenario": "scenario", "Scenario Outline": "outline"}[keyword]
        self.blocks.append(_Block(kind, name, index + 1, tags))

    def _current_block(self, index: int, what: str) -> _Block:
        if not self.blocks:
            raise self._error(index, f"{what} outside a Background or Scenario")
        return self.blocks[-1]

    def _table_row(self, index: int, stripped: str) -> None:
        cells = _cells(stripped)
        owner = self.table_owner
        if isinstance(owner, _Examples):
            owner.rows.append((index + 1, cells))
            return
        if not isinstance(owner, Step) or owner.doc_string is not None:
            raise self._error(index, "a table row that follows neither a step nor `Examples:`")
        table = (owner.table or ()) + (cells,)
        if len({len(row) for row in table}) != 1:
            raise self._error(index, "a table row with a different number of cells than the rows before it")
        self._replace_last_step(replace(owner, table=table))

    def _doc_string(self, index: int) -> int:
        opening = self.lines[index]
        indent = len(opening) - len(opening.lstrip())
        delimiter = opening.strip()[:3]
        block = self._current_block(index, "a doc string")
        if not block.steps or block.steps[-1].doc_string is not None or block.steps[-1].table is not None:
            raise self._error(index, "a doc string that does not follow a step")
        content: list[str] = []
        for end in range(index + 1, len(self.lines)):
            line = self.lines[end]
            if line.strip() == delimiter:
                text = "\n".join(content).replace("\\" + "\\".join(delimiter), delimiter)
                self._replace_last_step(replace(block.steps[-1], doc_string=text))
                return end + 1
            content.append(_dedent(line, indent))
        raise self._error(index, "a doc string that is never closed")

    def _replace_last_step(self, step: Step) -> None:
        self.blocks[-1].steps[-1] = step
        self.table_owner = step

    def _scenarios(self) -> list[Scenario]:
        background = [step for block in self.blocks if block.kind == "background" for step in block.steps]
        scenarios: list[Scenario] = []
        for block in self.blocks:
            tags = self.feature_tags + block.tags
            if block.kind == "scenario":
                scenarios.append(self._scenario(block.name, block.line, tags, background + block.steps))
            elif block.kind == "outline":
                scenarios.extend(self._expand(block, tags, background))
        return scenarios

    def _expand(self, outline: _Block, tags: list[str], background: list[Step]) -> list[Scenario]:
        expanded = []
        for examples in outline.examples:
            if not examples.rows:
                continue
            (_, header), *rows = examples.rows
            for line, cells in rows:
                values = dict(zip(header, cells))
                steps = [_substitute_step(step, values) for step in outline.steps]
                name = _substitute(outline.name, values)
                expanded.append(self._scenario(name, line, tags + examples.tags, background + steps))
        return expanded

    def _scenario(self, name: str, line: int, tags: list[str], steps: list[Step]) -> Scenario:
        assert self.feature_name is not None
        return Scenario(self.path, self.feature_name, name, line, frozenset(tags), tuple(steps))


def _header(stripped: str) -> tuple[str, str] | None:
    """`(keyword, name)` for a header line, keywords normalised to Feature/Background/Scenario/… ."""
    synonyms = {
        "Feature": "Feature", "Background": "Background", "Rule": "Rule",
        "Scenario Outline": "Scenario Outline", "Scenario Template": "Scenario Outline",
        "Scenario": "Scenario", "Example": "Scenario", "Examples": "Examples", "Scenarios": "Examples",
    }
    keyword, colon, name = stripped.partition(":")
    if colon and keyword.strip() in synonyms:
        return synonyms[keyword.strip()], name.strip()
    return None


def _step(stripped: str, line: int) -> Step | None:
    for keyword in _STEP_KEYWORDS:
        if stripped.startswith(keyword + " "):
            return Step(keyword, stripped[len(keyword):].strip(), line)
    return None


def _cells(row: str) -> tuple[str, ...]:
    """The cells of `| a | b\\|c |`, unescaping `\\|`, `\\\\` and `\\n` as Gherkin does, stripped of blanks."""
    cells: list[str] = []
    current: list[str] = []
    chars = iter(row[1:])  # skip the leading `|`
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            current.append({"|": "|", "\\": "\\", "n": "\n"}.get(following, "\\" + following))
        elif char == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    return tuple(cells)


def _dedent(line: str, indent: int) -> str:
    """Removes up to `indent` leading blanks: a doc string's content is indented relative to its delimiter."""
    blanks = len(line) - len(line.lstrip(" \t"))
    return line[min(blanks, indent):]


def _substitute(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def _substitute_step(step: Step, values: dict[str, str]) -> Step:
    return replace(
        step,
        text=_substitute(step.text, values),
        doc_string=None if step.doc_string is None else _substitute(step.doc_string, values),
        table=None if step.table is None else tuple(tuple(_substitute(cell, values) for cell in row)
                                                    for row in step.table),
    )
