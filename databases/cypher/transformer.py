"""Turns the parse tree into the AST of `databases.cypher.ast`.

The grammar parses patterns that appear inside expressions as parenthesised expressions followed by
relationships (which keeps it LALR); this transformer converts such a first "node" back into a `NodePattern`,
and likewise sorts list literals from comprehensions and `p = (a)-->(b)` from an equality.
"""
from __future__ import annotations

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.lalr import Token, Transformer, Tree, with_meta
from graphplex.databases.cypher.privileges import memgraph_privilege_names, privilege_name
from graphplex.databases.cypher.syntax_errors import integer_too_large
from graphplex.databases.errors import CypherSyntaxError

MAX_INT = 2 ** 63 - 1

_TYPE_SYNONYMS = {
    "INT": "INTEGER", "SIGNED INTEGER": "INTEGER", "BOOL": "BOOLEAN", "VARCHAR": "STRING",
    "TIMESTAMP WITH TIME ZONE": "ZONED DATETIME", "TIMESTAMP WITHOUT TIME ZONE": "LOCAL DATETIME",
    "TIME WITH TIME ZONE": "ZONED TIME", "TIME WITHOUT TIME ZONE": "LOCAL TIME", "TIMESTAMP": "ZONED DATETIME",
    "ARRAY": "LIST", "ANY NODE": "NODE", "ANY RELATIONSHIP": "RELATIONSHIP", "EDGE": "RELATIONSHIP",
    "ANY EDGE": "RELATIONSHIP", "ANY MAP": "MAP", "ANY PROPERTY VALUE": "PROPERTY VALUE", "ANY VALUE": "ANY",
    "NULL": "NULL", "NOTHING": "NOTHING",
}
# Memgraph's type constraint kinds (typeConstraintType of MemgraphCypher.g4) that Neo4j spells otherwise; its LIST is
# a list of anything, which Neo4j's constraints cannot say.
_MEMGRAPH_CONSTRAINT_TYPES = {"LOCALTIME": "LOCAL TIME", "LOCALDATETIME": "LOCAL DATETIME",
                              "ZONEDDATETIME": "ZONED DATETIME"}


# --- transient results that only live inside the transformer ----------------------------------------------


@ast.node
class _Where:
    expression: ast.Expr


@ast.node
class _Skip:
    expression: ast.Expr


@ast.node
class _Limit:
    expression: ast.Expr


@ast.node
class _Properties:
    expression: ast.Expr


@ast.node
class _Types:
    names: tuple[str, ...]
    dynamic: tuple[ast.DynamicLabels, ...] = ()
    colons: bool = False  # a colon after `|` (`:A|:B`)


@ast.node
class _Length:
    bounds: tuple[int | None, int | None]


@ast.node
class _Tail:
    kind: str
    operand: object = None


@ast.node
class _Union:
    all: bool
    query: ast.SingleQuery


@ast.node
class _Option:
    name: str
    value: object = None


@ast.node
class NodeCandidate(ast.Expr):
    """Something written like a node (`(:A)`, `(a:A {k: 1})`, `(a WHERE …)`) that is only valid as the start of a
    pattern; any left in the final AST is a syntax error."""

    node: ast.NodePattern


def _significant(children: list) -> list:
    """The children that are not keyword tokens."""
    return [c for c in children if not isinstance(c, Token)]


def _has(children: list, keyword: str) -> bool:
    return any(isinstance(c, Token) and c.type == keyword for c in children)


def _of_type(children: list, cls) -> list:
    return [c for c in children if isinstance(c, cls)]


def _first(children: list, cls, default=None):
    for c in children:
        if isinstance(c, cls):
            return c
    return default


def unescape_string(text: str) -> str:
    """A Cypher string literal (with its quotes) as a Python string."""
    body = text[1:-1]
    if "\\" not in body:
        return body
    out = []
    i = 0
    simple = {"\\": "\\", "'": "'", '"': '"', "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "`": "`"}
    while True:
        escape = body.find("\\", i)   # the text between escapes is copied whole: a literal may be megabytes
        if escape < 0:
            out.append(body[i:])
            break
        out.append(body[i:escape])
        i = escape
        nxt = body[i + 1]
        if nxt in simple:
            out.append(simple[nxt])
            i += 2
        elif nxt in "uU":
            width = 4 if nxt == "u" else 8
            digits = body[i + 2:i + 2 + width]
            if len(digits) != width or any(c not in "0123456789abcdefABCDEF" for c in digits) \
                    or int(digits, 16) > 0x10FFFF:
                raise CypherSyntaxError(f"Invalid input '\\{nxt}{digits}': expected a unicode escape of {width} "
                                        "hexadecimal digits")
            out.append(chr(int(digits, 16)))
            i += 2 + width
        else:
            out.append("\\" + nxt)
            i += 2
    return "".join(out)


def _name(token: Token | str) -> str:
    text = str(token)
    if text.startswith("`"):
        return text[1:-1].replace("``", "`")
    return text


class _SecurityTransforms:
    """Users, roles and privileges."""

    def principal(self, children):
        return children[0]

    def principals(self, children):
        return tuple(children)

    def typed_grantee(self, children):
        return _Grantee(children[0].type, children[-1])

    def password(self, children):
        child = children[0]
        return unescape_string(str(child)) if isinstance(child, Token) else child

    def password_change(self, children):
        return _Option("change_required", not _has(children, "NOT"))

    def set_password(self, children):
        password = next(c for c in children if isinstance(c, (str, ast.Parameter)) and not isinstance(c, Token))
        change = next((c.value for c in children if isinstance(c, _Option)), None)
        return _Option("user", {"password": password, "encrypted": _has(children, "ENCRYPTED"),
                                "change_required": change})

    def set_password_change(self, children):
        return _Option("user", {"change_required": children[-1].value})

    def set_status(self, children):
        return _Option("user", {"status": children[-1].type})

    def set_home_database(self, children):
        return _Option("user", {"home_database": children[-1].value})

    def _settings(self, children) -> ast.UserSettings:
        values: dict = {}
        for child in children:
            if isinstance(child, _Option) and child.name == "user":
                values.update({k: v for k, v in child.value.items() if v is not None or k == "password"})
        if _has(children, "REMOVE"):
            values["remove_home_database"] = True
        return ast.UserSettings(**values)

    def create_user(self, children):
        name = next(c for c in children if _is_name(c))
        return ast.CreateUser(name, self._settings(children), _has(children, "IF"),
                              _or_replace(children, "user", name))

    def alter_user(self, children):
        name = next(c for c in children if _is_name(c))
        return ast.AlterUser(name, self._settings(children), _has(children, "IF"))

    def drop_user(self, children):
        return ast.DropUser(next(c for c in children if _is_name(c)), _has(children, "IF"))

    def rename_user(self, children):
        old, new = [c for c in children if _is_name(c)]
        return ast.RenameUser(old, new, _has(children, "IF"))

    def show_users(self, children):
        return ast.ShowUsers(**_tail(children))

    def show_current_user(self, children):
        return ast.ShowUsers(**_tail(children), current=True)

    def alter_current_user(self, children):
        old, new = [c for c in children if _is_name(c)]
        return ast.AlterCurrentUserPassword(old, new)

    def create_role(self, children):
        names = [c for c in children if _is_name(c)]
        return ast.CreateRole(names[0], _has(children, "IF"), _or_replace(children, "role", names[0]),
                              names[1] if len(names) > 1 else None)

    def drop_role(self, children):
        return ast.DropRole(next(c for c in children if _is_name(c)), _has(children, "IF"))

    def rename_role(self, children):
        old, new = [c for c in children if _is_name(c)]
        return ast.RenameRole(old, new, _has(children, "IF"))

    def role_filter(self, children):
        return _Option("populated", children[0].type == "POPULATED")

    def show_roles(self, children):
        return ast.ShowRoles(**_tail(children), populated=_flag(children, "populated"),
                             with_users=_has(children, "WITH"))

    # --- privileges --------------------------------------------------------------------------------------

    def word(self, children):
        child = children[0]
        if isinstance(child, ast.Parameter):
            return child
        if isinstance(child, Tree):
            child = child.children[0]
        return _Word(str(child))

    def privilege_keyword(self, children):
        return children[0]

    def property_set(self, children):
        return _Option("properties", children[0])

    def property_names(self, children):
        return "*" if _has(children, "STAR") else tuple(c for c in children if isinstance(c, str))

    def user_set(self, children):
        return _Option("users", children[0])

    def principal_or_star(self, children):
        return "*" if _has(children, "STAR") else children[0]

    def comma(self, children):
        return _Option("comma")

    def privilege(self, children):
        scope = next((c for c in children if isinstance(c, _Scope)), None)
        return (list(c for c in children if not isinstance(c, _Scope)), scope)

    def graph_scope(self, children):
        return _Scope("GRAPH", _first(children, _Names).value, *_segment(children))

    def named_graph_scope(self, children):
        return _Scope("GRAPH", children[0].type, *_segment(children))

    def database_scope(self, children):
        return _Scope("DATABASE", _first(children, _Names).value)

    def named_database_scope(self, children):
        return _Scope("DATABASE", children[0].type)

    def dbms_scope(self, children):
        return _Scope("DBMS", "*")

    def all_data_scope(self, children):
        return _Scope("LOAD", "*")

    def url_scope(self, children):
        return _Scope("LOAD", (children[0].type, unescape_string(str(children[1]))))

    def graph_names(self, children):
        if _has(children, "STAR"):
            return _Names("*")
        return _Names(tuple(c.value for c in children if isinstance(c, _Option)))

    def segment(self, children):
        kind = children[0].type.rstrip("S") + "S"
        labels = "*" if any(isinstance(c, Token) and c.type == "STAR" for c in children[1:2]) else \
            tuple(c for c in children if isinstance(c, str) and not isinstance(c, Token))
        return _Option("segment", (kind, labels))

    def grant_command(self, children):
        return _privilege_command("GRANT", children)

    def deny_command(self, children):
        return _privilege_command("DENY", children)

    def revoke_command(self, children):
        return _privilege_command("REVOKE", children)

    def all_filter(self, children):
        return _Option("filter", ("ALL", ()))

    def role_privilege_filter(self, children):
        return _Option("filter", ("ROLE", children[-1]))

    def user_privilege_filter(self, children):
        names = children[-1] if isinstance(children[-1], tuple) else ()
        return _Option("filter", ("USER", names))

    def show_privileges(self, children):
        kind, names = next((c.value for c in children if isinstance(c, _Option) and c.name == "filter"),
                           ("ALL", ()))
        return ast.ShowPrivileges(**_tail(children), filter=kind, names=names,
                                  as_commands=_has(children, "COMMANDS"), as_revoke=_has(children, "REVOKE"))


@ast.node
class _Word:
    text: str


@ast.node
class _Grantee:
    """Memgraph's `USER alice` or `ROLE ops` after TO or FROM."""

    kind: str
    name: object


@ast.node
class _Names:
    value: object


@ast.node
class _Scope:
    kind: str
    targets: object
    segment: str | None = None
    labels: object = "*"


def _segment(children) -> tuple:
    found = next((c.value for c in children if isinstance(c, _Option) and c.name == "segment"), None)
    return found if found is not None else (None, "*")


def _is_name(child) -> bool:
    return isinstance(child, ast.Parameter) or (isinstance(child, str) and not isinstance(child, Token))


def _privilege_command(action: str, children) -> ast.Statement:
    words, scope = next(c for c in children if isinstance(c, tuple) and len(c) == 2 and isinstance(c[0], list))
    roles = children[-1]
    grantee = roles if isinstance(roles, _Grantee) else None
    if grantee is not None:
        roles = (grantee.name,)
    texts = [w.text.upper() for w in words if isinstance(w, _Word)]
    revoke_kind = None
    if action == "REVOKE" and texts and texts[0] in ("GRANT", "DENY") and scope is not None:
        revoke_kind = texts[0]
        words = words[1:]
        texts = texts[1:]
    if scope is None:
        if texts and texts[0] in ("ROLE", "ROLES") and action in ("GRANT", "REVOKE"):
            names = tuple(w.text if isinstance(w, _Word) else w for w in words[1:]
                          if isinstance(w, (_Word, ast.Parameter)))
            if not names:
                raise CypherSyntaxError("Invalid input: expected the roles to grant")
            if grantee is not None and grantee.kind != "USER":
                raise CypherSyntaxError("Invalid input 'ROLE': roles are granted to users")
            return (ast.GrantRoles if action == "GRANT" else ast.RevokeRoles)(names, roles)
        return _memgraph_privilege_command(action, words, roles, grantee.kind if grantee is not None else None)
    if grantee is not None:
        raise CypherSyntaxError(f"Invalid input '{grantee.kind}': a privilege ON a scope is granted to roles, "
                                "named without USER or ROLE")
    properties = next((w.value for w in words if isinstance(w, _Option) and w.name == "properties"), None)
    users = next((w.value for w in words if isinstance(w, _Option) and w.name == "users"), None)
    plain = [w.text for w in words if isinstance(w, _Word)]
    name, named = privilege_name([t.upper() for t in plain], scope.kind)
    if named is not None:
        named = tuple(plain[len(plain) - len(named):])
    qualifier = named if named is not None else users
    return ast.PrivilegeCommand(action, ast.Privilege(name, scope.kind, scope.targets, scope.segment, scope.labels,
                                                      properties, qualifier), roles, revoke_kind)


def _memgraph_privilege_command(action: str, words, targets, kind: str | None) -> ast.MemgraphPrivilegeCommand:
    """Memgraph's form: a comma-separated list of its privileges (or ALL PRIVILEGES) and one user or role."""
    groups: list[list[str]] = [[]]
    for word in words:
        if isinstance(word, _Option) and word.name == "comma":
            groups.append([])
        elif isinstance(word, _Word):
            groups[-1].append(word.text)
        else:
            raise CypherSyntaxError("Invalid input: expected ON and the scope of the privilege")
    names = memgraph_privilege_names(groups)
    if len(targets) != 1:
        raise CypherSyntaxError(f"Invalid input: Memgraph's {action} of {', '.join(names)} names one user or role")
    return ast.MemgraphPrivilegeCommand(action, names, targets[0], kind)


class _AdministrationTransforms:
    """Transaction control, transaction management and database administration statements."""

    def begin_command(self, children):
        return ast.TransactionControl("BEGIN")

    def commit_command(self, children):
        return ast.TransactionControl("COMMIT")

    def rollback_command(self, children):
        return ast.TransactionControl("ROLLBACK")

    def isolation_scope(self, children):
        return children[0].type

    def isolation_level(self, children):
        return "_".join(c.type for c in children)

    def set_isolation_level(self, children):
        scope, level = [c for c in children if isinstance(c, str) and not isinstance(c, Token)]
        return ast.SetIsolationLevel(scope, level)

    def show_transactions(self, children):
        return ast.ShowTransactions(**_tail(children), ids=_ids(children))

    def terminate_transactions(self, children):
        return ast.TerminateTransactions(**_tail(children), ids=_ids(children))

    def storage_mode(self, children):
        return ast.SetStorageMode(str(children[-1]).upper())

    def storage_info_target(self, children):
        if _has(children, "CURRENT"):
            return _Option("storage", (None, True))
        return _Option("storage", (children[-1].value, False))

    def show_storage_info(self, children):
        target = next((c.value for c in children if isinstance(c, _Option)), (None, False))
        return ast.ShowStorageInfo(target[0], target[1])

    def create_snapshot(self, children):
        return ast.CreateSnapshot()

    # --- Memgraph's triggers ---

    def create_trigger(self, children):
        name = children[2]
        security = next((c.value for c in children if isinstance(c, _Option) and c.name == "security"), "DEFINER")
        event = next((c.value for c in children if isinstance(c, _Option) and c.name == "event"), "ANY")
        phase = next(str(c).upper() for c in children if isinstance(c, Token) and c.type in ("BEFORE", "AFTER"))
        statement = str(children[-1]).strip()
        if statement.endswith(";"):  # the statement's own end, which the trigger's text does not keep
            statement = statement[:-1].rstrip()
        return ast.CreateTrigger(name, event, f"{phase} COMMIT", statement, security)

    def trigger_security(self, children):
        return _Option("security", str(children[1]).upper())

    def trigger_event(self, children):
        action = str(children[-1]).upper()
        target = children[1] if len(children) == 3 else None
        return _Option("event", f"{target} {action}" if target is not None else action)

    def vertex_object(self, children):
        return "()"

    def edge_object(self, children):
        return "-->"

    def drop_trigger(self, children):
        return ast.DropTrigger(children[2])

    def show_triggers(self, children):
        return ast.ShowTriggers()

    def database_name(self, children):
        if isinstance(children[0], ast.Parameter):
            return _Option("database", children[0])
        return _Option("database", ".".join(children))

    def or_replace(self, children):
        return _Option("or_replace", True)

    def data_option(self, children):
        return _Option("dump", children[0].type == "DUMP")

    def wait_option(self, children):
        return _Option("wait", children[0].type == "WAIT")

    def create_database(self, children):
        options = next((c.value for c in children if isinstance(c, _Option) and c.name == "options"), None)
        return ast.CreateDatabase(_database(children), _has(children, "IF"),
                                  _or_replace(children, "database", _database(children)),
                                  options, _flag(children, "wait"))

    def alias_action(self, children):
        return _Option("cascade", children[0].type == "CASCADE")

    def drop_database(self, children):
        return ast.DropDatabase(_database(children), _has(children, "IF"), _flag(children, "dump"),
                                _flag(children, "wait"), _flag(children, "cascade"))

    def start_database(self, children):
        return ast.StartDatabase(_database(children), _flag(children, "wait"))

    def stop_database(self, children):
        return ast.StopDatabase(_database(children), _flag(children, "wait"))

    def alter_database(self, children):
        access = "READ ONLY" if _has(children, "ONLY") else "READ WRITE"
        return ast.AlterDatabase(_database(children), access, _has(children, "IF"))

    def show_database(self, children):
        return ast.ShowDatabases(**_tail(children), scope="NAMED", name=_database(children))

    def show_current_database(self, children):
        return ast.ShowCurrentDatabase(_has(children, "CURRENT"))

    def show_databases(self, children):
        return ast.ShowDatabases(**_tail(children), scope="ALL")

    def show_default_database(self, children):
        return ast.ShowDatabases(**_tail(children), scope="DEFAULT")

    def show_home_database(self, children):
        return ast.ShowDatabases(**_tail(children), scope="HOME")

    def create_composite_database(self, children):
        options = next((c.value for c in children if isinstance(c, _Option) and c.name == "options"), None)
        return ast.CreateCompositeDatabase(_database(children), _has(children, "IF"),
                                           _or_replace(children, "composite database", _database(children)),
                                           options, _flag(children, "wait"))

    def drop_composite_database(self, children):
        return ast.DropCompositeDatabase(_database(children), _has(children, "IF"), False, _flag(children, "wait"),
                                         _flag(children, "cascade"))

    def alias_url(self, children):
        child = children[0]
        return _Option("url", unescape_string(str(child)) if isinstance(child, Token) else child)

    def alias_remote(self, children):
        options = {c.name: c.value for c in children if isinstance(c, _Option)}
        principal = next(c for c in children if not isinstance(c, (Token, _Option)))
        password = next(c for c in reversed(children) if not isinstance(c, (Token, _Option)))
        return _Option("remote", {"url": options["url"], "user": principal, "password": password,
                                  "driver": options.get("driver")})

    def alias_driver(self, children):
        return _Option("driver", children[-1])

    def alias_properties(self, children):
        return _Option("properties", children[-1])

    def alias_target(self, children):
        databases = [c.value for c in children if isinstance(c, _Option) and c.name == "database"]
        url = next((c.value for c in children if isinstance(c, _Option) and c.name == "url"), None)
        return _Option("changes", {"target": databases[0], "url": url})

    def alias_user(self, children):
        return _Option("changes", {"user": children[-1]})

    def alias_password(self, children):
        return _Option("changes", {"password": children[-1]})

    def create_alias(self, children):
        name, target = [c.value for c in children if isinstance(c, _Option) and c.name == "database"]
        remote = next((c.value for c in children if isinstance(c, _Option) and c.name == "remote"), {})
        properties = next((c.value for c in children if isinstance(c, _Option) and c.name == "properties"), None)
        return ast.CreateAlias(name, target, _has(children, "IF"), _or_replace(children, "database alias", name),
                               properties=properties, **remote)

    def alter_alias(self, children):
        changes: dict = {}
        for child in children:
            if isinstance(child, _Option) and child.name in ("driver", "properties"):
                changes[child.name] = child.value
            elif isinstance(child, _Option) and child.name == "changes":
                changes.update(child.value)
        return ast.AlterAlias(_database(children), _has(children, "IF"), **changes)

    def drop_alias(self, children):
        return ast.DropAlias(_database(children), _has(children, "IF"))

    def show_aliases(self, children):
        return ast.ShowAliases(**_tail(children), name=_database(children))

    def show_procedures(self, children):
        executable = next((c for c in children if isinstance(c, _Option) and c.name == "executable_by"), None)
        return ast.ShowProcedures(**_tail(children), executable=executable is not None,
                                  user=executable.value if executable is not None else None)

    def show_settings(self, children):
        return ast.ShowSettings(**_tail(children), names=_ids(children))

    def function_kind(self, children):
        return _Option("function_kind", " ".join(c.type for c in children))

    def show_functions(self, children):
        kind = next((c.value for c in children if isinstance(c, _Option) and c.name == "function_kind"), "ALL")
        return ast.ShowFunctions(**_tail(children), kind=kind)

    def executable_by(self, children):
        """The user named after EXECUTABLE BY (None: the current user, also when BY is left out)."""
        return _Option("executable_by", children[-1] if len(children) == 3 else None)


class CypherTransformer(Transformer, _AdministrationTransforms, _SecurityTransforms):
    """The parse tree → AST. Instantiated per parse with the source text (for column names)."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    # --- names -------------------------------------------------------------------------------------------

    def symbolic_name(self, children):
        child = children[0]
        return _name(child) if isinstance(child, Token) else child

    def keyword_name(self, children):
        return str(children[0])

    def variable(self, children):
        return children[0]

    label_name = rel_type_name = property_key = variable

    def variable_reference(self, children):
        return ast.Variable(children[0])

    def variable_list(self, children):
        return tuple(children)

    property_key_list = variable_list

    def node_labels(self, children):
        return tuple(children)

    # --- statements --------------------------------------------------------------------------------------

    def start(self, children):
        return children[0]

    def use_prefixed(self, children):
        return ast.UseSchema(children[0].graph, children[1])

    def use_database(self, children):
        return ast.UseDatabase(_database(children))

    def explain(self, children):
        return ast.Explain(children[-1])

    def profile(self, children):
        return ast.Profile(children[-1])

    def regular_query(self, children):
        first, unions = children[0], children[1:]
        parts = (first,) + tuple(u.query for u in unions)
        return ast.Query(parts, tuple(u.all for u in unions))

    def union(self, children):
        return _Union(_has(children, "ALL"), children[-1])

    def limited_query(self, children):
        query, limit = children
        return ast.Query(query.parts, query.union_all, limit.value)

    def query_memory_limit(self, children):
        return children[-1]

    def procedure_memory_limit(self, children):
        return children[-1]

    def memory_unlimited(self, children):
        return _Option("memory", None)

    def memory_bounded(self, children):
        amount = int(str(children[2]).replace("_", ""))
        return _Option("memory", amount * (1024 if children[3].type == "KB" else 1024 * 1024))

    def single_query(self, children):
        return ast.SingleQuery(tuple(children))

    # --- clauses -----------------------------------------------------------------------------------------

    def use_clause(self, children):
        name, arguments = children[-1]
        if arguments is None:
            return ast.Use(name)
        if name.lower() != ast.GRAPH_BY_NAME.lower() or len(arguments) != 1:
            raise CypherSyntaxError(f"Invalid graph reference: {name}(…): a graph is chosen with "
                                    "graph.byName(name) only")
        return ast.Use(ast.GRAPH_BY_NAME, arguments[0])

    def graph_reference(self, children):
        names = [c for c in children if isinstance(c, str) and not isinstance(c, Token)]
        called = any(isinstance(c, Token) and c == "(" for c in children) or \
            any(isinstance(c, (tuple, list)) for c in children)
        arguments = next((tuple(c) for c in children if isinstance(c, (tuple, list))), ())
        return ".".join(names), (arguments if called else None)

    def match_clause(self, children):
        where = _first(children, _Where)
        hints = tuple(c for c in children if isinstance(c, tuple) and c and c[0] in ("index", "scan", "join"))
        pattern = next(c for c in children if isinstance(c, tuple) and (not c or isinstance(c[0], ast.PatternPart)))
        return ast.Match(pattern, where.expression if where else None, _has(children, "OPTIONAL"), hints)

    def index_hint(self, children):
        sig = _significant(children)
        return ("index", sig[0], sig[1], sig[2])

    def scan_hint(self, children):
        sig = _significant(children)
        return ("scan", sig[0], sig[1])

    def join_hint(self, children):
        return ("join", _significant(children)[0])

    def where(self, children):
        return _Where(children[-1])

    node_where = where

    def unwind_clause(self, children):
        sig = _significant(children)
        return ast.Unwind(sig[0], sig[1])

    def with_clause(self, children):
        where = _first(children, _Where)
        return ast.With(_first(children, ast.Projection), where.expression if where else None)

    def return_clause(self, children):
        return ast.Return(_first(children, ast.Projection))

    def projection_body(self, children):
        star, items = next(c for c in children if isinstance(c, tuple) and len(c) == 2 and isinstance(c[0], bool))
        order = next((c for c in children if isinstance(c, tuple) and c and isinstance(c[0], ast.SortItem)), ())
        skip, limit = _first(children, _Skip), _first(children, _Limit)
        return ast.Projection(items, star, _has(children, "DISTINCT"), order,
                              skip.expression if skip else None, limit.expression if limit else None)

    def projection_items(self, children):
        star = _has(children, "STAR")
        return (star, tuple(c for c in children if isinstance(c, ast.ReturnItem)))

    @with_meta
    def projection_item(self, meta, children):
        expression = children[0]
        sig = _significant(children)
        if len(sig) == 2:
            return ast.ReturnItem(expression, sig[1], True)
        text = self.source[meta.start_pos:meta.end_pos]
        if isinstance(expression, ast.Variable) and text.startswith("`"):
            return ast.ReturnItem(expression, expression.name, False)
        if isinstance(expression, ast.MapProjection):
            return ast.ReturnItem(expression, expression.subject.name, False)
        return ast.ReturnItem(expression, text, False)

    def order_by(self, children):
        return tuple(_of_type(children, ast.SortItem))

    def sort_item(self, children):
        descending = len(children) > 1 and children[1] is True
        return ast.SortItem(children[0], descending)

    def sort_direction(self, children):
        return children[0].type in ("DESC", "DESCENDING")

    def skip(self, children):
        return _Skip(children[-1])

    def limit(self, children):
        return _Limit(children[-1])

    def create_clause(self, children):
        return ast.Create(children[-1])

    def merge_clause(self, children):
        sig = _significant(children)
        on_create = tuple(item for kind, items in sig[1:] if kind == "create" for item in items)
        on_match = tuple(item for kind, items in sig[1:] if kind == "match" for item in items)
        return ast.Merge(sig[0], on_create, on_match)

    def on_match(self, children):
        return ("match", children[-1].items)

    def on_create(self, children):
        return ("create", children[-1].items)

    def set_clause(self, children):
        return ast.SetClause(tuple(_significant(children)))

    def set_property(self, children):
        return ast.SetProperty(children[0], children[1])

    def set_all(self, children):
        return ast.SetAllProperties(children[0], children[1])

    def set_merge(self, children):
        return ast.MergeProperties(children[0], children[1])

    def set_labels(self, children):
        return ast.SetLabels(children[0], children[1])

    def property_target(self, children):
        subject = children[0]
        target = ast.Variable(subject) if isinstance(subject, str) else subject
        for key in children[1:]:
            target = ast.Property(target, key)
        return target

    def dynamic_property_target(self, children):
        return ast.Subscript(ast.Variable(children[0]), children[1])

    def remove_clause(self, children):
        return ast.Remove(tuple(_significant(children)))

    def remove_labels(self, children):
        return ast.RemoveLabels(children[0], children[1])

    def remove_property(self, children):
        return ast.RemoveProperty(children[0])

    def delete_clause(self, children):
        return ast.Delete(tuple(_significant(children)), _has(children, "DETACH"))

    def foreach_clause(self, children):
        sig = _significant(children)
        return ast.Foreach(sig[0], sig[1], tuple(sig[2:]))

    @with_meta
    def call_subquery(self, meta, children):
        query = _first(children, ast.Query)
        scope = next((c for c in children if isinstance(c, tuple) or c == "*"), None)
        text = self.source[meta.start_pos:meta.end_pos]   # IN TRANSACTIONS … after the body holds no brace
        return ast.CallSubquery(query, scope, _first(children, ast.InTransactions), _has(children, "OPTIONAL"),
                                text[text.index("{") + 1:text.rindex("}")])

    def subquery_scope(self, children):
        if _has(children, "STAR"):
            return "*"
        return children[0] if children else ()

    def in_transactions(self, children):
        sig = [c for c in _significant(children) if not isinstance(c, _Option)]
        concurrency = sig[0] if sig and _has(children, "CONCURRENT") else None   # IN [n] CONCURRENT TRANSACTIONS
        batch = next((c.value for c in children if isinstance(c, _Option) and c.name == "batch"), None)
        error = next((c.value for c in children if isinstance(c, _Option) and c.name == "error"), "FAIL")
        report = next((c.value for c in children if isinstance(c, _Option) and c.name == "report"), None)
        return ast.InTransactions(batch, error, report, concurrency)

    def batch_size(self, children):
        return _Option("batch", _significant(children)[0])

    def on_error(self, children):
        return _Option("error", children[-1].type)

    def report_status(self, children):
        return _Option("report", children[-1])

    def call_procedure(self, children):
        sig = _significant(children)
        name = sig[0]
        arguments = next((c for c in sig[1:] if isinstance(c, _Option) and c.name == "args"), None)
        yielded = next((c for c in sig[1:] if isinstance(c, _Option) and c.name == "yield"), None)
        items, where = (yielded.value if yielded else (None, None))
        memory = next((c.value for c in sig[1:] if isinstance(c, _Option) and c.name == "memory"), None)
        return ast.CallProcedure(name, arguments.value if arguments else None, items, where,
                                 _has(children, "OPTIONAL"), memory)

    def procedure_name(self, children):
        return ".".join(children)

    def procedure_arguments(self, children):
        return _Option("args", children[0] if children else ())

    def yield_clause(self, children):
        if _has(children, "STAR"):
            return _Option("yield", ("*", None))
        where = _first(children, _Where)
        items = tuple(c for c in children if isinstance(c, tuple))
        return _Option("yield", (items, where.expression if where else None))

    def yield_item(self, children):
        sig = _significant(children)
        return (sig[0], sig[-1])

    def load_csv_clause(self, children):
        sig = _significant(children)
        terminator = next((unescape_string(c) for c in children if isinstance(c, Token) and c.type == "STRING"),
                          None)
        return ast.LoadCsv(sig[0], sig[1], _has(children, "HEADERS"), terminator)

    # --- patterns ----------------------------------------------------------------------------------------

    def pattern(self, children):
        return tuple(children)

    def pattern_part(self, children):
        variable = children[0] if isinstance(children[0], str) else None
        anonymous = children[-1]
        if isinstance(anonymous, ast.ShortestPathExpression):
            return ast.PatternPart(anonymous.part.element, variable, anonymous.part.shortest)
        return ast.PatternPart(anonymous, variable)

    def shortest_path(self, children):
        return ast.ShortestPathExpression(ast.PatternPart(children[-1], None, "shortest"))

    def all_shortest_paths(self, children):
        return ast.ShortestPathExpression(ast.PatternPart(children[-1], None, "all"))

    def pattern_element(self, children):
        return ast.PatternElement(tuple(children[0::2]), tuple(children[1::2]))

    def node_pattern(self, children):
        variable = next((c for c in children if isinstance(c, str)), None)
        properties = _first(children, _Properties)
        where = _first(children, _Where)
        return ast.NodePattern(variable, _first(children, ast.LabelExpr),
                               properties.expression if properties else None, where.expression if where else None)

    def properties(self, children):
        return _Properties(children[0])

    def node_label_expression(self, children):
        return children[0] if len(children) == 1 else ast.LabelAll(tuple(children))

    def label_or(self, children):
        return ast.LabelAny(tuple(children))

    def label_and(self, children):
        return ast.LabelAll(tuple(children))

    def label_negation(self, children):
        return ast.LabelNot(children[0])

    def label_leaf(self, children):
        return ast.LabelName(children[0])

    def label_wildcard(self, children):
        return ast.LabelWildcard()

    def dynamic_label(self, children):
        return ast.DynamicLabels(children[1], str(children[0])[1:].lower() == "any")

    def dynamic_expression(self, children):
        keyword = str(children[0])
        if keyword != "$":
            raise _syntax(f"Invalid input '{keyword}': expected '$(' (SET and REMOVE take `$(expr)`)")
        return ast.DynamicLabels(children[1])

    def updated_labels(self, children):
        return tuple(children)

    def _relationship(self, children, direction):
        detail = _first(children, dict) or {}
        return ast.RelationshipPattern(detail.get("variable"), detail.get("types", ()), direction,
                                       detail.get("length"), detail.get("properties"), detail.get("predicate"),
                                       detail.get("dynamic_types", ()), detail.get("colon_alternatives", False))

    def rel_right(self, children):
        return self._relationship(children, "out")

    def rel_left(self, children):
        return self._relationship(children, "in")

    def rel_undirected(self, children):
        return self._relationship(children, "both")

    rel_both = rel_undirected

    def rel_right_simple(self, children):
        return ast.RelationshipPattern(direction="out")

    def rel_left_simple(self, children):
        return ast.RelationshipPattern(direction="in")

    def rel_undirected_simple(self, children):
        return ast.RelationshipPattern(direction="both")

    rel_both_simple = rel_undirected_simple

    def rel_detail(self, children):
        detail: dict = {}
        for child in children:
            if isinstance(child, str) and not isinstance(child, Token):
                detail["variable"] = child
            elif isinstance(child, _Types):
                detail["types"] = child.names
                detail["dynamic_types"] = child.dynamic
                detail["colon_alternatives"] = child.colons
            elif isinstance(child, _Length):
                detail["length"] = child.bounds
            elif isinstance(child, _Properties):
                detail["properties"] = child.expression
            elif isinstance(child, _Where):
                detail["predicate"] = child.expression
        return detail

    def rel_types(self, children):
        names = tuple(c for c in children if isinstance(c, str) and not isinstance(c, Token))
        return _Types(names, tuple(c for c in children if isinstance(c, ast.DynamicLabels)), _has(children, "COLON"))

    def range_literal(self, children):
        bounds = next((c for c in children if isinstance(c, tuple)), (None, None))
        return _Length(bounds)

    def range_exact(self, children):
        bound = self._range_bound(children[0])
        return (bound, bound)

    def range_between(self, children):
        low = high = None
        seen_dots = False
        for child in children:
            if isinstance(child, Token):
                seen_dots = True
            elif seen_dots:
                high = self._range_bound(child)
            else:
                low = self._range_bound(child)
        return (low, high)

    def _range_bound(self, literal: ast.Literal) -> int:
        """A bound of a variable-length relationship (`*2..5`), which must fit a 64-bit integer."""
        if isinstance(literal.value, _BigInt):
            raise integer_too_large(self.source, literal.value.text, literal.value.offset)
        return literal.value

    # --- expressions -------------------------------------------------------------------------------------

    def expression_list(self, children):
        return tuple(children)

    def or_expression(self, children):
        return ast.Or(tuple(_significant(children)))

    def xor_expression(self, children):
        return ast.Xor(tuple(_significant(children)))

    def and_expression(self, children):
        return ast.And(tuple(_significant(children)))

    def not_op(self, children):
        return ast.Not(children[-1])

    def comparison_operator(self, children):
        op = str(children[0])
        return "<>" if op == "!=" else op

    def comparison_expression(self, children):
        return ast.Comparison(tuple(children[1::2]), tuple(children[0::2]))

    def predicate_expression(self, children):
        subject, tail = children
        kind, operand = tail.kind, tail.operand
        if kind == "in":
            return ast.In(subject, operand)
        if kind in ("=~", "STARTS WITH", "ENDS WITH", "CONTAINS"):
            return ast.StringPredicate(kind, subject, operand)
        if kind == "is null":
            return ast.IsNull(subject)
        if kind == "is not null":
            return ast.IsNull(subject, True)
        if kind == "is type":
            return ast.IsType(subject, operand, False)
        return ast.IsType(subject, operand, True)

    def regex_tail(self, children):
        return _Tail("=~", children[-1])

    def in_tail(self, children):
        return _Tail("in", children[-1])

    def starts_with_tail(self, children):
        return _Tail("STARTS WITH", children[-1])

    def ends_with_tail(self, children):
        return _Tail("ENDS WITH", children[-1])

    def contains_tail(self, children):
        return _Tail("CONTAINS", children[-1])

    def is_null_tail(self, children):
        return _Tail("is null")

    def is_not_null_tail(self, children):
        return _Tail("is not null")

    def is_type_tail(self, children):
        return _Tail("is not type" if _has(children, "NOT") else "is type", children[-1])

    def is_type_short_tail(self, children):
        return _Tail("is type", children[-1])

    def type_predicate_type(self, children):
        return tuple(children)

    def type_word(self, children):
        return str(children[0]).upper()

    def type_name(self, children):
        words = [c for c in children if isinstance(c, str) and not isinstance(c, Token)]
        inner = next((c for c in children if isinstance(c, tuple)), None)
        name = " ".join(words)
        name = _TYPE_SYNONYMS.get(name, name)
        if inner is not None:
            name = f"{name}<{' | '.join(inner)}>"
        if _has(children, "NOT"):
            name += " NOT NULL"
        return name

    def _left_associative(self, children):
        result = children[0]
        for operator, operand in zip(children[1::2], children[2::2]):
            result = ast.Arithmetic(str(operator), result, operand)
        return result

    additive_expression = multiplicative_expression = _left_associative

    def power_expression(self, children):
        result = children[0]
        for operand in children[1:]:
            result = ast.Arithmetic("^", result, operand)
        return result

    def unary_op(self, children):
        operator, operand = children
        if str(operator) == "+":
            return ast.UnaryPlus(operand)
        if isinstance(operand, ast.Literal) and isinstance(operand.value, _BigInt):
            if operand.value.value == MAX_INT + 1:
                return ast.Literal(-(MAX_INT + 1))
        if isinstance(operand, ast.Literal) and type(operand.value) in (int, float) and operand.value != -(MAX_INT + 1):
            return ast.Literal(-operand.value)
        return ast.Negate(operand)

    def property_lookup(self, children):
        return ast.Property(children[0], children[1])

    def subscript(self, children):
        return ast.Subscript(children[0], children[1])

    def slice(self, children):
        subject, rest = children[0], children[1:]
        start = end = None
        seen_dots = False
        for child in rest:
            if isinstance(child, Token) and child.type == "RANGE_DOTS":
                seen_dots = True
            elif seen_dots:
                end = child
            else:
                start = child
        return ast.Slice(subject, start, end)

    def label_check(self, children):
        subject, expression = children[0], children[1]
        if len(children) > 2:
            if not isinstance(subject, ast.Variable):
                raise _syntax("Invalid input '{': expected an expression")
            return NodeCandidate(ast.NodePattern(subject.name, expression, children[2].expression))
        labels = ast.simple_labels(expression)
        if labels is None:
            return ast.LabelPredicate(subject, expression)
        return ast.LabelCheck(subject, labels)

    def invocation(self, children):
        callee = children[0]
        distinct = _has(children, "DISTINCT")
        args = next((c for c in children[1:] if isinstance(c, tuple)), ())
        return ast.FunctionCall(_function_name(callee), args, distinct)

    def star_invocation(self, children):
        name = _function_name(children[0])
        if name.lower() != "count":
            raise _syntax(f"Invalid input '*': only count(*) takes a star, not {name}(*)")
        return ast.CountStar()

    # --- atoms -------------------------------------------------------------------------------------------

    def integer_literal(self, children):
        token = children[0]
        text = str(token).replace("_", "")
        if token.type == "HEX_INTEGER":
            value = int(text[2:], 16)
        elif token.type == "OCTAL_INTEGER":
            value = int(text[2:], 8)
        elif len(text.lstrip("0")) > len(str(MAX_INT)):   # and Python would refuse to read thousands of digits
            raise integer_too_large(self.source, str(token), token.start_pos)
        else:
            value = int(text)
        if value > MAX_INT:
            return ast.Literal(_BigInt(value, str(token), token.start_pos))
        return ast.Literal(value)

    def float_literal(self, children):
        value = float(str(children[0]))
        if value in (float("inf"), float("-inf")):
            raise _syntax(f"floating point number is too large: {children[0]}")
        return ast.Literal(value)

    def string_literal(self, children):
        return ast.Literal(unescape_string(str(children[0])))

    def true_literal(self, children):
        return ast.Literal(True)

    def false_literal(self, children):
        return ast.Literal(False)

    def null_literal(self, children):
        return ast.Literal(None)

    def map_literal(self, children):
        return ast.MapLiteral(tuple(children))

    def map_entry(self, children):
        return (children[0], children[1])

    def parameter(self, children):
        text = str(children[0])[1:]
        return ast.Parameter(_name(text))

    def case_expression(self, children):
        alternatives = tuple(c for c in children if isinstance(c, tuple))
        exprs = [c for c in children if isinstance(c, ast.Expr)]
        tokens = [c for c in children if isinstance(c, Token)]
        subject = None
        default = None
        if len(children) > 1 and isinstance(children[1], ast.Expr):
            subject = children[1]
        if any(t.type == "ELSE" for t in tokens):
            default = exprs[-1]
        return ast.Case(subject, alternatives, default)

    def case_alternative(self, children):
        sig = _significant(children)
        return (sig[0], sig[1])

    def empty_list(self, children):
        return ast.ListLiteral(())

    def list_literal(self, children):
        items = children[0]
        if len(items) == 1 and _is_iteration(items[0]):
            return ast.ListComprehension(items[0].item.name, items[0].collection, None, None)
        return ast.ListLiteral(items)

    def filtered_comprehension(self, children):
        sig = _significant(children)
        first, predicate = sig[0], sig[1]
        projection = sig[2] if len(sig) > 2 else None
        if _is_iteration(first):
            return ast.ListComprehension(first.item.name, first.collection, predicate, projection)
        part = _as_pattern_part(first)
        if part is not None and projection is not None:
            return ast.PatternComprehension(part, predicate, projection)
        raise _syntax("Invalid input 'WHERE': expected a list comprehension `[x IN list WHERE …]` or a pattern "
                      "comprehension `[(a)-->(b) WHERE … | …]`")

    def mapped_comprehension(self, children):
        first, projection = children
        if _is_iteration(first):
            return ast.ListComprehension(first.item.name, first.collection, None, projection)
        part = _as_pattern_part(first)
        if part is not None:
            return ast.PatternComprehension(part, None, projection)
        raise _syntax("Invalid input '|': expected a list comprehension `[x IN list | …]` or a pattern "
                      "comprehension `[(a)-->(b) | …]`")

    def map_projection(self, children):
        return ast.MapProjection(ast.Variable(children[0]), tuple(children[1:]))

    def projection_subject(self, children):
        return _name(children[0])

    def projection_property(self, children):
        return ("property", children[0])

    def projection_all(self, children):
        return ("all",)

    def projection_literal(self, children):
        return ("literal", children[0], children[1])

    def projection_variable(self, children):
        return ("variable", children[0])

    def quantifier_expression(self, children):
        kind = children[0].type.lower()
        sig = _significant(children)
        iteration = sig[0]
        if not _is_iteration(iteration):
            raise _syntax(f"Invalid input: {kind}(…) expects `variable IN list WHERE predicate`")
        predicate = sig[1] if len(sig) > 1 else None
        return ast.Quantifier(kind, iteration.item.name, iteration.collection, predicate)

    def reduce_expression(self, children):
        sig = _significant(children)
        accumulator, initial, iteration, expression = sig
        if not _is_iteration(iteration):
            raise _syntax("Invalid input: reduce(…) expects `accumulator = initial, variable IN list | expression`")
        return ast.Reduce(accumulator, initial, iteration.item.name, iteration.collection, expression)

    def exists_subquery(self, children):
        return ast.ExistsSubquery(*children[-1])

    def count_subquery(self, children):
        return ast.CountSubquery(*children[-1])

    def collect_subquery(self, children):
        return ast.CollectSubquery(_first(children, ast.Query))

    def subquery_query(self, children):
        return (children[0], (), None)

    def subquery_pattern(self, children):
        where = _first(children, _Where)
        return (None, children[0], where.expression if where else None)

    def parenthesized(self, children):
        inner = children[0]
        if isinstance(inner, ast.Literal) and isinstance(inner.value, _BigInt):
            raise integer_too_large(self.source, inner.value.text, inner.value.offset)
        return inner

    def node_with_where(self, children):
        sig = _significant(children)
        node = _as_node(sig[0])
        if node is None:
            raise _syntax("Invalid input 'WHERE': expected ')'")
        return NodeCandidate(ast.NodePattern(node.variable, node.labels, node.properties, sig[1]))

    def empty_node(self, children):
        return NodeCandidate(ast.NodePattern())

    def labels_only_node(self, children):
        properties = _first(children, _Properties)
        return NodeCandidate(ast.NodePattern(None, children[0], properties.expression if properties else None))

    def pattern_expression(self, children):
        first = _as_node(children[0])
        if first is None:
            raise _syntax("Invalid input: a pattern must start with a node, e.g. (a)-->(b)")
        nodes = (first,) + tuple(children[2::2])
        return ast.PatternExpression(ast.PatternPart(ast.PatternElement(nodes, tuple(children[1::2]))))

    # --- schema commands ---------------------------------------------------------------------------------

    def create_index(self, children):
        kind = next((c for c in children if isinstance(c, _Option) and c.name == "kind"), None)
        name = next((c.value for c in children if isinstance(c, _Option) and c.name == "name"), None)
        entity_type, label = next(c.value for c in children if isinstance(c, _Option) and c.name == "target")
        properties = next(c.value for c in children if isinstance(c, _Option) and c.name == "properties")
        options = next((c.value for c in children if isinstance(c, _Option) and c.name == "options"), None)
        return ast.CreateIndex(name, entity_type, label, properties, kind.value if kind else "RANGE",
                               _has(children, "IF"), options)

    def create_vector_index(self, children):
        """Neo4j's `CREATE VECTOR INDEX … FOR (n:L) ON n.p [OPTIONS …]`: one label or type (Neo4j's grammar has
        no more), one property (checked when planned, as Neo4j does after parsing)."""
        index = self.create_index(children)
        return ast.CreateIndex(index.name, index.entity_type, index.label, index.properties, "VECTOR",
                               index.if_not_exists, index.options)

    def create_fulltext_index(self, children):
        """Neo4j's `CREATE FULLTEXT INDEX … FOR (n:A|B) ON EACH [n.p, n.q] [OPTIONS …]`."""
        name = next((c.value for c in children if isinstance(c, _Option) and c.name == "name"), None)
        entity_type, labels = next(c.value for c in children if isinstance(c, _Option) and c.name == "target")
        options = next((c.value for c in children if isinstance(c, _Option) and c.name == "options"), None)
        properties = tuple(c for c in children if isinstance(c, str) and not isinstance(c, Token))
        return ast.CreateIndex(name, entity_type, labels[0], properties, "FULLTEXT", _has(children, "IF"), options,
                               labels=labels)

    def fulltext_node_target(self, children):
        return _Option("target", ("NODE", tuple(_significant(children)[1:])))

    def fulltext_relationship_target(self, children):
        return _Option("target", ("RELATIONSHIP", tuple(_significant(children)[1:])))

    def memgraph_create_vector_index(self, children):
        """Memgraph's `CREATE VECTOR [EDGE] INDEX name ON :L(p) WITH CONFIG {…}`: a vector index whose
        configuration is Memgraph's (mapped to Neo4j's when planned)."""
        name = next(c.value for c in children if isinstance(c, _Option) and c.name == "name")
        label, prop, word, config = _significant(children)[1:]
        if word.upper() != "CONFIG":
            raise _syntax(f"Invalid input '{word}': expected CONFIG")
        entity_type = "RELATIONSHIP" if _has(children, "EDGE") else "NODE"
        return ast.CreateIndex(name, entity_type, label, (prop,), "VECTOR", False, config, memgraph=True)

    def memgraph_config(self, children):
        return ast.MapLiteral(tuple(children))

    def memgraph_config_entry(self, children):
        key, value = children
        if isinstance(key, Token) and key.type == "STRING":
            key = unescape_string(str(key))
        return (key, value)

    def memgraph_drop_vector_index(self, children):
        name = next(c.value for c in children if isinstance(c, _Option) and c.name == "name")
        return ast.DropIndex(name)

    def memgraph_create_index(self, children, entity_type="NODE"):
        """Memgraph's `CREATE [POINT] INDEX ON :L(p, …)` and `CREATE EDGE INDEX ON :T(p)`: a range (or point)
        index; one already there is no error (Memgraph notes it)."""
        kind = next((c.value for c in children if isinstance(c, _Option) and c.name == "kind"), "RANGE")
        label, *paths = [c for c in children if not isinstance(c, (Token, _Option))]
        paths = [path if isinstance(path, tuple) else (path,) for path in paths]
        if entity_type == "RELATIONSHIP" and len(paths[0]) > 1:
            raise _syntax("Nested properties are not supported for edge indices.")  # Memgraph's words
        ordered = sorted(paths)
        if any(second[:len(first)] == first for first, second in zip(ordered, ordered[1:])):  # a prefix sorts first
            # Memgraph's rule: a property and one nested in it (`a`, `a.b`) would index the same values twice.
            raise _syntax("Properties cannot be repeated in a composite index.")
        return ast.CreateIndex(None, entity_type, label, tuple(".".join(path) for path in paths), kind, True,
                               memgraph=True)

    def memgraph_create_edge_index(self, children):
        return self.memgraph_create_index(children, "RELATIONSHIP")

    def memgraph_drop_index(self, children):
        return ast.DropIndex(None, False, self.memgraph_create_index(children))

    def memgraph_drop_edge_index(self, children):
        return ast.DropIndex(None, False, self.memgraph_create_index(children, "RELATIONSHIP"))

    def memgraph_create_label_index(self, children, entity_type="NODE"):
        """Memgraph's `CREATE INDEX ON :L` and `CREATE EDGE INDEX ON :T`: a lookup index of one label or type."""
        label = next(c for c in children if not isinstance(c, Token))
        return ast.CreateIndex(None, entity_type, label, (), "LOOKUP", True)

    def memgraph_create_edge_type_index(self, children):
        return self.memgraph_create_label_index(children, "RELATIONSHIP")

    def memgraph_create_global_index(self, children):
        """Memgraph's `CREATE GLOBAL [EDGE] INDEX ON :(p)`: a lookup index of one property on every node (or
        relationship)."""
        entity_type = "RELATIONSHIP" if _has(children, "EDGE") else "NODE"
        prop = next(c for c in children if not isinstance(c, Token))
        return ast.CreateIndex(None, entity_type, None, (prop,), "LOOKUP", True)

    def memgraph_drop_label_index(self, children):
        return ast.DropIndex(None, False, self.memgraph_create_label_index(children))

    def memgraph_drop_edge_type_index(self, children):
        return ast.DropIndex(None, False, self.memgraph_create_label_index(children, "RELATIONSHIP"))

    def memgraph_drop_global_index(self, children):
        return ast.DropIndex(None, False, self.memgraph_create_global_index(children))

    def memgraph_drop_constraint(self, children):
        return ast.DropConstraint(None, False, self.create_constraint(children))

    def exists_rule(self, children):
        return _Option("rule", ("PROPERTY_EXISTENCE", (children[-1],), ()))

    def create_lookup_index(self, children):
        name = next((c.value for c in children if isinstance(c, _Option) and c.name == "name"), None)
        entity_type = next(c.value for c in children if isinstance(c, _Option) and c.name == "lookup")
        return ast.CreateIndex(name, entity_type, None, (), "LOOKUP", _has(children, "IF"))

    def index_kind(self, children):
        return _Option("kind", children[0].type)

    def index_properties(self, children):
        return _Option("properties", tuple(children))

    def property_path(self, children):
        return children[1]

    def nested_property(self, children):
        """Memgraph's `a.b.c` of an index, as its keys (an index records the dotted path, the name SHOW INDEX INFO
        shows; a key that holds a dot, `` `a.b` ``, is one key here)."""
        return tuple(children)

    def node_target(self, children):
        return _Option("target", ("NODE", children[1]))

    def relationship_target(self, children):
        return _Option("target", ("RELATIONSHIP", children[0]))

    def rel_schema_pattern(self, children):
        return _significant(children)[1]

    def node_lookup_target(self, children):
        return _Option("lookup", "NODE")

    def relationship_lookup_target(self, children):
        return _Option("lookup", "RELATIONSHIP")

    def drop_index(self, children):
        name = next(c.value for c in children if isinstance(c, _Option) and c.name == "name")
        return ast.DropIndex(name, _has(children, "IF"))

    def create_constraint(self, children):
        name = next((c.value for c in children if isinstance(c, _Option) and c.name == "name"), None)
        entity_type, label = next(c.value for c in children if isinstance(c, _Option) and c.name == "target")
        kind, properties, types = next(c.value for c in children if isinstance(c, _Option) and c.name == "rule")
        options = next((c.value for c in children if isinstance(c, _Option) and c.name == "options"), None)
        # Memgraph's `ON (n:L) ASSERT …` (Neo4j 5 has no ASSERT) meets a constraint already there with a note.
        memgraph = _has(children, "ASSERT")
        if memgraph:
            types = tuple(_MEMGRAPH_CONSTRAINT_TYPES.get(kind_name, kind_name) for kind_name in types)
        return ast.CreateConstraint(name, entity_type, label, properties, kind, types,
                                    _has(children, "IF") or memgraph, options, memgraph)

    def _rule(self, kind, children, types=()):
        properties = next(c.value for c in children if isinstance(c, _Option) and c.name == "properties")
        return _Option("rule", (kind, properties, types))

    def unique_rule(self, children):
        return self._rule("UNIQUENESS", children)

    def key_rule(self, children):
        return self._rule("KEY", children)

    def not_null_rule(self, children):
        return self._rule("PROPERTY_EXISTENCE", children)

    def type_rule(self, children):
        return self._rule("PROPERTY_TYPE", children, children[-1])

    def drop_constraint(self, children):
        name = next(c.value for c in children if isinstance(c, _Option) and c.name == "name")
        return ast.DropConstraint(name, _has(children, "IF"))

    def schema_name(self, children):
        return _Option("name", children[0])

    def if_not_exists(self, children):
        return Token("IF", "IF")

    if_exists = if_not_exists

    def options(self, children):
        return _Option("options", children[-1])

    def show_indexes(self, children):
        return self._show("INDEXES", children)

    def show_constraints(self, children):
        return self._show("CONSTRAINTS", children)

    def show_index_info(self, children):
        return ast.ShowSchema("INDEX INFO")

    def show_constraint_info(self, children):
        return ast.ShowSchema("CONSTRAINT INFO")

    def _show(self, what, children):
        kind = next((c.value for c in children if isinstance(c, _Option) and c.name == "kind"), "ALL")
        tail = next((c.value for c in children if isinstance(c, _Option) and c.name == "tail"), {})
        return ast.ShowSchema(what, kind, tail.get("yield"), tail.get("where"), tail.get("order_by", ()),
                              tail.get("skip"), tail.get("limit"), tail.get("return"))

    def show_kind(self, children):
        return _Option("kind", " ".join(c.type for c in children))

    def show_tail(self, children):
        tail: dict = {}
        if _has(children, "YIELD"):
            tail["yield"] = "*" if _has(children, "STAR") else tuple(c for c in children if isinstance(c, tuple)
                                                                     and c and isinstance(c[0], str))
        for child in children:
            if isinstance(child, _Where):
                tail["where"] = child.expression
            elif isinstance(child, ast.Expr) and not _has(children, "YIELD"):
                tail["where"] = child
            elif isinstance(child, _Skip):
                tail["skip"] = child.expression
            elif isinstance(child, _Limit):
                tail["limit"] = child.expression
            elif isinstance(child, ast.Return):
                tail["return"] = child
            elif isinstance(child, tuple) and child and isinstance(child[0], ast.SortItem):
                tail["order_by"] = child
        return _Option("tail", tail)


def _tail(children) -> dict:
    tail = next((c.value for c in children if isinstance(c, _Option) and c.name == "tail"), {})
    return {"yield_items": tail.get("yield"), "where": tail.get("where"), "order_by": tail.get("order_by", ()),
            "skip": tail.get("skip"), "limit": tail.get("limit"), "return_clause": tail.get("return")}


def _ids(children) -> tuple:
    return next((c for c in children if isinstance(c, tuple)), ())


def _database(children):
    return next((c.value for c in children if isinstance(c, _Option) and c.name == "database"), None)


def _flag(children, name: str) -> bool:
    return next((bool(c.value) for c in children if isinstance(c, _Option) and c.name == name), False)


def _or_replace(children, kind: str, name) -> bool:
    """Whether a CREATE command says OR REPLACE. With IF NOT EXISTS as well it is refused, as Neo4j's semantic
    analysis refuses it: the two ask opposite things when the user, role, database or alias exists."""
    replace = _flag(children, "or_replace")
    if replace and _has(children, "IF"):
        shown = f"${name.name}" if isinstance(name, ast.Parameter) else name
        raise _syntax(f"Failed to create the specified {kind} '{shown}': cannot have both `OR REPLACE` and "
                      "`IF NOT EXISTS`.")
    return replace


@ast.node
class _BigInt:
    """An integer literal above 2^63 - 1: valid only as the operand of unary minus (-9223372036854775808)."""

    value: int
    text: str
    offset: int


def _labels_expression(labels: tuple[str, ...]) -> ast.LabelExpr:
    """`:A` as a name and `:A:B` as a conjunction, as node patterns write them."""
    if len(labels) == 1:
        return ast.LabelName(labels[0])
    return ast.LabelAll(tuple(ast.LabelName(n) for n in labels))


def _function_name(callee: ast.Expr) -> str:
    parts = []
    while isinstance(callee, ast.Property):
        parts.append(callee.key)
        callee = callee.subject
    if not isinstance(callee, ast.Variable):
        raise _syntax("Invalid input '(': expected a function name")
    parts.append(callee.name)
    return ".".join(reversed(parts))


def _is_iteration(expr: ast.Expr) -> bool:
    return isinstance(expr, ast.In) and isinstance(expr.item, ast.Variable)


def _as_node(expr: ast.Expr) -> ast.NodePattern | None:
    """The node a parenthesised expression stands for at the start of a pattern, or None."""
    if isinstance(expr, NodeCandidate):
        return expr.node
    if isinstance(expr, ast.Variable):
        return ast.NodePattern(expr.name)
    if isinstance(expr, ast.LabelCheck) and isinstance(expr.subject, ast.Variable):
        return ast.NodePattern(expr.subject.name, _labels_expression(expr.labels))
    if isinstance(expr, ast.LabelPredicate) and isinstance(expr.subject, ast.Variable):
        return ast.NodePattern(expr.subject.name, expr.labels)
    if isinstance(expr, (ast.MapLiteral, ast.Parameter)):
        return ast.NodePattern(None, None, expr)
    if isinstance(expr, ast.MapProjection) and all(item[0] == "literal" for item in expr.items):
        return ast.NodePattern(expr.subject.name, None,
                               ast.MapLiteral(tuple((item[1], item[2]) for item in expr.items)))
    return None


def _as_pattern_part(expr: ast.Expr) -> ast.PatternPart | None:
    """`(a)-->(b)` or `p = (a)-->(b)` written where an expression was parsed."""
    if isinstance(expr, ast.PatternExpression):
        return expr.part
    if isinstance(expr, ast.Comparison) and expr.operators == ("=",) and isinstance(expr.operands[0], ast.Variable) \
            and isinstance(expr.operands[1], ast.PatternExpression):
        part = expr.operands[1].part
        return ast.PatternPart(part.element, expr.operands[0].name, part.shortest)
    return None




def _syntax(message: str) -> CypherSyntaxError:
    return CypherSyntaxError(message)
