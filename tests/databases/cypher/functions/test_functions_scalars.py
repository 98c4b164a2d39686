"""String, numeric, list and spatial functions, called as the engine calls them."""
from __future__ import annotations

import math
import re

import pytest
from function_cells import call

from graphplex.databases.cypher.functions import FUNCTIONS, property_of
from graphplex.databases.cypher.values import PathValue
from graphplex.databases.errors import Neo4jError
from graphplex.databases.values import Point

TYPE_ERROR = "Neo.ClientError.Statement.TypeError"
ARGUMENT_ERROR = "Neo.ClientError.Statement.ArgumentError"


def code_of(name: str, *args) -> str:
    with pytest.raises(Neo4jError) as caught:
        call(name, *args)
    return caught.value.code


# --- strings -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, args, expected", [
    ("toUpper", ("hello ß",), "HELLO SS"), ("toLower", ("HeLLo",), "hello"),
    ("upper", ("abc",), "ABC"), ("lower", ("ABC",), "abc"),
    ("trim", ("  \t hello \n ",), "hello"), ("ltrim", ("  hello  ",), "hello  "), ("rtrim", ("  hello  ",), "  hello"),
    ("btrim", ("  hello  ",), "hello"),
    ("trim", ("\u00a0hello\u00a0",), "\u00a0hello\u00a0"),  # Java does not count no-break spaces as whitespace
    ("trim", ("\u2003hello\u3000",), "hello"),
    ("ltrim", ("xxyyhelloxy", "xy"), "helloxy"), ("rtrim", ("xxyyhelloxy", "xy"), "xxyyhello"),
    ("btrim", ("xxyyhelloxy", "xy"), "hello"),
    ("substring", ("0123456789", 1), "123456789"), ("substring", ("0123456789", 1, 3), "123"),
    ("substring", ("0123456789", 0, 0), ""), ("substring", ("abc", 5), ""), ("substring", ("abc", 1, 10), "bc"),
    ("left", ("hello", 3), "hel"), ("left", ("hello", 10), "hello"), ("left", ("hello", 0), ""),
    ("right", ("hello", 3), "llo"), ("right", ("hello", 10), "hello"), ("right", ("hello", 0), ""),
    ("replace", ("hello", "l", "L"), "heLLo"), ("replace", ("abc", "", "-"), "-a-b-c-"),
    ("split", ("one1two", "1"), ["one", "two"]), ("split", ("a,b,,c,", ","), ["a", "b", "", "c", ""]),
    ("split", ("abc", ""), ["a", "b", "c"]), ("split", ("abc", "abc"), ["", ""]), ("split", ("", ","), [""]),
    ("split", ("a-b_c", ["-", "_"]), ["a", "b", "c"]), ("split", ("a--b", ["--", "-"]), ["a", "b"]),
    ("normalize", ("\u0041\u030a",), "\u00c5"), ("normalize", ("\u00c5", "NFD"), "\u0041\u030a"),
    ("normalize", ("\ufb01", "NFKC"), "fi"), ("normalize", ("\ufb01", "nfkd"), "fi"),
    ("char_length", ("😀a",), 2), ("character_length", ("hello",), 5),
])
def test_string_functions(name, args, expected):
    assert call(name, *args) == expected


@pytest.mark.parametrize("name, arity", [
    ("toUpper", 1), ("toLower", 1), ("upper", 1), ("lower", 1), ("trim", 1), ("ltrim", 2), ("rtrim", 2),
    ("btrim", 2), ("substring", 3), ("left", 2), ("right", 2), ("replace", 3), ("split", 2), ("normalize", 2),
    ("char_length", 1), ("character_length", 1),
])
def test_string_functions_propagate_null(name, arity):
    spec = FUNCTIONS[name.lower()]
    assert spec.max_args == arity
    samples = ["abc", 1, "b"][:arity]
    for position in range(arity):
        args = list(samples)
        if name in ("ltrim", "rtrim", "btrim", "split", "replace", "normalize"):
            args = ["abc", "b", "c"][:arity]
        if name == "normalize":
            args = ["abc", "NFC"]
        args[position] = None
        assert spec.impl(None, *args) is None


@pytest.mark.parametrize("name, args, code", [
    ("toUpper", (1,), TYPE_ERROR), ("trim", (True,), TYPE_ERROR), ("btrim", ("abc", 1), TYPE_ERROR),
    ("substring", (1, 0), TYPE_ERROR), ("substring", ("abc", 1.5), TYPE_ERROR),
    ("substring", ("abc", -1), ARGUMENT_ERROR), ("substring", ("abc", 0, -1), ARGUMENT_ERROR),
    ("left", ("abc", -1), ARGUMENT_ERROR), ("right", ("abc", -1), ARGUMENT_ERROR), ("left", ("abc", "1"), TYPE_ERROR),
    ("replace", ("abc", 1, "x"), TYPE_ERROR), ("split", ("abc", 1), TYPE_ERROR), ("split", (1, ","), TYPE_ERROR),
    ("normalize", ("abc", "NFX"), ARGUMENT_ERROR), ("char_length", ([1],), TYPE_ERROR),
])
def test_string_function_errors(name, args, code):
    assert code_of(name, *args) == code


def test_split_with_a_null_delimiter_in_the_list():
    assert call("split", "a,b", [",", None]) is None


def test_is_normalized():
    from graphplex.databases.cypher.functions.strings import is_normalized
    assert is_normalized("\u00c5") is True and is_normalized("\u0041\u030a") is False
    assert is_normalized("\u0041\u030a", "NFD") is True and is_normalized(1) is None


# --- numbers -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    ((2.5,), 3.0), ((-2.5,), -2.0), ((-1.5,), -1.0), ((0.49999999999999994,), 0.0), ((3,), 3.0),
    ((-1.5, 0), -1.0), ((3.141592, 3), 3.142), ((-1.55, 1), -1.6), ((1.005, 2), 1.01), ((1.2, 5), 1.2),
    ((-1.5, 0, "HALF_UP"), -2.0), ((2.5, 0, "HALF_EVEN"), 2.0), ((-2.5, 0, "HALF_DOWN"), -2.0),
    ((1.21, 1, "CEILING"), 1.3), ((-1.29, 1, "FLOOR"), -1.3), ((1.21, 1, "UP"), 1.3), ((-1.29, 1, "DOWN"), -1.2),
    ((1.5, 1, "UNNECESSARY"), 1.5), ((1e300,), 9.223372036854776e18),
])
def test_round(args, expected):
    result = call("round", *args)
    assert isinstance(result, float) and result == expected


def test_round_special_values_and_errors():
    assert math.isnan(call("round", math.nan)) and call("round", math.inf) == math.inf
    assert call("round", None) is None and call("round", 1.5, None) is None and call("round", 1.5, 1, None) is None
    assert code_of("round", 1.5, -1) == ARGUMENT_ERROR
    assert code_of("round", 1.5, 0, "HALF_SIDEWAYS") == ARGUMENT_ERROR
    assert code_of("round", 1.55, 1, "UNNECESSARY") == ARGUMENT_ERROR
    assert code_of("round", "1.5") == TYPE_ERROR
    assert code_of("round", 1.5, 0, 1) == TYPE_ERROR


@pytest.mark.parametrize("name, args, expected", [
    ("abs", (-3,), 3), ("abs", (-3.5,), 3.5), ("abs", (0,), 0),
    ("ceil", (1,), 1.0), ("ceil", (-1.5,), -1.0), ("floor", (-1.5,), -2.0), ("floor", (2,), 2.0),
    ("sign", (-2.5,), -1), ("sign", (0,), 0), ("sign", (7,), 1), ("sign", (math.nan,), 0), ("sign", (-0.0,), 0),
    ("sqrt", (16,), 4.0), ("exp", (0,), 1.0), ("log", (math.e,), 1.0), ("log10", (1000,), 3.0),
    ("log", (0,), -math.inf), ("log10", (0,), -math.inf), ("exp", (1000,), math.inf),
    ("sin", (0,), 0.0), ("cos", (0,), 1.0), ("tan", (0,), 0.0), ("cot", (0,), math.inf),
    ("asin", (1,), math.pi / 2), ("acos", (1,), 0.0), ("atan", (1,), math.pi / 4), ("atan2", (1, 1), math.pi / 4),
    ("haversin", (0,), 0.0), ("haversin", (math.pi,), 1.0), ("degrees", (math.pi,), 180.0),
    ("radians", (180,), math.pi), ("isNaN", (math.nan,), True), ("isNaN", (1,), False), ("isNaN", (1.0,), False),
    ("e", (), math.e), ("pi", (), math.pi),
])
def test_numeric_functions(name, args, expected):
    result = call(name, *args)
    assert result == pytest.approx(expected) if isinstance(expected, float) and math.isfinite(expected) \
        else result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize("name, arg", [("sqrt", -1), ("log", -1), ("log10", -1), ("asin", 2), ("acos", 2),
                                       ("sin", math.inf), ("tan", math.inf), ("cot", math.nan)])
def test_domain_errors_are_nan(name, arg):
    assert math.isnan(call(name, arg))


@pytest.mark.parametrize("name", ["abs", "ceil", "floor", "sign", "sqrt", "exp", "log", "log10", "sin", "cos", "tan",
                                  "cot", "asin", "acos", "atan", "haversin", "degrees", "radians", "isNaN"])
def test_numeric_functions_null_and_type_errors(name):
    assert call(name, None) is None
    assert code_of(name, "1") == TYPE_ERROR
    assert code_of(name, True) == TYPE_ERROR


def test_atan2_null_and_errors():
    assert call("atan2", None, 1) is None and call("atan2", 1, None) is None
    assert code_of("atan2", 1, "x") == TYPE_ERROR


def test_random_functions():
    values = {call("rand") for _ in range(20)}
    assert all(0.0 <= value < 1.0 for value in values) and len(values) > 1
    uuid = call("randomUUID")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", uuid)
    assert uuid != call("randomUUID")
    assert not FUNCTIONS["rand"].deterministic and not FUNCTIONS["randomuuid"].deterministic


def test_vector_similarity():
    assert call("vector.similarity.euclidean", [1, 2], [1, 2]) == 1.0
    assert call("vector.similarity.euclidean", [0, 0], [3, 4]) == pytest.approx(1 / 26)
    assert call("vector.similarity.cosine", [1, 0], [1, 0]) == 1.0
    assert call("vector.similarity.cosine", [1, 0], [-1, 0]) == 0.0
    assert call("vector.similarity.cosine", [1, 0], [0, 1]) == 0.5
    assert call("vector.similarity.cosine", [0, 0], [1, 1]) is None
    assert call("vector.similarity.cosine", None, [1]) is None
    assert code_of("vector.similarity.cosine", [1, 2], [1]) == ARGUMENT_ERROR
    assert code_of("vector.similarity.euclidean", "a", [1]) == TYPE_ERROR


# --- lists and any values ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, args, expected", [
    ("coalesce", (None, None, 3, 4), 3), ("coalesce", (None,), None),
    ("size", ([1, 2, 3],), 3), ("size", ("héllo",), 5), ("size", (None,), None),
    ("head", ([1, 2],), 1), ("head", ([],), None), ("last", ([1, 2],), 2), ("last", ([],), None),
    ("tail", ([1, 2, 3],), [2, 3]), ("tail", ([],), []),
    ("range", (0, 3), [0, 1, 2, 3]), ("range", (0, 10, 3), [0, 3, 6, 9]), ("range", (3, 0, -1), [3, 2, 1, 0]),
    ("range", (0, -1), []), ("range", (0, None), None),
    ("reverse", ([1, 2, 3],), [3, 2, 1]), ("reverse", ("abc",), "cba"), ("reverse", (None,), None),
    ("isEmpty", ([],), True), ("isEmpty", ({"a": 1},), False), ("isEmpty", ("",), True),
    ("nullIf", (1, 1), None), ("nullIf", (1, 1.0), None), ("nullIf", (1, 2), 1), ("nullIf", (None, 1), None),
    ("nullIf", (1, None), 1), ("nullIf", ("a", "b"), "a"),
])
def test_list_functions(name, args, expected):
    assert call(name, *args) == expected


@pytest.mark.parametrize("name, args, code", [
    ("range", (0, 1.5), TYPE_ERROR), ("range", (0, 10, 0), ARGUMENT_ERROR), ("range", ("0", 1), TYPE_ERROR),
    ("size", (1,), TYPE_ERROR), ("head", ("abc",), TYPE_ERROR), ("reverse", (1,), TYPE_ERROR),
    ("isEmpty", (1,), TYPE_ERROR),
])
def test_list_function_errors(name, args, code):
    assert code_of(name, *args) == code


def test_size_of_a_path_is_a_type_error():
    assert code_of("size", PathValue((), ())) == TYPE_ERROR


# --- spatial -----------------------------------------------------------------------------------------------

def point(**fields):
    return call("point", fields)


@pytest.mark.parametrize("fields, expected", [
    ({"x": 1, "y": 2}, Point(7203, 1.0, 2.0)),
    ({"x": 1, "y": 2, "z": 3}, Point(9157, 1.0, 2.0, 3.0)),
    ({"longitude": 12.5, "latitude": 56.0}, Point(4326, 12.5, 56.0)),
    ({"longitude": 12.5, "latitude": 56.0, "height": 100}, Point(4979, 12.5, 56.0, 100.0)),
    ({"x": 1, "y": 2, "crs": "WGS-84"}, Point(4326, 1.0, 2.0)),
    ({"x": 1, "y": 2, "srid": 4326}, Point(4326, 1.0, 2.0)),
    ({"x": 1, "y": 2, "z": 3, "crs": "cartesian-3d"}, Point(9157, 1.0, 2.0, 3.0)),
    ({"longitude": 1, "latitude": 2, "crs": "wgs-84", "srid": 4326}, Point(4326, 1.0, 2.0)),
    ({"X": 1, "Y": 2}, Point(7203, 1.0, 2.0)),
    ({"x": None, "y": 2}, None),
])
def test_point_construction(fields, expected):
    assert call("point", fields) == expected


@pytest.mark.parametrize("fields, code", [
    ({"x": 1}, ARGUMENT_ERROR), ({"latitude": 1}, ARGUMENT_ERROR),
    ({"x": 1, "y": 2, "crs": "cartesian-3d"}, ARGUMENT_ERROR), ({"x": 1, "y": 2, "z": 3, "srid": 7203}, ARGUMENT_ERROR),
    ({"longitude": 1, "latitude": 91}, ARGUMENT_ERROR), ({"longitude": 181, "latitude": 1}, ARGUMENT_ERROR),
    ({"x": 1, "y": "2"}, TYPE_ERROR), ({"x": 1, "y": 2, "foo": 3}, ARGUMENT_ERROR),
    ({"x": 1, "y": 2, "crs": "mars"}, ARGUMENT_ERROR), ({"x": 1, "y": 2, "srid": 1234}, ARGUMENT_ERROR),
    ({"x": 1, "y": 2, "crs": "cartesian", "srid": 4326}, ARGUMENT_ERROR), ({"x": 1, "latitude": 2}, ARGUMENT_ERROR),
    ({"longitude": 1, "latitude": 2, "crs": "cartesian"}, ARGUMENT_ERROR),
])
def test_point_construction_errors(fields, code):
    assert code_of("point", fields) == code


def test_point_of_null_and_of_other_types():
    assert call("point", None) is None
    assert code_of("point", "point") == TYPE_ERROR


def test_point_accessors():
    cartesian = point(x=1, y=2)
    assert [property_of(cartesian, key) for key in ("x", "y", "crs", "srid")] == [1.0, 2.0, "cartesian", 7203]
    geographic = point(longitude=12.5, latitude=56.0, height=10)
    assert [property_of(geographic, key) for key in ("longitude", "latitude", "height", "x", "y", "z", "crs",
                                                      "srid")] == [12.5, 56.0, 10.0, 12.5, 56.0, 10.0, "wgs-84-3d",
                                                                   4979]
    for key in ("z", "latitude", "height", "foo"):
        with pytest.raises(Neo4jError) as caught:
            property_of(cartesian, key)
        assert caught.value.code == ARGUMENT_ERROR


def test_distance():
    assert call("point.distance", point(x=2.3, y=4.5), point(x=1.1, y=5.4)) == pytest.approx(1.5)
    assert call("point.distance", point(x=0, y=0, z=0), point(x=1, y=2, z=2)) == 3.0
    assert call("point.distance", point(latitude=56.7, longitude=12.78, height=100),
                point(latitude=56.71, longitude=12.79, height=100)) == pytest.approx(1269.9148706779097)
    assert call("point.distance", point(longitude=12.78, latitude=56.7),
                point(longitude=12.79, latitude=56.71)) == pytest.approx(1269.894960563667)
    assert call("point.distance", point(longitude=0, latitude=0), point(longitude=180, latitude=0)) == \
        pytest.approx(math.pi * 6378140.0)
    assert call("distance", point(x=0, y=0), point(x=3, y=4)) == 5.0
    assert call("point.distance", point(x=0, y=0), point(longitude=0, latitude=0)) is None
    assert call("point.distance", None, point(x=0, y=0)) is None


def test_within_bbox():
    assert call("point.withinBBox", point(x=0, y=0), point(x=0, y=0), point(x=10, y=10)) is True
    assert call("point.withinBBox", point(x=5, y=11), point(x=0, y=0), point(x=10, y=10)) is False
    assert call("point.withinBBox", point(longitude=179, latitude=0), point(longitude=170, latitude=-10),
                point(longitude=-170, latitude=10)) is True  # crossing the date line
    assert call("point.withinBBox", point(longitude=0, latitude=0), point(longitude=170, latitude=-10),
                point(longitude=-170, latitude=10)) is False
    assert call("point.withinBBox", point(x=0, y=0), point(longitude=0, latitude=0),
                point(longitude=1, latitude=1)) is None
    assert call("point.withinBBox", None, point(x=0, y=0), point(x=1, y=1)) is None
