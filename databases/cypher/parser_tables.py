"""The parse tables of a grammar, computed by lark and written down as plain data for `lalr.Parser`.

This is the only module that imports lark, and only when a grammar's tables are not in the cache yet: building
them (lark's grammar analysis) takes seconds, after which `parser_cache` keeps them. Everything that decides
what a parse tree looks like is taken from lark's own objects rather than re-derived: the parse table, each
rule's child filter (lark's `maybe_create_child_filter`), and each parser state's scanner as lark compiles it
(terminal order, keywords folded into the name terminal, the terminals it reports as allowed).

The tables are a dictionary of strings, integers, tuples and dictionaries (so `marshal` can store them and the
garbage collector need not track them):
- `states`: per parser state (numbered from 0), a `marshal` record of its actions: terminal or rule name →
  `n >= 0` shifts (or goes) to state `n`, `n < 0` reduces by `rules[-n - 1]`;
- `start_states`, `end_states`: per start rule;
- `rules`: `(origin, size, name, expand1, include)` as `lalr.Rule` reads them;
- `lexers`: `(before, keywords, after, unless, allowed)` as `lalr.LexerSpec` reads them, one per distinct lexer;
  `lexer_of_state` maps each parser state to one, `root_lexer` is the whole grammar's;
- `ignore`, `flags`: the terminals skipped between tokens and the regular-expression flags;
- `terminals`: terminal name → (`"str"` or `"re"`, its pattern), for naming what a syntax error expected."""
from __future__ import annotations

import marshal
import re
import sys

START = ("start", "use_prefixed", "use_database")
OPTIONS = {"parser": "lalr", "lexer": "contextual", "propagate_positions": True, "maybe_placeholders": False,
           "start": list(START)}


def build(grammar: str) -> dict:
    """The tables of `grammar` (lark's grammar text)."""
    from lark import Lark

    lark_parser = Lark(grammar, **OPTIONS)
    table = lark_parser.parser.parser.parser.parse_table
    rules, states = _states(table)
    lexers, lexer_of_state, root = _lexers(lark_parser.parser.lexer)
    return {
        "states": states,
        "start_states": dict(table.start_states),
        "end_states": dict(table.end_states),
        "rules": tuple(_rule(rule) for rule in rules),
        "lexers": lexers,
        "lexer_of_state": lexer_of_state,
        "root_lexer": root,
        "ignore": tuple(sorted(lark_parser.ignore_tokens)),
        "flags": lark_parser.lexer_conf.g_regex_flags,
        "terminals": {_name(terminal.name): (terminal.pattern.type, terminal.pattern.value)
                      for terminal in lark_parser.terminals},
    }


def _name(name: str) -> str:
    """Names are interned so that `marshal` writes each once, however many states refer to it."""
    return sys.intern(str(name))


def _states(table) -> tuple[list, tuple[bytes, ...]]:
    """The rules the table reduces by, and each state's actions as a `marshal` record of its own, in state
    order (lark numbers the states from 0), so that the runtime decodes only the states a statement meets."""
    from lark.parsers.lalr_analysis import Shift

    rules: list = []
    index: dict = {}
    states: dict[int, dict[str, int]] = {}
    for state, actions in table.states.items():
        encoded = {}
        for symbol, (action, argument) in actions.items():
            if action is Shift:
                encoded[_name(symbol)] = argument
            else:
                if argument not in index:
                    index[argument] = len(rules)
                    rules.append(argument)
                encoded[_name(symbol)] = -index[argument] - 1
        states[state] = encoded
    if sorted(states) != list(range(len(states))):
        raise ValueError("lark's parse table does not number its states from 0")
    return rules, tuple(marshal.dumps(states[state]) for state in range(len(states)))


def _rule(rule) -> tuple:
    """A rule as lark's tree builder treats it without placeholders (`ParseTreeBuilder._init_builders`)."""
    from lark.parse_tree_builder import maybe_create_child_filter

    options = rule.options
    child_filter = maybe_create_child_filter(rule.expansion, options.keep_all_tokens, False, None)
    include = None if child_filter is None else tuple((i, bool(inline)) for i, inline in child_filter.args[0])
    name = rule.alias or options.template_source or rule.origin.name
    return (_name(rule.origin.name), len(rule.expansion), _name(name), bool(options.expand1 and not rule.alias),
            include)


def _lexers(contextual) -> tuple[tuple, dict[int, int], int]:
    """One spec per distinct lexer object (states that take the same terminals share one in lark too)."""
    specs: list = []
    seen: dict[int, int] = {}

    def spec_of(lexer) -> int:
        if id(lexer) not in seen:
            seen[id(lexer)] = len(specs)
            specs.append(_lexer_spec(lexer))
        return seen[id(lexer)]

    lexer_of_state = {state: spec_of(lexer) for state, lexer in contextual.lexers.items()}
    root = spec_of(contextual.root_lexer)
    return tuple(specs), lexer_of_state, root


def _lexer_spec(lexer) -> tuple:
    """A state's lexer as lark builds it (`_build_scanner`: the order of preference, name terminals that absorb
    string keywords, the names it reports as allowed), with its keywords taken out of the alternation."""
    scanner = lexer._build_scanner()
    before, keywords, after = _split_keywords(scanner.terminals)
    unless = {_name(name): _alternation(callback.scanner.terminals) for name, callback in lexer.callback.items()}
    allowed = scanner.allowed_types - lexer.ignore_types or {"<END-OF-FILE>"}
    return (_alternation(before), keywords, _alternation(after), unless,
            tuple(sorted(_name(name) for name in allowed)))


def _split_keywords(terminals: list) -> tuple[list, dict[str, str], list]:
    """The terminals before the state's keywords, its keywords (lower-case word → terminal) and those after.

    A keyword terminal is `/(?i:WORD)(?!\\w)/`: it matches exactly where the run of word characters is WORD in
    any case, so one dictionary look-up replaces a few hundred alternatives that `re` would have to compile
    (tens of milliseconds per parser state, on first use). The keywords share one priority and so stand
    together in lark's order, where at most one of them can match; when they do not stand together, the state
    keeps lark's alternation whole."""
    flags = [_keyword(terminal) is not None for terminal in terminals]
    if True not in flags:
        return terminals, {}, []
    first = flags.index(True)
    last = len(flags) - flags[::-1].index(True)
    if not all(flags[first:last]):
        return terminals, {}, []
    keywords = {_keyword(terminal): _name(terminal.name) for terminal in terminals[first:last]}
    return terminals[:first], keywords, terminals[last:]


def _keyword(terminal) -> str | None:
    match = _KEYWORD.fullmatch(terminal.pattern.to_regexp()) if terminal.pattern.type == "re" else None
    return match.group(1).lower() if match and match.group(1).isascii() else None


_KEYWORD = re.compile(r"\(\?i:([A-Za-z_]\w*)\)\(\?!\\w\)")


def _alternation(terminals: list) -> str:
    """One expression of named groups in order, as lark's `Scanner` writes it ('' for none)."""
    return "|".join(f"(?P<{terminal.name}>{terminal.pattern.to_regexp()})" for terminal in terminals)
