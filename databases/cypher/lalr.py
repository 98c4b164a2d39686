"""Runs the Cypher grammar's LALR(1) tables: a contextual lexer and a shift-reduce parser that build the parse
trees lark would build, without importing lark.

lark analyses the grammar (`parser_tables` asks it, once per grammar) and is the reference for what a tree looks
like; this module only runs the result. Two costs made that worth a module of its own: importing lark loads its
grammar compiler, its Earley parsers, `logging` and the `regex` package (a third of a first query's start), and
a loaded lark parser is some 20,000 Python objects (one lexer, action tuple and callback chain after another)
that the cyclic garbage collector walks at every full collection and again while the interpreter exits. The
tables here are dictionaries of strings and integers and tuples of them, which the collector does not track.

What the runtime keeps of lark's behaviour, since the transformer and the syntax errors depend on it:
- trees are shaped as lark shapes them with `maybe_placeholders=False`: a `_rule` is inlined into its parent, a
  `?rule` with one child is that child, filtered tokens are dropped (`Rule.include` says which children stay);
- with `propagate_positions`: a tree's `meta` spans its first to its last child, filtered tokens included, and a
  collapsed `?rule` widens the span of the child that stands for it (`container_*` positions);
- the lexer of each parser state matches only the terminals that state can take (lark's contextual lexer), and
  when it cannot, the whole grammar's lexer decides between `UnexpectedToken` (a terminal out of place) and
  `UnexpectedCharacters`;
- errors carry the same `expected`, `accepts` and `allowed` sets as lark's.
Tokens carry their offsets (`start_pos`, `end_pos`), which is all the engine reads of a position."""
from __future__ import annotations

import re
import threading
import marshal
from typing import Any, Callable, Iterator, NamedTuple

END = "$END"


class Token(str):
    """A terminal's text, with its terminal name (`type`) and offsets in the statement."""

    __slots__ = ("type", "start_pos", "end_pos")

    def __new__(cls, type: str, value: str, start_pos: int | None = None, end_pos: int | None = None) -> "Token":
        token = super().__new__(cls, value)
        token.type = type
        token.start_pos = start_pos
        token.end_pos = end_pos
        return token

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {str(self)!r})"


class Meta:
    """Where a tree's text starts and ends; `container_*` also spans rules collapsed into it."""

    __slots__ = ("empty", "start_pos", "end_pos", "container_start_pos", "container_end_pos")

    def __init__(self) -> None:
        self.empty = True
        self.start_pos: int | None = None
        self.end_pos: int | None = None
        self.container_start_pos: int | None = None
        self.container_end_pos: int | None = None


class Tree:
    """A rule's node: its name (`data`) and children (trees and tokens)."""

    __slots__ = ("data", "children", "meta")

    def __init__(self, data: str, children: list, meta: Meta | None = None) -> None:
        self.data = data
        self.children = children
        self.meta = meta if meta is not None else Meta()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tree) and self.data == other.data and self.children == other.children

    def __repr__(self) -> str:
        return f"Tree({self.data!r}, {self.children!r})"


class UnexpectedInput(Exception):
    """The statement does not parse."""


class UnexpectedCharacters(UnexpectedInput):
    """No terminal of the grammar starts at `pos_in_stream`; `allowed` names those the parser could take."""

    def __init__(self, text: str, pos_in_stream: int, allowed: frozenset[str]) -> None:
        super().__init__(f"No terminal matches {text[pos_in_stream:pos_in_stream + 1]!r} at offset {pos_in_stream}")
        self.pos_in_stream = pos_in_stream
        self.allowed = allowed


class UnexpectedToken(UnexpectedInput):
    """A terminal the parser cannot take where it stands. `expected` is what the parse table lists for the
    state; `accepts` (computed on first use) what would actually be shifted after the reductions it implies."""

    def __init__(self, token: Token, expected: set[str], parser: "Parser", start: str,
                 state_stack: list[int]) -> None:
        super().__init__(f"Unexpected token {token.type} {str(token)!r}, expected one of {sorted(expected)}")
        self.token = token
        self.expected = expected
        self._parser = parser
        self._start = start
        self._state_stack = list(state_stack)
        self._accepts: set[str] | None = None

    @property
    def accepts(self) -> set[str]:
        if self._accepts is None:
            self._accepts = self._parser.accepts(self._start, self._state_stack)
        return self._accepts


class VisitError(Exception):
    """A transformer method failed on the tree of rule `rule`; `orig_exc` is what it raised."""

    def __init__(self, rule: str, orig_exc: Exception) -> None:
        super().__init__(f"Error transforming rule {rule!r}: {orig_exc!r}")
        self.orig_exc = orig_exc


def with_meta(method: Callable) -> Callable:
    """Marks a transformer method that takes the tree's `Meta` before its children."""
    method.with_meta = True
    return method


class Transformer:
    """Rebuilds a tree bottom-up: each tree goes to the method named after its rule, called with the results of
    its children (tokens pass as they are); a rule without a method stays a `Tree` of those results. An
    exception from a method reaches the caller as a `VisitError`."""

    def transform(self, tree: Tree) -> Any:
        children = [self.transform(child) if isinstance(child, Tree) else child for child in tree.children]
        method = getattr(self, tree.data, None)
        if method is None:
            return Tree(tree.data, children, tree.meta)
        try:
            if getattr(method, "with_meta", False):
                return method(tree.meta, children)
            return method(children)
        except Exception as error:
            raise VisitError(tree.data, error) from error


class Rule(NamedTuple):
    """One grammar rule as the parser reduces it: `size` symbols make `origin`; the tree is named `name` and
    keeps the children `include` lists (index, whether to inline that child's children), or all of them when
    `include` is None; `expand1` collapses a tree of one child into that child. A `passthrough` rule (one
    symbol, kept and collapsed) gives its child as it is: most reductions are of this kind (an integer literal
    goes through a dozen precedence levels on its way to an expression)."""

    origin: str
    size: int
    name: str
    expand1: bool
    include: tuple[tuple[int, bool], ...] | None
    passthrough: bool = False

    @classmethod
    def of(cls, origin: str, size: int, name: str, expand1: bool, include) -> "Rule":
        keeps_it = include is None or tuple(include) == ((0, False),)
        return cls(origin, size, name, expand1, include, size == 1 and expand1 and keeps_it)


class LexerSpec(NamedTuple):
    """What one parser state's lexer matches, in lark's order of preference: the terminals `before` its
    keywords (an alternation of named groups), its `keywords` (lower-case word → terminal: a keyword matches
    where the run of word characters is that word in any case), the terminals `after` them; `unless` gives,
    per terminal, string keywords whose full match renames a token of it; `allowed` names the terminals it
    could take, for errors."""

    before: str
    keywords: dict[str, str]
    after: str
    unless: dict[str, str]
    allowed: frozenset[str]


class _Lexer:
    """A state's lexer. Its expressions are compiled when first needed, once however many threads need them,
    and shared with every state whose expression is the same (`_compile`)."""

    __slots__ = ("spec", "_compiled")

    def __init__(self, spec: LexerSpec) -> None:
        self.spec = spec
        self._compiled: tuple | None = None

    def compiled(self, flags: int) -> tuple:
        """(before, after, unless) as compiled expressions (None for an empty one)."""
        if self._compiled is None:
            with _COMPILE_LOCK:
                if self._compiled is None:
                    spec = self.spec
                    self._compiled = (_compile(spec.before, flags), _compile(spec.after, flags),
                                      {name: _compile(pattern, flags) for name, pattern in spec.unless.items()})
        return self._compiled

    def match(self, text: str, position: int, flags: int, terminals: dict[str, tuple[str, str]]):
        """(terminal, text) of the token at `position`, or None when no terminal of the state matches there."""
        before, after, _ = self.compiled(flags)
        if before is not None:
            match = before.match(text, position)
            if match is not None:
                return match.lastgroup, match.group(0)
        keywords = self.spec.keywords
        if keywords:
            word = _WORD.match(text, position)
            if word is not None:
                found = _keyword(keywords, word.group(0), text, position, flags, terminals)
                if found is not None:
                    return found
        if after is not None:
            match = after.match(text, position)
            if match is not None:
                return match.lastgroup, match.group(0)
        return None

    def renamed(self, kind: str, value: str, flags: int) -> str:
        """The terminal a token of `kind` is: a string keyword when one matches it whole (lark's `unless`)."""
        unless = self.compiled(flags)[2].get(kind)
        if unless is None:
            return kind
        match = unless.fullmatch(value)
        return match.lastgroup if match is not None else kind


_COMPILE_LOCK = threading.Lock()
_WORD = re.compile(r"\w+")
_COMPILED: dict[tuple[str, int], re.Pattern] = {}


def _compile(pattern: str, flags: int) -> re.Pattern | None:
    """The compiled expression, shared by every lexer that has the same one."""
    if not pattern:
        return None
    compiled = _COMPILED.get((pattern, flags))
    if compiled is None:
        compiled = _COMPILED[pattern, flags] = re.compile(pattern, flags)
    return compiled


def _keyword(keywords: dict[str, str], word: str, text: str, position: int, flags: int,
             terminals: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    """The keyword that `word` (the run of word characters at `position`) is, if any. An ASCII word is looked
    up; any other is matched against each keyword's own expression, since `re`'s case-insensitive matching
    equates a few other letters with ASCII ones (the dotless ı with i, the long ſ with s, the Kelvin sign)."""
    if word.isascii():
        name = keywords.get(word.lower())
        return (name, word) if name is not None else None
    for name in keywords.values():
        match = _compile(f"(?:{terminals[name][1]})", flags).match(text, position)
        if match is not None:
            return name, match.group(0)
    return None


class Parser:
    """The LALR(1) parser of a grammar's tables (see `parser_tables.build` for their shape). A parse keeps its
    state to itself (the parser only remembers what the tables imply: decoded states, runs of passthrough
    reductions), so one parser serves every thread."""

    def __init__(self, tables: dict) -> None:
        self._encoded_states: tuple[bytes, ...] = tables["states"]
        self._states: list[dict[str, int] | None] = [None] * len(self._encoded_states)
        self._passthrough_chains: dict[tuple[int, int, str], int] = {}
        self.start_states: dict[str, int] = tables["start_states"]
        self.end_states: dict[str, int] = tables["end_states"]
        self.rules = tuple(Rule.of(*rule) for rule in tables["rules"])
        lexers = [_Lexer(LexerSpec(before, keywords, after, unless, frozenset(allowed)))
                  for before, keywords, after, unless, allowed in tables["lexers"]]
        self.lexer_of_state: dict[int, _Lexer] = {state: lexers[i] for state, i in tables["lexer_of_state"].items()}
        self.root_lexer = lexers[tables["root_lexer"]]
        self.ignore = frozenset(tables["ignore"])
        self.flags: int = tables["flags"]
        self.terminal_patterns: dict[str, tuple[str, str]] = tables["terminals"]

    @property
    def terminals(self) -> frozenset[str]:
        return frozenset(self.terminal_patterns)

    def actions(self, state: int) -> dict[str, int]:
        """The actions of a parser state: terminal or rule name → `n >= 0` to shift (or go) to state `n`, `n < 0`
        to reduce by rule `-n - 1`. Each state's are decoded on first use: a statement meets a few dozen of the
        two thousand states, and decoding them all would be most of the time it takes to load the tables."""
        actions = self._states[state]
        if actions is None:
            actions = self._states[state] = marshal.loads(self._encoded_states[state])
        return actions

    def parse(self, text: str, start: str = "start") -> Tree:
        """The parse tree of `text` from the rule `start`; raises `UnexpectedInput`."""
        state_stack = [self.start_states[start]]
        value_stack: list = []
        end_state = self.end_states[start]
        last = None
        for token in self._tokens(text, state_stack, start):
            self._feed(token, state_stack, value_stack, start, self._reduce)
            last = token
        end = Token(END, "", last.end_pos if last is not None else 0, last.end_pos if last is not None else 0)
        return self._feed(end, state_stack, value_stack, start, self._reduce, end_state)

    def accepts_after(self, prefix: str, start: str = "start") -> frozenset[str]:
        """The terminals the parser would shift next after reading `prefix` (not its end)."""
        state_stack = [self.start_states[start]]
        for token in self._tokens(prefix, state_stack, start):
            self._feed(token, state_stack, [], start, None)
        return frozenset(self.accepts(start, state_stack))

    def accepts(self, start: str, state_stack: list[int]) -> set[str]:
        """The terminals that, fed in the state `state_stack` describes, would be shifted after the reductions
        they imply (lark's `InteractiveParser.accepts`)."""
        accepted = set()
        for name in self.actions(state_stack[-1]):
            if not name.isupper():
                continue
            try:
                self._feed(Token(name, ""), list(state_stack), [], start, None,
                           self.end_states[start] if name == END else None)
            except UnexpectedToken:
                continue
            accepted.add(name)
        return accepted

    def _feed(self, token: Token, state_stack: list[int], value_stack: list, start: str,
              reduce: Callable | None, end_state: int | None = None) -> Any:
        """Shifts `token` after every reduction it implies; with `end_state` (the end of the text), reduces until
        the start rule is complete and returns its tree. Without `reduce` the values are not built."""
        states, rules, chains = self._states, self.rules, self._passthrough_chains
        while True:
            actions = states[state_stack[-1]]
            if actions is None:
                actions = self.actions(state_stack[-1])
            action = actions.get(token.type)
            if action is None:
                raise UnexpectedToken(token, {name for name in actions if name.isupper()}, self, start, state_stack)
            if action >= 0:
                state_stack.append(action)
                value_stack.append(token)
                return None
            rule = rules[-action - 1]
            if rule.passthrough:   # the value stays where it is; only the state changes
                below, top = state_stack[-2], state_stack[-1]
                key = (below, top, token.type)
                state = chains.get(key)
                if state is None:
                    state = chains[key] = self._after_passthroughs(below, top, token.type)
                state_stack[-1] = state
                if end_state is not None and state == end_state:
                    return value_stack[-1] if value_stack else None
                continue
            size = rule.size
            if size:
                children = value_stack[-size:]
                del state_stack[-size:]
                del value_stack[-size:]
            else:
                children = []
            value_stack.append(reduce(rule, children) if reduce is not None else None)
            goto = states[state_stack[-1]]
            state = (goto if goto is not None else self.actions(state_stack[-1]))[rule.origin]
            state_stack.append(state)
            if end_state is not None and state == end_state:
                return value_stack[-1]

    def _after_passthroughs(self, below: int, top: int, kind: str) -> int:
        """The state that `top` (above `below`) becomes when a terminal of `kind` sets off a run of passthrough
        reductions: each replaces the top state by the goto from `below`, so the run depends on these three
        only and is walked once per process (an integer literal runs through a dozen of them)."""
        while True:
            action = self.actions(top).get(kind)
            if action is None or action >= 0 or not self.rules[-action - 1].passthrough:
                return top
            top = self.actions(below)[self.rules[-action - 1].origin]

    @staticmethod
    def _reduce(rule: Rule, children: list) -> Any:
        if rule.include is None:
            kept = children
        else:
            kept = []
            for index, inline in rule.include:
                if not inline:
                    kept.append(children[index])
                elif kept:
                    kept.extend(children[index].children)
                else:   # take over the inlined child's list: a left-recursive `_rule` grows it one item a time
                    kept = children[index].children
        if rule.expand1 and len(kept) == 1:
            node = kept[0]
            if not isinstance(node, Tree):
                return node
        else:
            node = Tree(rule.name, kept)
        _propagate_positions(node.meta, children)
        return node

    def _tokens(self, text: str, state_stack: list[int], start: str) -> Iterator[Token]:
        """The statement's tokens, each matched by the lexer of the state the parser is in when it asks."""
        position, end = 0, len(text)
        ignore, flags, terminals = self.ignore, self.flags, self.terminal_patterns
        while position < end:
            lexer = self.lexer_of_state[state_stack[-1]]
            found = lexer.match(text, position, flags, terminals)
            if found is None:
                raise self._unexpected(text, position, lexer, state_stack, start)
            kind, value = found
            token_start, position = position, position + len(value)
            if kind in ignore:
                continue
            yield Token(lexer.renamed(kind, value, flags), value, token_start, position)

    def _unexpected(self, text: str, position: int, lexer: _Lexer, state_stack: list[int],
                    start: str) -> UnexpectedInput:
        """A terminal of the grammar that this state does not take is a token out of place; text no terminal
        matches is unexpected characters."""
        root = self.root_lexer
        while position < len(text):
            found = root.match(text, position, self.flags, self.terminal_patterns)
            if found is None:
                break
            kind, value = found
            if kind not in self.ignore:
                token = Token(root.renamed(kind, value, self.flags), value, position, position + len(value))
                return UnexpectedToken(token, set(lexer.spec.allowed), self, start, state_stack)
            position += len(value)
        return UnexpectedCharacters(text, position, lexer.spec.allowed)


def _propagate_positions(meta: Meta, children: list) -> None:
    """The span of a reduced rule: from its first positioned child to its last, filtered tokens included."""
    first = _positioned(children)
    if first is None:
        return
    last = _positioned(reversed(children))
    start = first.start_pos if isinstance(first, Token) else first.container_start_pos
    end = last.end_pos if isinstance(last, Token) else last.container_end_pos
    if meta.empty:
        meta.start_pos, meta.end_pos, meta.empty = start, end, False
    meta.container_start_pos, meta.container_end_pos = start, end


def _positioned(children) -> Token | Meta | None:
    for child in children:
        if isinstance(child, Tree):
            if not child.meta.empty:
                return child.meta
        elif isinstance(child, Token):
            return child
    return None
