"""APOC's pure functions (apoc.coll, apoc.map, apoc.text): properties under hypothesis, and the examples of APOC
5.26's own tests (core/src/test/java/apoc/text/StringsTest.java, coll/CollTest.java), through a database of its
own so that the names are resolved as a statement resolves them."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from graphplex.databases import Database
from graphplex.databases.cypher import apoc
from graphplex.databases.cypher.apoc.java_text import java_double, java_format
from graphplex.databases.cypher.lookup import find_function
from graphplex.databases.cypher.values import group_key

apoc.load()

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from([0.0, 1.0, 2.5, -1.0]),
                    st.text(alphabet="abc", max_size=2))
lists = st.lists(scalars, max_size=12)
words = st.text(alphabet="abcXYZ é-_ 0", max_size=12)


def call(name: str, *args):
    """The function as a statement calls it (pure functions ignore their execution context)."""
    return find_function(name).impl(None, *args)


@pytest.fixture(scope="module")
def database():
    return Database("apoc")


# --- apoc.coll -------------------------------------------------------------------------------------------------

@given(lists)
def test_to_set_keeps_first_occurrences_in_order(values):
    result = call("apoc.coll.toSet", values)
    keys = [group_key(v) for v in result]
    assert len(keys) == len(set(keys))
    firsts = []
    for value in values:
        if group_key(value) not in [group_key(f) for f in firsts]:
            firsts.append(value)
    assert result == firsts


@given(lists, lists)
def test_set_operations_agree_with_to_set(first, second):
    union = call("apoc.coll.union", first, second)
    assert union == call("apoc.coll.toSet", first + second)
    keys_second = {group_key(v) for v in second}
    intersection = call("apoc.coll.intersection", first, second)
    subtract = call("apoc.coll.subtract", first, second)
    assert all(group_key(v) in keys_second for v in intersection)
    assert not any(group_key(v) in keys_second for v in subtract)
    assert len(intersection) + len(subtract) == len(call("apoc.coll.toSet", first))
    assert call("apoc.coll.unionAll", first, second) == first + second


@given(lists)
def test_frequencies_count_every_element_once(values):
    frequencies = call("apoc.coll.frequencies", values)
    assert sum(entry["count"] for entry in frequencies) == len(values)
    assert [entry["item"] for entry in frequencies] == call("apoc.coll.toSet", values)
    duplicates = call("apoc.coll.duplicates", values)
    # in the order their second occurrences come, as APOC's LinkedHashSet keeps them
    assert {group_key(v) for v in duplicates} == {group_key(e["item"]) for e in frequencies if e["count"] > 1}
    assert call("apoc.coll.different", values) == (not duplicates)
    assert call("apoc.coll.containsDuplicates", values) == bool(duplicates)


@given(lists, scalars)
def test_index_of_occurrences_and_contains_agree(values, value):
    index = call("apoc.coll.indexOf", values, value)
    occurrences = call("apoc.coll.occurrences", values, value)
    assert (index >= 0) == (occurrences > 0) == call("apoc.coll.contains", values, value)


@given(st.lists(st.integers(-100, 100), max_size=20))
def test_sort_sorts_and_min_max_sum_avg_agree(values):
    assert call("apoc.coll.sort", values) == sorted(values)
    assert call("apoc.coll.min", values) == (min(values) if values else None)
    assert call("apoc.coll.max", values) == (max(values) if values else None)
    assert call("apoc.coll.sum", values) == (float(sum(values)) if values else None)
    assert call("apoc.coll.sumLongs", values) == sum(values)


@given(lists, st.integers(1, 5))
def test_partition_and_flatten_are_inverse(values, size):
    parts = call("apoc.coll.partition", values, size)
    assert all(0 < len(part) <= size for part in parts)
    assert call("apoc.coll.flatten", parts) == values


@given(lists)
def test_zip_and_pairs(values):
    pairs = call("apoc.coll.pairs", values)
    if len(values) < 2:
        assert pairs == [], "APOC zips the list with its empty tail: no pairs"
        return
    assert [p[0] for p in pairs] == values
    assert call("apoc.coll.pairsMin", values) == pairs[:-1]


@pytest.mark.parametrize("name, args, expected", [
    ("apoc.coll.pairs", ([1, 2, 3],), [[1, 2], [2, 3], [3, None]]),
    ("apoc.coll.zip", ([1, 2, 3], ["a", "b"]), [[1, "a"], [2, "b"], [3, None]]),
    ("apoc.coll.flatten", ([1, [2, [3]]], True), [1, 2, 3]),
    ("apoc.coll.flatten", ([1, [2, [3]]],), [1, 2, [3]]),
    ("apoc.coll.remove", ([1, 2, 3, 4], 1, 2), [1, 4]),
    ("apoc.coll.insert", ([1, 2], 1, 9), [1, 9, 2]),
    ("apoc.coll.set", ([1, 2], 5, 9), [1, 2]),
    ("apoc.coll.combinations", ([1, 2, 3], 2), [[1, 2], [1, 3], [2, 3]]),
    ("apoc.coll.runningTotal", ([1, 2, 3, 4, 5.5, 1],), [1, 3, 6, 10, 15.5, 16.5]),
    ("apoc.coll.stdev", ([10, 12, 23, 23, 16, 23, 21, 16], False), 4.898979485566356),
    ("apoc.coll.stdev", ([10, 12, 23],), 7),
    ("apoc.coll.min", ([0.5, 1, 2.3],), 0.5), ("apoc.coll.max", ([None, 1, 3, 2],), 3),
    ("apoc.coll.indexOf", ([1, 2, 3], None), -1), ("apoc.coll.insert", ([1, 2, 3], 0, None), [1, 2, 3]),
    ("apoc.coll.remove", ([1, 2, 3], 1, 2), [1]), ("apoc.coll.intersection", ([1.2, 2.3], [2.3, 3.4]), [2.3]),
    ("apoc.coll.stdev", ([10, 12, 23, 23, 16, 23, 21, 16],), 5.237229365663817),
    ("apoc.coll.dropDuplicateNeighbors", ([1, 1, 2, 1, None, None],), [1, 2, 1, None]),
    ("apoc.coll.sortMaps", ([{"n": 1}, {"n": 3}, {"n": 2}], "n"), [{"n": 3}, {"n": 2}, {"n": 1}]),
    ("apoc.coll.sortMaps", ([{"n": 1}, {"n": 3}, {"n": 2}], "^n"), [{"n": 1}, {"n": 2}, {"n": 3}]),
    ("apoc.coll.frequenciesAsMap", ([1, 1, "a"],), {"1": 2, "a": 1}),
    ("apoc.coll.isEqualCollection", ([1, 2, 2], [2, 1, 2]), True),
    ("apoc.coll.pairWithOffset", ([1, 2, 3], 2), [[1, 3], [2, None], [3, None]]),
    ("apoc.coll.sortMulti", ([{"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 2, "b": "z"}], ["a", "^b"]),
     [{"a": 2, "b": "z"}, {"a": 1, "b": "x"}, {"a": 1, "b": "y"}]),
    ("apoc.coll.sortMulti", ([{"a": 1}, {"a": 3}, {"a": 2}], ["^a"], 2, 1), [{"a": 2}, {"a": 3}]),
    ("apoc.coll.avg", ([],), None),
    ("apoc.coll.toSet", (None,), None),
])
def test_coll_examples(name, args, expected):
    assert call(name, *args) == expected


# --- apoc.map --------------------------------------------------------------------------------------------------

@given(st.dictionaries(st.text(alphabet="abc", min_size=1, max_size=3), scalars, max_size=6))
def test_map_lists_and_values_round_trip(values):
    keys = list(values)
    assert call("apoc.map.fromLists", keys, [values[k] for k in keys]) == values
    assert call("apoc.map.values", values, keys) == [values[k] for k in keys]
    assert call("apoc.map.fromPairs", [[k, v] for k, v in values.items()]) == values
    assert call("apoc.map.merge", values, {}) == values
    assert call("apoc.map.clean", values, [], []) == {k: v for k, v in values.items() if v is not None}


nested = st.recursive(st.dictionaries(st.text(alphabet="ab", min_size=1, max_size=2), st.integers(), max_size=3),
                      lambda inner: st.dictionaries(st.text(alphabet="ab", min_size=1, max_size=2), inner,
                                                    min_size=1, max_size=3), max_leaves=8)


@given(nested)
def test_map_flatten_and_unflatten_are_inverse(values):
    flat = call("apoc.map.flatten", values)
    assert all(not isinstance(v, dict) for v in flat.values())
    pruned = _without_empty_maps(values)
    assert call("apoc.map.unflatten", flat) == pruned


def _without_empty_maps(values: dict) -> dict:
    out = {}
    for key, value in values.items():
        if isinstance(value, dict):
            inner = _without_empty_maps(value)
            if inner:
                out[key] = inner
        else:
            out[key] = value
    return out


@pytest.mark.parametrize("name, args, expected", [
    ("apoc.map.fromValues", (["a", 1, "b", 2],), {"a": 1, "b": 2}),
    ("apoc.map.setKey", ({"a": 1}, "b", 2), {"a": 1, "b": 2}),
    ("apoc.map.removeKeys", ({"a": 1, "b": {"a": 2, "c": 3}}, ["a"], {"recursive": True}), {"b": {"c": 3}}),
    ("apoc.map.removeKey", ({"a": 1, "b": 2}, "a"), {"b": 2}),
    ("apoc.map.removeKeys", ({"a": 1, "b": 2, "c": [{"a": 3, "b": 4, "d": 1}, {"a": 4, "b": 5, "d": 3}]}, ["a", "b"],
                             {"recursive": True}), {"c": [{"d": 1}, {"d": 3}]}),
    ("apoc.map.removeKeys", ({"a": 1, "b": 2, "c": [{"d": 1}, {"b": 5, "d": 3}]}, ["d", "b"], {"recursive": True}),
     {"a": 1}),
    ("apoc.map.clean", ({"a": 1, "b": "", "c": None, "x": 1234, "z": False}, ["x"], ["", False]), {"a": 1}),
    ("apoc.map.fromValues", (["a", 1, "b", False],), {"a": 1, "b": False}),
    ("apoc.map.sortedProperties", ({"b": 8, "d": 3, "a": 2, "E": 12, "C": 9}, False),
     [["C", 9], ["E", 12], ["a", 2], ["b", 8], ["d", 3]]),
    ("apoc.map.clean", ({"a": 1, "b": "", "c": 1.0, "d": None}, ["a"], ["", 1]), {"c": 1.0}),
    ("apoc.map.mergeList", ([{"a": 1}, {"a": 2, "b": 3}],), {"a": 2, "b": 3}),
    ("apoc.map.submap", ({"a": 1, "b": 2}, ["a"]), {"a": 1}),
    ("apoc.map.get", ({"a": 1}, "z", 7), 7),
    ("apoc.map.groupBy", ([{"id": 1, "x": "a"}, {"id": 2, "x": "b"}], "id"),
     {"1": {"id": 1, "x": "a"}, "2": {"id": 2, "x": "b"}}),
    ("apoc.map.groupByMulti", ([{"k": "a", "v": 1}, {"k": "a", "v": 2}], "k"),
     {"a": [{"k": "a", "v": 1}, {"k": "a", "v": 2}]}),
    ("apoc.map.sortedProperties", ({"b": 1, "A": 2},), [["A", 2], ["b", 1]]),
    ("apoc.map.updateTree", ({"id": 1, "c": [{"id": 2}, {"id": 3}]}, "id", [[1, {"a": 1}], [2, {"b": 2}]]),
     {"id": 1, "c": [{"id": 2, "b": 2}, {"id": 3}], "a": 1}),
])
def test_map_examples(name, args, expected):
    assert call(name, *args) == expected


def test_map_get_of_a_missing_key_fails_as_apoc():
    with pytest.raises(Exception) as caught:
        call("apoc.map.get", {"a": 1, "b": 2}, "z")
    assert caught.value.code == "Neo.ClientError.Procedure.ProcedureCallFailed"
    assert caught.value.message == ("Failed to invoke function `apoc.map.get`: Caused by: "
                                    "java.lang.IllegalArgumentException: Key z is not of one of the existing keys "
                                    "[a, b]")


# --- apoc.text -------------------------------------------------------------------------------------------------

@given(words, words)
def test_levenshtein_is_a_metric(first, second):
    distance = call("apoc.text.distance", first, second)
    assert distance == call("apoc.text.distance", second, first)
    assert (distance == 0) == (first == second)
    assert distance <= max(len(first), len(second))
    assert 0.0 <= call("apoc.text.levenshteinSimilarity", first, second) <= 1.0
    jaro = call("apoc.text.jaroWinklerDistance", first, second)
    assert 0.0 <= jaro <= 1.0 + 1e-12 and (jaro == 0.0) == (first == second or jaro == 0.0)


@given(st.text(max_size=20))
def test_encodings_round_trip(text):
    assert call("apoc.text.urldecode", call("apoc.text.urlencode", text)) == text
    assert call("apoc.text.base64Decode", call("apoc.text.base64Encode", text)) == text
    assert call("apoc.text.base64UrlDecode", call("apoc.text.base64UrlEncode", text)) == text
    assert call("apoc.text.byteCount", text) == len(text.encode("utf-8"))


@given(words, st.integers(0, 30))
def test_padding(text, count):
    left, right = call("apoc.text.lpad", text, count, "*"), call("apoc.text.rpad", text, count, "*")
    assert len(left) == len(right) == max(len(text), count)
    assert left.endswith(text) and right.startswith(text)


@given(st.integers(0, 2 ** 31 - 1))
def test_hex_value_reads_back(value):
    assert int(call("apoc.text.hexValue", value), 16) == value


@given(st.lists(st.text(alphabet="ab,", max_size=4), max_size=5))
def test_join_and_split(parts):
    joined = call("apoc.text.join", parts, ";")
    assert joined == ";".join(parts)
    expected = ";".join(parts).split(";")
    while expected and expected[-1] == "":
        expected.pop()  # Java's String.split drops trailing empty strings
    assert call("apoc.text.split", joined, ";") == (expected if joined else [""])


@pytest.mark.parametrize("name, text, expected", [
    ("camelCase", "FOO_BAR", "fooBar"), ("camelCase", "Foo bar", "fooBar"), ("camelCase", "Foo22 bar", "foo22Bar"),
    ("camelCase", "foo-bar", "fooBar"), ("camelCase", "Foobar", "foobar"), ("camelCase", "Foo$$Bar", "fooBar"),
    ("camelCase", "doc vidéo", "docVidéo"),
    ("upperCamelCase", "FOO_BAR", "FooBar"), ("upperCamelCase", "Foo22 bar", "Foo22Bar"),
    ("upperCamelCase", "doc vidéo", "DocVidéo"),
    ("snakeCase", "test Snake Case", "test-snake-case"), ("snakeCase", "FOO_BAR", "foo-bar"),
    ("snakeCase", "Foo bar", "foo-bar"), ("snakeCase", "fooBar", "foo-bar"), ("snakeCase", "foo-bar", "foo-bar"),
    ("snakeCase", "Foo  bar", "foo-bar"), ("snakeCase", "rédacteur-en-chef", "rédacteur-en-chef"),
    ("toUpperCase", "test upper case", "TEST_UPPER_CASE"), ("toUpperCase", "FooBar", "FOO_BAR"),
    ("toUpperCase", "fooBar", "FOO_BAR"), ("toUpperCase", "foo-bar", "FOO_BAR"),
    ("toUpperCase", "foo--bar", "FOO_BAR"), ("toUpperCase", "foo$$bar", "FOO_BAR"),
    ("toUpperCase", "foo 22 bar", "FOO_22_BAR"),
    ("capitalizeAll", "graph database", "Graph Database"), ("decapitalize", "Graph Database", "graph Database"),
    ("swapCase", "Neo4j", "nEO4J"), ("clean", "Hello World!", "helloworld"), ("clean", "Über", "ueber"),
])
def test_text_examples_of_apocs_tests(name, text, expected):
    assert call(f"apoc.text.{name}", text) == expected


@pytest.mark.parametrize("args, expected", [
    (("a-b", "-"), "a-b"), (("a b  c",), "a-b-c"), ((" a b-- c", "."), "a.b.c"), ((" a- b c ", "-"), "a-b-c"),
    (("a b c d é",), "a-b-c-d-é"),
])
def test_slug_examples_of_apocs_tests(args, expected):
    assert call("apoc.text.slug", *args) == expected


def test_hex_values_of_apocs_tests():
    values = [0, 1, 255, 65534, 65536, 305419896, 2309737967, 4294967294, 187723572702975]
    assert [call("apoc.text.hexValue", v) for v in values] == [
        "0000", "0001", "00FF", "FFFE", "00010000", "12345678", "89ABCDEF", "FFFFFFFE", "0000AABBCCDDEEFF"]


@pytest.mark.parametrize("args, expected", [
    (("belly", "jolly"), 0.5), (("halım", "halim", "tr-TR"), 0.5), (("HELLo", "heLlO", "en"), 1.0),
    (("hello   world", " hello world", "en"), 1.0), (("quite similar", "quiet similaire", "en"), 14 / 22),
    (("çok ağrıyor", "az bilmiyor", "tr-TR"), 0.25), (("aa", "aaaaaa"), 1 / 3),
])
def test_sorensen_dice_of_apocs_tests(args, expected):
    assert call("apoc.text.sorensenDiceSimilarity", *args) == pytest.approx(expected)


def test_distances_of_apocs_tests():
    assert round(call("apoc.text.jaroWinklerDistance", "Neo", "Leo"), 2) == 0.22
    assert round(call("apoc.text.jaroWinklerDistance", "Neo4j", "Neo4j Aura"), 10) == 0.1
    assert [call("apoc.text.fuzzyMatch", a, b) for a, b in (("Th", "th"), ("THe", "the"), ("The", "the"))] == [
        False, False, True]
    assert call("apoc.text.distance", "kitten", "sitting") == 3


@pytest.mark.parametrize("name, args, expected", [
    ("apoc.text.indexOf", ("hello world", "o"), 4), ("apoc.text.indexOf", ("hello world", "o", 5), 7),
    ("apoc.text.indexOf", ("hello world", "o", 0, 4), -1), ("apoc.text.indexesOf", ("hello world", "o"), [4, 7]),
    ("apoc.text.replace", ("Hello World", "o(.)", "0$1"), "Hell0 W0rld"),
    ("apoc.text.regreplace", ("a1b22", "[0-9]+", "#"), "a#b#"),
    ("apoc.text.split", ("Hello   World", " +"), ["Hello", "World"]),
    ("apoc.text.split", ("a,b,,", ","), ["a", "b"]), ("apoc.text.split", ("a,b,c", ",", 2), ["a", "b,c"]),
    ("apoc.text.regexGroups", ("abc123def456", "([a-z]+)([0-9]+)"), [["abc123", "abc", "123"],
                                                                      ["def456", "def", "456"]]),
    ("apoc.text.format", ("%s is %d years", ["Ann", 42]), "Ann is 42 years"),
    ("apoc.text.repeat", ("ab", 3), "ababab"), ("apoc.text.urlencode", ("a b&c",), "a+b%26c"),
    ("apoc.text.bytes", ("Ä",), [195, 132]), ("apoc.text.charAt", ("abc", 1), 98), ("apoc.text.code", (65,), "A"),
    ("apoc.text.compareCleaned", ("Hello-World!", "hello world"), True),
    ("apoc.text.lpad", ("1", 3, "0"), "001"), ("apoc.text.join", (["a", "b"], ", "), "a, b"),
])
def test_text_examples(name, args, expected):
    assert call(name, *args) == expected


# --- Java's text ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [(1.0, "1.0"), (0.001, "0.001"), (1e7, "1.0E7"), (1e-4, "1.0E-4"),
                                         (12345678.9, "1.23456789E7"), (-2.5, "-2.5")])
def test_doubles_print_as_java(value, text):
    assert java_double(value) == text


@settings(max_examples=50)
@given(st.lists(st.text(alphabet="ab%", max_size=3), max_size=4))
def test_format_of_plain_strings_is_concatenation(parts):
    texts = [p.replace("%", "%%") for p in parts]
    assert java_format("%s" * len(parts), parts) == "".join(parts)
    assert java_format("".join(texts), []) == "".join(parts)


def test_names_resolve_in_a_statement(database):
    result = database.execute("RETURN apoc.coll.toSet([1, 1.0, 2]) AS s, apoc.text.camelCase('a b') AS c")
    assert list(result) == [([1, 2], "aB")]
