"""Numeric functions: abs, ceil, floor, round, sign, rand, randomUUID, sqrt, exp, log, log10, e, pi, the
trigonometric functions (sin, cos, tan, cot, asin, acos, atan, atan2, haversin, degrees, radians), isNaN, and
the vector similarity functions.

As Neo4j (Java's `Math`): results are floats except `abs` of an integer and `sign` (integers); no domain errors
(`sqrt(-1)` is NaN, `log(0)` is -Infinity); null in, null out; a non-number is a type error.
"""
from __future__ import annotations

import decimal
import math
import operator
import random
import uuid

from graphplex.databases.cypher.errors import argument_error, type_error
from graphplex.databases.cypher.functions.registry import function
from graphplex.databases.cypher.values import is_number, type_name

MAX_LONG, MIN_LONG = 2 ** 63 - 1, -(2 ** 63)


def _number(value: object, name: str) -> int | float:
    if is_number(value):
        return value
    raise type_error(f"Type mismatch: expected a number but was {type_name(value).title()} (in {name}())")


def _unary(name: str, compute, doc: str):
    def numeric(ctx, value):
        if value is None:
            return None
        return compute(float(_number(value, name)))
    numeric.__doc__ = doc
    function(name, 1, signature=f"{name}(input)")(numeric)
    return numeric


def _guard(compute):
    """Java's Math semantics for Python's math functions: NaN for a domain error, infinity for an overflow."""
    def guarded(x: float) -> float:
        try:
            return compute(x)
        except OverflowError:
            return math.inf
        except ValueError:
            return math.nan
    return guarded


def _log(x: float) -> float:
    if math.isnan(x) or x < 0:
        return math.nan
    if x == 0:
        return -math.inf
    return math.log(x)


def _log10(x: float) -> float:
    if math.isnan(x) or x < 0:
        return math.nan
    if x == 0:
        return -math.inf
    return math.log10(x)


def _sqrt(x: float) -> float:
    if math.isnan(x) or x < 0:
        return math.nan
    return math.sqrt(x)


def _tan(x: float) -> float:
    return math.nan if math.isinf(x) else math.tan(x)


def _cot(x: float) -> float:
    if math.isinf(x) or math.isnan(x):
        return math.nan
    tangent = math.tan(x)
    if tangent == 0.0:
        return math.copysign(math.inf, tangent)
    return 1.0 / tangent


@function("abs", 1)
def abs_(ctx, value):
    """The absolute value of a number (an integer stays an integer)."""
    if value is None:
        return None
    number = _number(value, "abs")
    if isinstance(number, int) and number == MIN_LONG:
        return number  # Java's Math.abs(Long.MIN_VALUE) overflows to itself
    return abs(number)


ceil = _unary("ceil", lambda x: x if math.isinf(x) or math.isnan(x) else float(math.ceil(x)),
              "The smallest integral float not less than the number.")
floor = _unary("floor", lambda x: x if math.isinf(x) or math.isnan(x) else float(math.floor(x)),
               "The largest integral float not greater than the number.")
sqrt = _unary("sqrt", _sqrt, "The square root of a number.")
exp = _unary("exp", _guard(math.exp), "e raised to the power of the number.")
log = _unary("log", _log, "The natural logarithm of a number.")
log10 = _unary("log10", _log10, "The base-10 logarithm of a number.")
sin = _unary("sin", _guard(math.sin), "The sine of an angle in radians.")
cos = _unary("cos", _guard(math.cos), "The cosine of an angle in radians.")
tan = _unary("tan", _guard(_tan), "The tangent of an angle in radians.")
cot = _unary("cot", _cot, "The cotangent of an angle in radians.")
asin = _unary("asin", _guard(math.asin), "The arcsine of a number, in radians.")
acos = _unary("acos", _guard(math.acos), "The arccosine of a number, in radians.")
atan = _unary("atan", _guard(math.atan), "The arctangent of a number, in radians.")
haversin = _unary("haversin", _guard(lambda x: (1.0 - math.cos(x)) / 2), "Half the versine of a number.")
degrees = _unary("degrees", _guard(math.degrees), "Radians converted to degrees.")
radians = _unary("radians", _guard(math.radians), "Degrees converted to radians.")


@function("atan2", 2, signature="atan2(y, x)")
def atan2(ctx, y, x):
    """The arctangent2 of a set of coordinates, in radians."""
    if y is None or x is None:
        return None
    return math.atan2(float(_number(y, "atan2")), float(_number(x, "atan2")))


@function("sign", 1)
def sign(ctx, value):
    """The signum of a number as an integer: -1, 0 or 1 (0 for NaN)."""
    if value is None:
        return None
    number = _number(value, "sign")
    if isinstance(number, float) and math.isnan(number):
        return 0
    return (number > 0) - (number < 0)


@function("isNaN", 1)
def is_nan(ctx, value):
    """Whether a number is NaN (integers never are)."""
    if value is None:
        return None
    number = _number(value, "isNaN")
    return isinstance(number, float) and math.isnan(number)


@function("e", 0, signature="e()")
def e(ctx):
    """The base of the natural logarithm."""
    return math.e


@function("pi", 0, signature="pi()")
def pi(ctx):
    """The mathematical constant pi."""
    return math.pi


@function("rand", 0, signature="rand()", deterministic=False)
def rand(ctx):
    """A random float in [0, 1)."""
    return random.random()


@function("randomUUID", 0, signature="randomUUID()", deterministic=False)
def random_uuid(ctx):
    """A random (version 4) UUID as a string."""
    return str(uuid.uuid4())


# --- round -------------------------------------------------------------------------------------------------

_MODES = {"CEILING": decimal.ROUND_CEILING, "FLOOR": decimal.ROUND_FLOOR, "UP": decimal.ROUND_UP,
          "DOWN": decimal.ROUND_DOWN, "HALF_EVEN": decimal.ROUND_HALF_EVEN, "HALF_UP": decimal.ROUND_HALF_UP,
          "HALF_DOWN": decimal.ROUND_HALF_DOWN, "UNNECESSARY": None}
_CONTEXT = decimal.Context(prec=1000, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
_UNSET = object()


def java_math_round(x: float) -> int:
    """Java's `Math.round(double)`: the nearest integer, ties towards positive infinity, clamped to a long
    (NaN is 0)."""
    if math.isnan(x):
        return 0
    if x >= MAX_LONG:
        return MAX_LONG
    if x <= MIN_LONG:
        return MIN_LONG
    lower = math.floor(x)
    return int(lower) + (1 if x - lower >= 0.5 else 0)


@function("round", 1, 3, signature="round(value[, precision[, mode]])")
def round_(ctx, value, precision=_UNSET, mode=_UNSET):
    """A number rounded to the nearest integer (ties towards positive infinity, as Java's Math.round), or to a
    number of decimal places with a rounding mode (HALF_UP by default; CEILING, FLOOR, UP, DOWN, HALF_EVEN,
    HALF_DOWN, UNNECESSARY)."""
    if value is None or precision is None or mode is None:
        return None
    explicit_mode = mode is not _UNSET
    if not explicit_mode:
        mode = "HALF_UP"
    if not isinstance(mode, str):
        raise type_error(f"Type mismatch: expected a string value for `round`, but got: {type_name(mode).title()}")
    if mode not in _MODES:
        raise argument_error("Unknown rounding mode. Valid values are: CEILING, FLOOR, UP, DOWN, HALF_EVEN, "
                             "HALF_UP, HALF_DOWN, UNNECESSARY.")
    number = float(_number(value, "round"))
    if precision is _UNSET:
        places = 0
    else:
        places = precision
        if not isinstance(places, int) or isinstance(places, bool):
            if isinstance(places, float) and places.is_integer():
                places = int(places)
            else:
                raise type_error(f"Invalid input for precision value in function 'round()': expected an Integer "
                                 f"but was {type_name(precision).title()}")
        if places > 2 ** 31 - 1 or places < -(2 ** 31):
            raise argument_error(f"Invalid input for precision value in function 'round()': Expected an integer "
                                 f"between {-(2 ** 31)} and {2 ** 31 - 1}, but got: {places}")
        if places < 0:
            raise argument_error("Precision argument to 'round()' cannot be negative")
    if math.isinf(number) or math.isnan(number):
        return number
    if places == 0 and not explicit_mode:
        return float(java_math_round(number))
    exact = decimal.Decimal(repr(number))  # Java's BigDecimal.valueOf(double): the shortest decimal form
    scale = -exact.as_tuple().exponent
    new_scale = min(scale, places)
    quantum = decimal.Decimal(1).scaleb(-new_scale)
    rounding = _MODES[mode]
    if rounding is None:
        result = exact.quantize(quantum, rounding=decimal.ROUND_DOWN, context=_CONTEXT)
        if result != exact:
            raise argument_error("Rounding necessary")
    else:
        result = exact.quantize(quantum, rounding=rounding, context=_CONTEXT)
    return float(result)


# --- vectors -----------------------------------------------------------------------------------------------

# The element types checked in one pass over a long vector (a subclass falls back to `is_number`).
_PLAIN_NUMBERS = frozenset({int, float})


def _vector(value: object, name: str) -> list[float]:
    if not isinstance(value, list):
        raise type_error(f"Type mismatch: expected List<Float> but was {type_name(value)} (in {name}())")
    if not set(map(type, value)) <= _PLAIN_NUMBERS and not all(map(is_number, value)):
        raise type_error(f"Type mismatch: expected a list of numbers (in {name}())")
    return list(map(float, value))


def _vectors(a, b, name: str) -> tuple[list[float], list[float]] | None:
    if a is None or b is None:
        return None
    x, y = _vector(a, name), _vector(b, name)
    if len(x) != len(y):
        raise argument_error(f"Invalid input for function '{name}()': the vectors must have the same dimension "
                             f"(were {len(x)} and {len(y)})")
    if not x:
        raise argument_error(f"Invalid input for function '{name}()': the vectors must not be empty")
    return x, y


@function("vector.similarity.euclidean", 2, signature="vector.similarity.euclidean(a, b)")
def vector_similarity_euclidean(ctx, a, b):
    """Similarity of two vectors by euclidean distance: 1 / (1 + squared distance)."""
    pair = _vectors(a, b, "vector.similarity.euclidean")
    if pair is None:
        return None
    difference = list(map(operator.sub, *pair))
    return 1.0 / (1.0 + sum(map(operator.mul, difference, difference)))


@function("vector.similarity.cosine", 2, signature="vector.similarity.cosine(a, b)")
def vector_similarity_cosine(ctx, a, b):
    """Similarity of two vectors by cosine: (1 + cos) / 2; null when either vector has no length."""
    pair = _vectors(a, b, "vector.similarity.cosine")
    if pair is None:
        return None
    x, y = pair
    dot = sum(map(operator.mul, x, y))
    norm = math.sqrt(sum(map(operator.mul, x, x))) * math.sqrt(sum(map(operator.mul, y, y)))
    if norm == 0.0:
        return None
    return max(0.0, min(1.0, (1.0 + dot / norm) / 2.0))
