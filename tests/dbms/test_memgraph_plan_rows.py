"""Unit: Memgraph's EXPLAIN lines and PROFILE rows drawn from a described plan (`graphplex.memgraph_plans`)."""
from graphplex.memgraph_plans import explain_rows, profile_rows


def node(operator: str, details: str, identifiers: list[str], children: list[dict], rows: int = 0,
         time: int = 0) -> dict:
    return {"operatorType": f"{operator}@neo4j", "args": {"Details": details} if details else {},
            "identifiers": identifiers, "children": children, "rows": rows, "time": time}


UNION = node("ProduceResults", "x", ["x"], [
    node("Union", "", ["x"], [node("Projection", "1 AS `x`", ["x"], [], 1, 1_000_000),
                              node("Projection", "2 AS `x`", ["x"], [], 1, 3_000_000)], 2, 0)], 2, 0)


def test_a_union_s_other_side_is_a_branch():
    assert explain_rows(UNION) == [(" * Union {x : x}",), (" |\\ ",), (" | * Produce {x}",), (" | * Once",),
                                   (" * Produce {x}",), (" * Once",)]


def test_profile_rows_share_the_run_s_time_and_mark_branches():
    assert profile_rows(UNION) == [
        ("* Union {x : x}", 2, "  0.000000 %", "  0.000000 ms"),
        ("|\\", "", "", ""),
        ("| * Produce {x}", 1, " 75.000000 %", "  3.000000 ms"),
        ("| * Once", 1, "  0.000000 %", "  0.000000 ms"),
        ("* Produce {x}", 1, " 25.000000 %", "  1.000000 ms"),
        ("* Once", 1, "  0.000000 %", "  0.000000 ms"),
    ]


def test_a_run_too_short_to_time_is_zero_percent():
    assert profile_rows(node("ProduceResults", "", [], [], 0, 0)) == [
        ("* EmptyResult", 0, "  0.000000 %", "  0.000000 ms"), ("* Once", 1, "  0.000000 %", "  0.000000 ms")]


def test_an_operator_memgraph_has_no_name_for_keeps_graphplex_s():
    assert explain_rows(node("Create", "", ["a"], [])) == [(" * Create",), (" * Once",)]


def test_a_filter_names_its_parts_as_memgraph_does():
    def shown(details: str) -> str:
        return explain_rows(node("Filter", details, ["n", "m"], []))[0][0]
    assert shown("n:A|B") == " * Filter (n :A|B)"
    assert shown("n.age > 1") == " * Filter {n.age}"
    assert shown("n.name STARTS WITH 'a' AND m:Person") == " * Filter (m :Person), {n.name}"
    assert shown("n.x < n.y") == " * Filter Generic {n}"
    assert shown("m.age > n.age OR m.q IS NULL") == " * Filter Generic {m, n}"
