"""The notifications a statement's summary carries, as Neo4j 5.26 reports them, in one table.

Each kind has its Neo4j code, title, description, severity and category (what Bolt up to 5.4 sends as
`notifications`) and its GQL status and status description (what Bolt 5.6+ sends as `statuses`). The planner
finds what to report without the query text; `locate` then places each notification in the text, as the
`position` Neo4j gives ({offset, line, column}, offset from 0, line and column from 1).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.function_catalog import DEPRECATED_FUNCTIONS


@dataclass(frozen=True)
class NotificationKind:
    """One row of the table; `title`, `description` and `status_description` are formats over a notification's
    `name`, `detail` and database."""

    code: str
    title: str
    description: str
    severity: str
    category: str
    gql_status: str
    status_description: str


_UNRECOGNIZED_TAIL = ("make sure you didn't misspell it or that the label is available when you run this statement "
                      "in your application ({detail})")

KINDS: dict[str, NotificationKind] = {
    "unknown label": NotificationKind(
        "Neo.ClientNotification.Statement.UnknownLabelWarning", "The provided label is not in the database.",
        "One of the labels in your query is not available in the database, " + _UNRECOGNIZED_TAIL,
        "WARNING", "UNRECOGNIZED", "01N50",
        "warn: unknown label. The label `{name}` does not exist in database `{database}`. "
        "Verify that the spelling is correct."),
    "unknown relationship type": NotificationKind(
        "Neo.ClientNotification.Statement.UnknownRelationshipTypeWarning",
        "The provided relationship type is not in the database.",
        "One of the relationship types in your query is not available in the database, " + _UNRECOGNIZED_TAIL,
        "WARNING", "UNRECOGNIZED", "01N51",
        "warn: unknown relationship type. The relationship type `{name}` does not exist in database `{database}`. "
        "Verify that the spelling is correct."),
    "unknown property key": NotificationKind(
        "Neo.ClientNotification.Statement.UnknownPropertyKeyWarning", "The provided property key is not in the database",
        "One of the property names in your query is not available in the database, " + _UNRECOGNIZED_TAIL,
        "WARNING", "UNRECOGNIZED", "01N52",
        "warn: unknown property key. The property `{name}` does not exist in database `{database}`. "
        "Verify that the spelling is correct."),
    "cartesian product": NotificationKind(
        "Neo.ClientNotification.Statement.CartesianProduct",
        "This query builds a cartesian product between disconnected patterns.",
        "If a part of a query contains multiple disconnected patterns, this will build a cartesian product between "
        "all those parts. This may produce a large amount of data and slow down query processing. While "
        "occasionally intended, it may often be possible to reformulate the query that avoids the use of this cross "
        "product, perhaps by adding a relationship between the different parts or by using OPTIONAL MATCH "
        "({detail})",
        "INFORMATION", "PERFORMANCE", "03N90",
        "info: cartesian product. The disconnected patterns `{name}` build a cartesian product. A cartesian product "
        "may produce a large amount of data and slow down query processing."),
    "index or constraint does not exist": NotificationKind(
        "Neo.ClientNotification.Schema.IndexOrConstraintDoesNotExist", "`{detail}` has no effect.",
        "`{name}` does not exist.", "INFORMATION", "SCHEMA", "00NA1",
        "note: successful completion - index or constraint does not exist. `{detail}` has no effect. `{name}` does "
        "not exist."),
    "index or constraint already exists": NotificationKind(
        "Neo.ClientNotification.Schema.IndexOrConstraintAlreadyExists", "`{detail}` has no effect.",
        "`{name}` already exists.", "INFORMATION", "SCHEMA", "00NA0",
        "note: successful completion - index or constraint already exists. `{detail}` has no effect. `{name}` "
        "already exists."),
    "unbounded shortest path": NotificationKind(
        "Neo.ClientNotification.Statement.UnboundedVariableLengthPattern",
        "The provided pattern is unbounded, consider adding an upper limit to the number of node hops.",
        "Using shortest path with an unbounded pattern will likely result in long execution times. It is recommended "
        "to use an upper limit to the number of node hops in your pattern.",
        "INFORMATION", "PERFORMANCE", "03N91",
        "info: unbounded variable length pattern. The provided pattern `{name}` is unbounded. Shortest path with an "
        "unbounded pattern may result in long execution times. Use an upper limit (e.g. `[*..5]`) on the number of "
        "node hops in your pattern."),
    "fixed length shortest path": NotificationKind(
        "Neo.ClientNotification.Statement.FeatureDeprecationWarning",
        "This feature is deprecated and will be removed in future versions.",
        "The use of shortestPath and allShortestPaths with fixed length relationships is deprecated and will be "
        "removed in a future version. Please use a path with a length of 1 [r*1..1] instead or a Match with a limit.",
        "WARNING", "DEPRECATION", "01N01",
        "warn: feature deprecated with replacement. `{name}` is deprecated. It is replaced by `{detail}`."),
    "colon between relationship types": NotificationKind(
        "Neo.ClientNotification.Statement.FeatureDeprecationWarning",
        "This feature is deprecated and will be removed in future versions.",
        "The semantics of using colon in the separation of alternative relationship types will change in a future "
        "version. (Please use '{detail}' instead)",
        "WARNING", "DEPRECATION", "01N01",
        "warn: feature deprecated with replacement. `{name}` is deprecated. It is replaced by `{detail}`."),
    "deprecated feature": NotificationKind(
        "Neo.ClientNotification.Statement.FeatureDeprecationWarning",
        "This feature is deprecated and will be removed in future versions.", "{detail}",
        "WARNING", "DEPRECATION", "01N00", "warn: feature deprecated. {detail}"),
    "deprecated function": NotificationKind(
        "Neo.ClientNotification.Statement.FeatureDeprecationWarning",
        "This feature is deprecated and will be removed in future versions.",
        "The query used a deprecated function: `{name}`.",
        "WARNING", "DEPRECATION", "01N02",
        "warn: feature deprecated without replacement. `{name}` is deprecated and will be removed without a "
        "replacement."),
    "deprecated function with replacement": NotificationKind(
        "Neo.ClientNotification.Statement.FeatureDeprecationWarning",
        "This feature is deprecated and will be removed in future versions.",
        "The query used a deprecated function. ('{name}' has been replaced by '{detail}')",
        "WARNING", "DEPRECATION", "01N01",
        "warn: feature deprecated with replacement. `{name}` is deprecated. It is replaced by `{detail}`."),
    "deprecated procedure": NotificationKind(
        "Neo.ClientNotification.Statement.FeatureDeprecationWarning",
        "This feature is deprecated and will be removed in future versions.",
        "The query used a deprecated procedure: `{name}`.",
        "WARNING", "DEPRECATION", "01N02",
        "warn: feature deprecated without replacement. `{name}` is deprecated and will be removed without a "
        "replacement."),
    "deprecated procedure with replacement": NotificationKind(
        "Neo.ClientNotification.Statement.FeatureDeprecationWarning",
        "This feature is deprecated and will be removed in future versions.",
        "The query used a deprecated procedure. ('{name}' has been replaced by '{detail}')",
        "WARNING", "DEPRECATION", "01N01",
        "warn: feature deprecated with replacement. `{name}` is deprecated. It is replaced by `{detail}`."),
}

# The status of the outcome itself, which Bolt 5.6+ sends beside the notifications (the driver polyfills it on older
# versions): rows came back, the statement has columns but no rows, or it has no columns at all.
RESULT_STATUSES = {
    "success": ("00000", "note: successful completion"),
    "no data": ("02000", "note: no data"),
    "omitted result": ("00001", "note: successful completion - omitted result"),
}
SEVERITIES = ("INFORMATION", "WARNING")  # in rising order: a minimum severity keeps this one and those after it


@dataclass(frozen=True)
class Notification:
    """One notification of one statement: its kind, what it names (`name`), the detail of its Neo4j description,
    and where it points (`anchor`, a pattern found in the text by `locate`; `position` once found)."""

    kind: str
    name: str
    detail: str = ""
    anchor: str | None = None
    position: dict | None = None

    @property
    def definition(self) -> NotificationKind:
        return KINDS[self.kind]

    @property
    def severity(self) -> str:
        return self.definition.severity

    @property
    def category(self) -> str:
        return self.definition.category

    def as_notification(self, database: str) -> dict:
        """The Bolt ≤5.4 `notifications` entry (the driver's `ResultSummary.notifications` item)."""
        kind = self.definition
        entry = {"code": kind.code, "title": kind.title.format(name=self.name, detail=self.detail),
                 "description": kind.description.format(name=self.name, detail=self.detail, database=database),
                 "severity": kind.severity, "category": kind.category}
        if self.position is not None:
            entry["position"] = dict(self.position)
        return entry

    def as_status(self, database: str) -> dict:
        """The Bolt 5.6+ `statuses` entry, with the diagnostic record Neo4j gives."""
        kind = self.definition
        record = {"OPERATION": "", "OPERATION_CODE": "0", "CURRENT_SCHEMA": "/",
                  "_classification": kind.category, "_severity": kind.severity}
        if self.position is not None:
            record["_position"] = dict(self.position)
        notification = self.as_notification(database)
        return {"gql_status": kind.gql_status,
                "status_description": kind.status_description.format(name=self.name, detail=self.detail,
                                                                     database=database),
                "neo4j_code": kind.code, "title": notification["title"], "description": notification["description"],
                "diagnostic_record": record}


def result_status(outcome: str) -> dict:
    """The status entry of a statement's outcome: "success", "no data" or "omitted result"."""
    gql_status, description = RESULT_STATUSES[outcome]
    return {"gql_status": gql_status, "status_description": description,
            "diagnostic_record": {"OPERATION": "", "OPERATION_CODE": "0", "CURRENT_SCHEMA": "/"}}


def wanted(notification: Notification, minimum_severity: str | None, disabled: Iterable[str] = ()) -> bool:
    """Whether a client's filters keep `notification`: `minimum_severity` is "OFF", "WARNING" or "INFORMATION"
    (None keeps all), `disabled` the categories (classifications) it does not want."""
    if minimum_severity == "OFF":
        return False
    if minimum_severity in SEVERITIES and SEVERITIES.index(notification.severity) < SEVERITIES.index(minimum_severity):
        return False
    return notification.category not in set(disabled)


def locate(notifications: Iterable[Notification], text: str) -> tuple[Notification, ...]:
    """The notifications with their position in `text` (where their anchor is found)."""
    located = []
    for notification in notifications:
        found = re.search(notification.anchor, text, re.IGNORECASE) if notification.anchor else None
        if found is None:
            located.append(notification)
            continue
        offset = found.start("at") if "at" in found.re.groupindex else found.start()
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        located.append(replace(notification, position={"offset": offset, "line": line, "column": column}))
    return tuple(located)


# --- what the planner finds ---------------------------------------------------------------------------------

def unknown_label(name: str) -> Notification:
    return Notification("unknown label", name, f"the missing label name is: {name}",
                        rf":\s*`?(?P<at>{re.escape(name)})\b")


def unknown_relationship_type(name: str) -> Notification:
    return Notification("unknown relationship type", name, f"the missing relationship type is: {name}",
                        rf"[:|]\s*`?(?P<at>{re.escape(name)})\b")


def unknown_property_key(name: str) -> Notification:
    return Notification("unknown property key", name, f"the missing property name is: {name}",
                        rf"[.{{,]\s*`?(?P<at>{re.escape(name)})\b")


def dropped_nothing(statement: ast.Statement) -> Notification | None:
    """What `DROP INDEX name IF EXISTS` (or CONSTRAINT) reports when there was nothing to drop."""
    if not isinstance(statement, (ast.DropIndex, ast.DropConstraint)) or not statement.if_exists:
        return None
    name = f"${statement.name.name}" if isinstance(statement.name, ast.Parameter) else statement.name
    what = "INDEX" if isinstance(statement, ast.DropIndex) else "CONSTRAINT"
    return Notification("index or constraint does not exist", name, f"DROP {what} {name} IF EXISTS")


def deprecations(statement: ast.Node) -> list[Notification]:
    """The deprecated features a statement uses (functions each reported once), and what a shortest path's
    length asks for: a fixed length is deprecated, no upper bound is slow."""
    names = {node.lower_name for node in statement.walk()
             if isinstance(node, ast.FunctionCall) and node.lower_name in DEPRECATED_FUNCTIONS}
    found = [_deprecated("function", name, DEPRECATED_FUNCTIONS[name] or "",
                         rf"(?<![\w.`])(?P<at>{re.escape(name)})\s*\(") for name in sorted(names)]
    found += [colon_between_types(rel) for rel in statement.walk()
              if isinstance(rel, ast.RelationshipPattern) and rel.colon_alternatives and _plain_types(rel)]
    for part in (node for node in statement.walk() if isinstance(node, ast.PatternPart) and node.shortest):
        function = "shortestPath" if part.shortest == "shortest" else "allShortestPaths"
        anchor = rf"(?P<at>{function})\s*\("
        rel = part.element.relationships[0] if part.element.relationships else None
        if rel is not None and rel.length is None:
            text = _element_text(part.element)
            replacement = _element_text(ast.PatternElement(
                (ast.NodePattern("n"), ast.NodePattern("m")), (replace(rel, length=(1, 1)),)))
            found.append(Notification("fixed length shortest path", f"{function}({text})",
                                      f"{function}({replacement})", anchor))
        elif rel is not None and rel.length[1] is None:
            found.append(Notification("unbounded shortest path", _element_text(part.element), anchor=anchor))
    return found


def deprecated_procedure(name: str, replacement: str) -> Notification:
    """A CALL of the deprecated procedure `name` (`replacement` "" when nothing replaces it); Neo4j places it where
    the CALL clause starts (the position of its `ResolvedCall`)."""
    parts = r"\s*\.\s*".join(rf"`?{re.escape(part)}`?" for part in name.split("."))
    return _deprecated("procedure", name, replacement, rf"\b(?P<at>CALL)\s+{parts}(?!\w)")


def _deprecated(what: str, name: str, replacement: str, anchor: str) -> Notification:
    """Neo4j's DEPRECATED_FUNCTION/PROCEDURE_WITH_REPLACEMENT (01N01), or _WITHOUT_REPLACEMENT (01N02) when the
    replacement is blank, as its notification mapper chooses."""
    if replacement.strip():
        return Notification(f"deprecated {what} with replacement", name, replacement, anchor)
    return Notification(f"deprecated {what}", name, anchor=anchor)


def colon_between_types(rel: ast.RelationshipPattern) -> Notification:
    """`[:A|:B]`, deprecated for `[:A|B]`; the position is the last `|:`, where Neo4j's outermost colon
    disjunction starts."""
    names = [_type_text(name) for name in rel.types]
    pieces = [rf"`?{re.escape(name)}`?" for name in rel.types]
    anchor = r":\s*" + r"\s*\|\s*:?\s*".join(pieces[:-1]) + r"\s*(?P<at>\|)\s*:\s*" + pieces[-1]
    return Notification("colon between relationship types", ":" + "|:".join(names), ":" + "|".join(names), anchor)


def _plain_types(rel: ast.RelationshipPattern) -> bool:
    """Where Neo4j deprecates the colon rather than refusing it: an unnamed relationship of static types with no
    length, property map or predicate (graphplex accepts the others silently, as earlier Cypher did)."""
    return (rel.variable is None or rel.variable.startswith(" ")) and not rel.dynamic_types and \
        rel.length is None and rel.properties is None and rel.predicate is None and len(rel.types) > 1


def _type_text(name: str) -> str:
    return name if re.fullmatch(r"[^\W\d]\w*", name) else "`" + name.replace("`", "``") + "`"


def importing_with(clause: ast.CallSubquery, outer: list[str]) -> Notification | None:
    """`CALL { WITH x … }` importing variables of the outer query: deprecated since 5.23 for `CALL (x) { … }`."""
    if clause.scope is not None:
        return None
    names: list[str] = []
    for part in clause.query.parts:
        first = part.clauses[0] if part.clauses else None
        if not isinstance(first, ast.With):
            continue
        projection = first.projection
        found = list(outer) if projection.star else [
            item.expression.name for item in projection.items
            if isinstance(item.expression, ast.Variable) and item.expression.name in outer]
        names += [name for name in found if name not in names and not name.startswith(" ")]
    if not names:
        return None
    return Notification("deprecated feature", "CALL", "`CALL` subquery without a variable scope clause is deprecated. "
                        f"Use `CALL ({', '.join(names)}) {{...}}`", r"(?P<at>\bCALL)\s*\{")


def match_tokens(statement: ast.Node) -> tuple[set[str], set[str]]:
    """The labels and relationship types that MATCH clauses (with their WHERE) name: Neo4j warns when one of them
    does not exist, and not for the ones a CREATE or MERGE brings in."""
    labels: set[str] = set()
    types: set[str] = set()
    for match in (node for node in statement.walk() if isinstance(node, ast.Match)):
        for node in match.walk():
            if isinstance(node, ast.LabelName):
                labels.add(node.name)
            elif isinstance(node, ast.LabelCheck):
                labels.update(node.labels)
            elif isinstance(node, ast.RelationshipPattern):
                types.update(node.types)
    return labels, types


def read_property_keys(statement: ast.Node) -> set[str]:
    """The property keys a statement reads of nodes and relationships: `v.key` (and `v {.key}`) where `v` is
    bound by a pattern to a node or a single relationship (or renamed from one by `WITH v AS w`), and the keys of
    patterns' property maps. Neo4j warns for these only (not `map.key`), and only in a read-only statement: a
    caller asks for those alone (no CREATE or MERGE here, so every pattern's map is a predicate). One walk: the
    planner runs it on every statement it plans."""
    entities: set[str] = set()
    read: list[tuple[str, str]] = []
    keys: set[str] = set()
    for node in statement.walk():
        kind = type(node)
        if kind is ast.Property:
            if type(node.subject) is ast.Variable:
                read.append((node.subject.name, node.key))
        elif kind is ast.NodePattern or kind is ast.RelationshipPattern:
            if node.variable and (kind is ast.NodePattern or node.length is None):
                entities.add(node.variable)
            if type(node.properties) is ast.MapLiteral:
                keys.update(key for key, _ in node.properties.items)
        elif kind is ast.ReturnItem:
            if type(node.expression) is ast.Variable and node.expression.name in entities:
                entities.add(node.name)
        elif kind is ast.MapProjection:
            read += [(node.subject.name, item[1]) for item in node.items if item[0] == "property"]
    keys.update(key for name, key in read if name in entities)
    return keys


def cartesian_product(pattern: tuple[ast.PatternPart, ...], bound: set[str]) -> Notification | None:
    """The notification of a MATCH whose pattern parts fall into disconnected groups (variables bound before
    connect the parts that use them)."""
    groups: list[tuple[set[str], list[ast.PatternPart]]] = []
    for part in pattern:
        names = _part_variables(part)
        joined = [g for g in groups if g[0] & names or (g[0] & bound and names & bound)]
        merged = (set(names), [part])
        for group in joined:
            groups.remove(group)
            merged[0].update(group[0])
            merged[1][:0] = group[1]
        groups.append(merged)
    if len(groups) < 2:
        return None
    groups.sort(key=lambda group: pattern.index(group[1][0]))
    identifiers = sorted(name for _, parts in groups[1:] for part in parts for name in _part_variables(part)
                         if not name.startswith(" "))
    noun = "identifier is" if len(identifiers) == 1 else "identifiers are"
    first_node = groups[1][1][0].element.nodes[0]
    anchor = rf"\(\s*(?P<at>{re.escape(first_node.variable)})\b" if first_node.variable else None
    return Notification("cartesian product", ", ".join(_part_text(part) for part in pattern),
                        f"{noun}: ({', '.join(identifiers)})", anchor)


def _part_variables(part: ast.PatternPart) -> set[str]:
    names = {node.variable for node in part.element.nodes if node.variable}
    names.update(rel.variable for rel in part.element.relationships if rel.variable)
    return names


def _part_text(part: ast.PatternPart) -> str:
    """A pattern part as Cypher text, enough to recognise it: variables, labels, types and lengths."""
    text = _element_text(part.element)
    return f"{part.variable} = {text}" if part.variable else text


def _element_text(element: ast.PatternElement) -> str:
    text = _node_text(element.nodes[0])
    for rel, node in zip(element.relationships, element.nodes[1:]):
        inner = (_display(rel.variable) + "".join(f":{t}" for t in rel.types[:1])
                 + "".join(f"|{t}" for t in rel.types[1:]) + _length_text(rel.length))
        body = f"-[{inner}]-" if inner else "--"
        text += ("<" if rel.direction == "in" else "") + body + (">" if rel.direction == "out" else "")
        text += _node_text(node)
    return text


def _length_text(length: tuple[int | None, int | None] | None) -> str:
    if length is None:
        return ""
    low, high = length
    return "*" if low is None and high is None else f"*{'' if low is None else low}..{'' if high is None else high}"


def _display(name: str | None) -> str:
    return "" if name is None or name.startswith(" ") else name


def _node_text(node: ast.NodePattern) -> str:
    labels = node.labels
    names = [labels.name] if isinstance(labels, ast.LabelName) else (
        [item.name for item in labels.items if isinstance(item, ast.LabelName)] if isinstance(labels, ast.LabelAll)
        else [])
    return "(" + _display(node.variable) + "".join(f":{name}" for name in names) + ")"
