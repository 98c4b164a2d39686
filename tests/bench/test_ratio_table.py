"""The ratio table says met / not met from figures of one run: the best database peer is the fastest (or, for
memory, the smallest) of those that ran, networkx is compared apart, and a target whose peer did not run is n/a."""
from bench import ratio_table


def _line(ops=None, bytes_per_element=None, mode=None):
    return {"ops_per_s": ops, "bytes_per_element": bytes_per_element, "mode": mode}


def _row(entries, key):
    return next(entry for entry in entries if entry["table_row"] == key)


def test_best_peer_is_the_fastest_database_and_networkx_stands_apart():
    results = {"graphplex": {"W2_point_read": _line(3000.0)}, "kuzu": {"W2_point_read": _line(1000.0)},
               "falkordb": {"W2_point_read": _line(1500.0)}, "networkx": {"W2_point_read": _line(300000.0)}}
    _, entries = ratio_table.markdown(results)
    row = _row(entries, "W2_point_read")
    assert row["best_peer"] == "falkordb" and row["vs_best_peer"] == 2.0 and row["vs_networkx"] == 0.01
    assert row["targets"] == [{"target": "≥ 2× best peer (no regression)", "ratio": 2.0, "status": "met"}]


def test_memory_is_lower_is_better():
    results = {"graphplex": {"W7_memory": _line(bytes_per_element=600.0)},
               "kuzu": {"W7_memory": _line(bytes_per_element=1200.0)},
               "networkx": {"W7_memory": _line(bytes_per_element=300.0)}}
    _, entries = ratio_table.markdown(results)
    row = _row(entries, "W7_memory")
    assert row["best_peer"] == "kuzu" and row["vs_best_peer"] == 0.5
    assert row["targets"][0]["status"] == "not met" and row["targets"][0]["ratio"] == 2.0


def test_a_target_whose_peer_did_not_run_is_not_applicable():
    results = {"graphplex": {"W5_aggregate_scan": _line(10.0)}, "networkx": {"W5_aggregate_scan": _line(15.0)}}
    table, entries = ratio_table.markdown(results)
    statuses = [target["status"] for target in _row(entries, "W5_aggregate_scan")["targets"]]
    assert statuses == ["n/a", "met"]
    assert "| W5 scan + group + count (queries/s) | 10 | — | — | 15 |" in table


def test_durable_lines_are_filed_apart():
    assert ratio_table.result_key({"workload": "W1_point_write", "mode": "durable_fsync"}) == \
        "W1_point_write_durable"
    assert ratio_table.result_key({"workload": "W1_point_write", "mode": "in_memory"}) == "W1_point_write"


def test_rounds_are_tabulated_by_their_medians():
    rounds = [{"graphplex": {"W4_two_hop": {"ops_per_s": ops, "workload": "W4_two_hop"}}} for ops in (10.0, 30.0, 20.0)]
    rounds[1]["networkx"] = {"W4_two_hop": {"ops_per_s": 40.0}}
    merged = ratio_table.median_results(rounds)
    assert merged["graphplex"]["W4_two_hop"]["ops_per_s"] == 20.0
    assert merged["graphplex"]["W4_two_hop"]["ops_per_s_rounds"] == [10.0, 30.0, 20.0]
    assert merged["networkx"]["W4_two_hop"]["ops_per_s"] == 40.0
    assert ratio_table.median_results(rounds[:1]) is rounds[0]
