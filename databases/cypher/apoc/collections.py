"""apoc.coll.*: list functions as APOC 5.26 core defines them (null and empty-list answers, Java's equality of
values where APOC compares through Neo4j's `AnyValue`: 1 equals 1.0, lists equal element-wise). Duplicates are
found through `group_key`, Cypher's equivalence, so the first occurrence of each value keeps its place."""
from __future__ import annotations

import functools
import itertools
import math
import random
from typing import Callable

from graphplex.databases.cypher.apoc.arguments import apoc_function
from graphplex.databases.cypher.apoc.java_text import java_class, java_string
from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.cypher.values import OrderKey, compare, equals, group_key
from graphplex.databases.procedure_failures import function_failed
from graphplex.databases.storage import Edge, Vertex


def _coll(name: str, signature: str, *, deterministic: bool = True):
    """Registers an apoc.coll function with its APOC signature."""
    return apoc_function(f"apoc.coll.{name}{signature}", deterministic=deterministic)


def _same(a: object, b: object) -> bool:
    """APOC's `Util.valueEquals`: Cypher equality, with null equal to null."""
    if a is None or b is None:
        return a is None and b is None
    return equals(a, b) is True


def _unique(values) -> list:
    """The values without repeats, each kept at its first occurrence."""
    seen: set = set()
    out = []
    for value in values:
        key = group_key(value)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _number(name: str, value) -> float:
    """An element of a list of numbers, as Java unboxes it: a null or a non-number fails the call."""
    if value is None:
        raise function_failed(f"apoc.coll.{name}", "", "java.lang.NullPointerException")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise function_failed(f"apoc.coll.{name}", f"class {java_class(value)} cannot be cast to class "
                              "java.lang.Number", "java.lang.ClassCastException")
    return value


# --- numbers --------------------------------------------------------------------------------------------------

@_coll("sum", "(coll :: LIST<INTEGER | FLOAT>) :: FLOAT")
def coll_sum(ctx, values):
    """Returns the sum of all the `INTEGER | FLOAT` in the `LIST<INTEGER | FLOAT>`."""
    if not values:
        return None
    return float(math.fsum(_number("sum", v) for v in values))


@_coll("avg", "(coll :: LIST<INTEGER | FLOAT>) :: FLOAT")
def coll_avg(ctx, values):
    """Returns the average of the numbers in the `LIST<INTEGER | FLOAT>`."""
    if not values:
        return None
    return float(sum(float(_number("avg", v)) for v in values)) / len(values)


@_coll("sumLongs", "(coll :: LIST<INTEGER | FLOAT>) :: INTEGER")
def coll_sum_longs(ctx, values):
    """Returns the sum of all the `INTEGER | FLOAT` in the `LIST<INTEGER | FLOAT>`."""
    if values is None:
        return None
    return sum(int(_number("sumLongs", v)) for v in values)


def _extreme(values, better: int):
    """APOC's `reduce(res = null, x IN list | CASE WHEN res IS NULL OR x < res THEN x ELSE res END)`."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    result = None
    for value in values:
        if result is None or compare(value, result) == better:
            result = value
    return result


@_coll("min", "(values :: LIST<ANY>) :: ANY")
def coll_min(ctx, values):
    """Returns the minimum of all values in the given `LIST<ANY>`."""
    return _extreme(values, -1)


@_coll("max", "(values :: LIST<ANY>) :: ANY")
def coll_max(ctx, values):
    """Returns the maximum of all values in the given `LIST<ANY>`."""
    return _extreme(values, 1)


@_coll("stdev", "(list :: LIST<INTEGER | FLOAT>, isBiasCorrected = true :: BOOLEAN) :: INTEGER | FLOAT")
def coll_stdev(ctx, values, bias_corrected=True):
    """Returns sample or population standard deviation with `isBiasCorrected` true or false respectively."""
    if not values:
        return None
    numbers = [float(_number("stdev", v)) for v in values]
    if len(numbers) == 1:
        return 0
    mean = sum(numbers) / len(numbers)
    squares = sum((n - mean) ** 2 for n in numbers)
    result = math.sqrt(squares / (len(numbers) - 1 if bias_corrected else len(numbers)))
    return int(result) if result == int(result) else result


@_coll("runningTotal", "(list :: LIST<INTEGER | FLOAT>) :: LIST<INTEGER | FLOAT>")
def coll_running_total(ctx, values):
    """Returns an accumulative `LIST<INTEGER | FLOAT>`."""
    if not values:
        return None
    total, out = 0.0, []
    for value in values:
        total += _number("runningTotal", value)
        out.append(int(total) if total == int(total) else total)
    return out


# --- membership and positions -----------------------------------------------------------------------------------

@_coll("contains", "(coll :: LIST<ANY>, value :: ANY) :: BOOLEAN")
def coll_contains(ctx, values, value):
    """Returns whether or not the given value exists in the given collection."""
    if not values:
        return False
    return any(_same(item, value) for item in values)


@_coll("containsAll", "(coll1 :: LIST<ANY>, coll2 :: LIST<ANY>) :: BOOLEAN")
def coll_contains_all(ctx, values, wanted):
    """Returns whether or not all of the given values exist in the given collection."""
    if not values or wanted is None:
        return False
    keys = {group_key(item) for item in values}
    return all(group_key(item) in keys for item in wanted)


@_coll("containsSorted", "(coll :: LIST<ANY>, value :: ANY) :: BOOLEAN")
def coll_contains_sorted(ctx, values, value):
    """Returns whether or not the given value exists in an already sorted collection (using a binary search)."""
    # APOC's binary search finds what a scan finds in a sorted list; a scan answers for an unsorted one too.
    return coll_contains(ctx, values, value)


@_coll("containsAllSorted", "(coll1 :: LIST<ANY>, coll2 :: LIST<ANY>) :: BOOLEAN")
def coll_contains_all_sorted(ctx, values, wanted):
    """Returns whether or not all of the given values in the second `LIST<ANY>` exist in an already sorted
    collection (using a binary search)."""
    if values is None or wanted is None:
        return False
    return all(any(_same(item, value) for item in values) for value in wanted)


@_coll("containsDuplicates", "(coll :: LIST<ANY>) :: BOOLEAN")
def coll_contains_duplicates(ctx, values):
    """Returns true if a collection contains duplicate elements."""
    if values is None or len(values) <= 1:
        return False
    return len(_unique(values)) < len(values)


@_coll("different", "(coll :: LIST<ANY>) :: BOOLEAN")
def coll_different(ctx, values):
    """Returns true if all the values in the given `LIST<ANY>` are unique."""
    if values is None:
        return False
    return len(_unique(values)) == len(values)


@_coll("indexOf", "(coll :: LIST<ANY>, value :: ANY) :: INTEGER")
def coll_index_of(ctx, values, value):
    """Returns the index for the first occurrence of the specified value in the `LIST<ANY>`."""
    if not values:
        return -1
    return next((i for i, item in enumerate(values) if _same(item, value)), -1)


@_coll("occurrences", "(coll :: LIST<ANY>, item :: ANY) :: INTEGER")
def coll_occurrences(ctx, values, item):
    """Returns the count of the given item in the collection."""
    if not values:
        return 0
    return sum(1 for value in values if _same(item, value))


@_coll("isEqualCollection", "(coll :: LIST<ANY>, values :: LIST<ANY>) :: BOOLEAN")
def coll_is_equal_collection(ctx, first, second):
    """Returns true if the two collections contain the same elements with the same cardinality in any order."""
    if first is None and second is None:
        return True
    if first is None or second is None or len(first) != len(second):
        return False
    return _counts(first) == _counts(second)


def _counts(values) -> dict:
    counts: dict = {}
    for value in values:
        key = group_key(value)
        counts[key] = counts.get(key, 0) + 1
    return counts


# --- building lists ------------------------------------------------------------------------------------------------

@_coll("toSet", "(coll :: LIST<ANY>) :: LIST<ANY>")
def coll_to_set(ctx, values):
    """Returns a unique `LIST<ANY>` from the given `LIST<ANY>`."""
    return None if values is None else _unique(values)


@_coll("union", "(list1 :: LIST<ANY>, list2 :: LIST<ANY>) :: LIST<ANY>")
def coll_union(ctx, first, second):
    """Returns the distinct union of the two given `LIST<ANY>` values."""
    if first is None:
        return second
    if second is None:
        return first
    return _unique(list(first) + list(second))


@_coll("unionAll", "(list1 :: LIST<ANY>, list2 :: LIST<ANY>) :: LIST<ANY>")
def coll_union_all(ctx, first, second):
    """Returns the full union of the two given `LIST<ANY>` values (duplicates included)."""
    if first is None:
        return second
    if second is None:
        return first
    return list(first) + list(second)


@_coll("intersection", "(list1 :: LIST<ANY>, list2 :: LIST<ANY>) :: LIST<ANY>")
def coll_intersection(ctx, first, second):
    """Returns the distinct intersection of two `LIST<ANY>` values."""
    if first is None or second is None:
        return []
    keys = {group_key(item) for item in second}
    return [item for item in _unique(first) if group_key(item) in keys]


@_coll("subtract", "(list1 :: LIST<ANY>, list2 :: LIST<ANY>) :: LIST<ANY>")
def coll_subtract(ctx, first, second):
    """Returns the first `LIST<ANY>` as a set with all the elements of the second `LIST<ANY>` removed."""
    if first is None:
        return None
    if second is None:
        return first
    keys = {group_key(item) for item in second}
    return [item for item in _unique(first) if group_key(item) not in keys]


@_coll("removeAll", "(list1 :: LIST<ANY>, list2 :: LIST<ANY>) :: LIST<ANY>")
def coll_remove_all(ctx, first, second):
    """Returns the first `LIST<ANY>` with all elements also present in the second `LIST<ANY>` removed."""
    if first is None:
        return None
    keys = {group_key(item) for item in second or ()}
    return [item for item in first if group_key(item) not in keys]


@_coll("disjunction", "(list1 :: LIST<ANY>, list2 :: LIST<ANY>) :: LIST<ANY>")
def coll_disjunction(ctx, first, second):
    """Returns the disjunct set from two `LIST<ANY>` values."""
    if first is None:
        return second
    if second is None:
        return first
    one, two = {group_key(i) for i in first}, {group_key(i) for i in second}
    return [item for item in _unique(list(first) + list(second)) if (group_key(item) in one) != (group_key(item) in two)]


@_coll("zip", "(list1 :: LIST<ANY>, list2 :: LIST<ANY>) :: LIST<ANY>")
def coll_zip(ctx, first, second):
    """Returns the two given `LIST<ANY>` values zipped together as a `LIST<LIST<ANY>>`."""
    if first is None or second is None:
        return None
    if not first or not second:
        return []
    return [[item, second[i] if i < len(second) else None] for i, item in enumerate(first)]


@_coll("pairs", "(list :: LIST<ANY>) :: LIST<ANY>")
def coll_pairs(ctx, values):
    """Returns a `LIST<ANY>` of adjacent elements in the `LIST<ANY>` ([1,2],[2,3],[3,null])."""
    if values is None:
        return None
    return coll_zip(ctx, values, values[1:]) if values else []


@_coll("pairsMin", "(list :: LIST<ANY>) :: LIST<ANY>")
def coll_pairs_min(ctx, values):
    """Returns `LIST<ANY>` values of adjacent elements in the `LIST<ANY>` ([1,2],[2,3]), skipping the final
    element."""
    if values is None:
        return None
    return coll_zip(ctx, values[:-1], values[1:]) if values else []


@_coll("pairWithOffset", "(coll :: LIST<ANY>, offset :: INTEGER) :: LIST<ANY>")
def coll_pair_with_offset(ctx, values, offset):
    """Returns a `LIST<ANY>` of pairs defined by the offset."""
    if values is None:
        return None

    def at(index: int):
        return values[index] if 0 <= index < len(values) else None
    return [[at(i), at(i + offset)] for i in range(len(values))]


@_coll("partition", "(coll :: LIST<ANY>, batchSize :: INTEGER) :: LIST<ANY>")
def coll_partition(ctx, values, size):
    """Partitions the original `LIST<ANY>` into a new `LIST<ANY>` of the given batch size. The final
    `LIST<ANY>` may be smaller than the given batch size."""
    if not values:
        return []
    return _partitions("partition", values, size)


def _partitions(name: str, values: list, size) -> list:
    if size is None or size <= 0:
        raise function_failed(f"apoc.coll.{name}", "/ by zero", "java.lang.ArithmeticException")
    return [list(values[i:i + size]) for i in range(0, len(values), size)]


@_coll("flatten", "(coll :: LIST<ANY>, recursive = false :: BOOLEAN) :: LIST<ANY>")
def coll_flatten(ctx, values, recursive=False):
    """Flattens the given `LIST<ANY>` (to flatten nested `LIST<ANY>` values, set recursive to true)."""
    if values is None:
        return []
    return _flatten(values, 0, -1 if recursive else 2)


def _flatten(value, depth: int, stop: int) -> list:
    if depth == stop:
        return [value]
    if isinstance(value, list):
        out = []
        for item in value:
            out.extend(_flatten(item, depth + 1, stop))
        return out
    return [value]


@_coll("set", "(coll :: LIST<ANY>, index :: INTEGER, value :: ANY) :: LIST<ANY>")
def coll_set(ctx, values, index, value):
    """Sets the element at the given index to the new value."""
    if values is None:
        return None
    if index is None or index < 0 or value is None or index >= len(values):
        return values
    out = list(values)
    out[index] = value
    return out


@_coll("insert", "(coll :: LIST<ANY>, index :: INTEGER, value :: ANY) :: LIST<ANY>")
def coll_insert(ctx, values, index, value):
    """Inserts a value into the specified index in the `LIST<ANY>`."""
    if values is None:
        return None
    if index is None or index < 0 or value is None or index > len(values):
        return values
    return list(values[:index]) + [value] + list(values[index:])


@_coll("insertAll", "(coll :: LIST<ANY>, index :: INTEGER, values :: LIST<ANY>) :: LIST<ANY>")
def coll_insert_all(ctx, values, index, inserted):
    """Inserts all of the values into the `LIST<ANY>`, starting at the specified index."""
    if values is None:
        return None
    if index is None or index < 0 or not inserted or index > len(values):
        return values
    return list(values[:index]) + list(inserted) + list(values[index:])


@_coll("remove", "(coll :: LIST<ANY>, index :: INTEGER, length = 1 :: INTEGER) :: LIST<ANY>")
def coll_remove(ctx, values, index, length=1):
    """Removes a range of values from the `LIST<ANY>`, beginning at position index for the given length of
    values."""
    if values is None:
        return None
    if index is None or length is None or index < 0 or index >= len(values) or length <= 0:
        return values
    return list(values[:index]) + list(values[index + length:])


@_coll("fill", "(items :: STRING, count :: INTEGER) :: LIST<ANY>")
def coll_fill(ctx, item, count):
    """Returns a `LIST<ANY>` with the given count of items."""
    if count is not None and count < 0:
        raise function_failed("apoc.coll.fill", f"List length = {count}", "java.lang.IllegalArgumentException")
    return [item] * (count or 0)


@_coll("dropDuplicateNeighbors", "(list :: LIST<ANY>) :: LIST<ANY>")
def coll_drop_duplicate_neighbors(ctx, values):
    """Removes duplicate consecutive objects in the `LIST<ANY>`."""
    if values is None:
        return None
    out, last = [], None
    for element in values:
        if (element is None and last is not None) or (element is not None and not _same(element, last)):
            out.append(element)
            last = element
    return out


@_coll("duplicates", "(coll :: LIST<ANY>) :: LIST<ANY>")
def coll_duplicates(ctx, values):
    """Returns a `LIST<ANY>` of duplicate items in the collection."""
    if values is None or len(values) <= 1:
        return []
    seen: set = set()
    duplicates = []
    for value in values:
        key = group_key(value)
        if key in seen:
            duplicates.append(value)
        seen.add(key)
    return _unique(duplicates)


def _frequencies(values) -> list[dict]:
    order: list = []
    counts: dict = {}
    for value in values:
        key = group_key(value)
        if key not in counts:
            order.append((key, value))
            counts[key] = 0
        counts[key] += 1
    return [{"item": value, "count": counts[key]} for key, value in order]


@_coll("duplicatesWithCount", "(coll :: LIST<ANY>) :: LIST<ANY>")
def coll_duplicates_with_count(ctx, values):
    """Returns a `LIST<ANY>` of duplicate items in the collection and their count, keyed by `item` and `count`."""
    if values is None or len(values) <= 1:
        return []
    return [entry for entry in _frequencies(values) if entry["count"] > 1]


@_coll("frequencies", "(coll :: LIST<ANY>) :: LIST<ANY>")
def coll_frequencies(ctx, values):
    """Returns a `LIST<ANY>` of frequencies of the items in the collection, keyed by `item` and `count`."""
    if not values:
        return []
    return _frequencies(values)


@_coll("frequenciesAsMap", "(coll :: LIST<ANY>) :: MAP")
def coll_frequencies_as_map(ctx, values):
    """Returns a `MAP` of frequencies of the items in the collection, keyed by `item` and `count`."""
    if values is None:
        return {}
    return {java_string(entry["item"]): entry["count"] for entry in _frequencies(values)}


@_coll("combinations", "(coll :: LIST<ANY>, minSelect :: INTEGER, maxSelect = -1 :: INTEGER) :: LIST<ANY>")
def coll_combinations(ctx, values, min_select, max_select=-1):
    """Returns a collection of all combinations of `LIST<ANY>` elements between the selection size `minSelect`
    and `maxSelect` (default: `minSelect`)."""
    max_select = min_select if max_select == -1 else max_select
    if not values or min_select < 1 or min_select > len(values) or min_select > max_select \
            or max_select > len(values):
        return []
    return [list(combo) for size in range(min_select, max_select + 1)
            for combo in itertools.combinations(values, size)]


# --- order --------------------------------------------------------------------------------------------------------

@_coll("sort", "(coll :: LIST<ANY>) :: LIST<ANY>")
def coll_sort(ctx, values):
    """Sorts the given `LIST<ANY>` into ascending order."""
    if not values:
        return []
    return sorted(values, key=OrderKey)


def _java_compare(a, b) -> int:
    """APOC's `Coll.compare`: nulls first, numbers by value, nodes and relationships by element id, anything
    else by its text."""
    if a is None:
        return 0 if b is None else -1
    if b is None:
        return 1
    if equals(a, b) is True:
        return 0
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
    if numbers:
        return (a > b) - (a < b)
    if isinstance(a, bool) and isinstance(b, bool):
        return 1 if a else -1
    if isinstance(a, (Vertex, Edge)) and isinstance(b, (Vertex, Edge)):
        return (a.gid > b.gid) - (a.gid < b.gid)
    x, y = java_string(a), java_string(b)
    return (x > y) - (x < y)


def _sorted_by(values: list, prop: str, get: Callable) -> list:
    ascending = prop.startswith("^")
    key = prop[1:] if ascending else prop
    sign = 1 if ascending else -1
    return sorted(values, key=functools.cmp_to_key(lambda x, y: sign * _java_compare(get(x, key), get(y, key))))


@_coll("sortNodes", "(coll :: LIST<NODE>, prop :: STRING) :: LIST<ANY>")
def coll_sort_nodes(ctx, nodes, prop):
    """Sorts the given `LIST<NODE>` by the property of the nodes into descending order (prefix the property
    with `^` for ascending order)."""
    if not nodes:
        return []
    return _sorted_by(list(nodes), prop, lambda node, key: ctx.view(node).props.get(key))


@_coll("sortMaps", "(list :: LIST<MAP<STRING, ANY>>, prop :: STRING) :: LIST<ANY>")
def coll_sort_maps(ctx, maps, prop):
    """Sorts the given `LIST<MAP<STRING, ANY>>` into descending order, based on the `MAP` property indicated by
    `prop` (prefix it with `^` for ascending order)."""
    if not maps:
        return []
    return _sorted_by(list(maps), prop, lambda item, key: item.get(key))


@_coll("sortText", "(coll :: LIST<STRING>, conf = {} :: MAP) :: LIST<ANY>")
def coll_sort_text(ctx, values, conf=None):
    """Sorts the given `LIST<STRING>` into ascending order."""
    if not values:
        return []
    return sorted(values, key=lambda text: (text.casefold(), text))


@_coll("shuffle", "(coll :: LIST<ANY>) :: LIST<ANY>", deterministic=False)
def coll_shuffle(ctx, values):
    """Returns the `LIST<ANY>` shuffled."""
    if not values:
        return []
    out = list(values)
    random.shuffle(out)
    return out


@_coll("randomItem", "(coll :: LIST<ANY>) :: ANY", deterministic=False)
def coll_random_item(ctx, values):
    """Returns a random item from the `LIST<ANY>`, or null on `LIST<NOTHING>` or `LIST<NULL>`."""
    if not values:
        return None
    return random.choice(values)


@_coll("randomItems", "(coll :: LIST<ANY>, itemCount :: INTEGER, allowRepick = false :: BOOLEAN) :: LIST<ANY>", deterministic=False)
def coll_random_items(ctx, values, count, allow_repick=False):
    """Returns a `LIST<ANY>` of `itemCount` random items from the original `LIST<ANY>` (optionally allowing
    elements in the original `LIST<ANY>` to be selected more than once)."""
    if not values or not count or count <= 0:
        return []
    if allow_repick:
        return [random.choice(values) for _ in range(count)]
    return random.sample(list(values), min(count, len(values)))


# --- procedures -------------------------------------------------------------------------------------------------

@procedure("apoc.coll.zipToRows", inputs=[("list1", "LIST<ANY>", ...), ("list2", "LIST<ANY>", ...)],
           outputs=[("value", "LIST<ANY>")])
def zip_to_rows(ctx, first, second):
    """Returns the two `LIST<ANY>` values zipped together, with one row per zipped pair."""
    for pair in coll_zip(ctx, first or [], second or []) or ():
        yield {"value": pair}


@procedure("apoc.coll.partition", inputs=[("coll", "LIST<ANY>", ...), ("batchSize", "INTEGER", ...)],
           outputs=[("value", "LIST<ANY>")])
def partition_rows(ctx, values, size):
    """Partitions the original `LIST<ANY>` into a new `LIST<ANY>` of the given batch size. The final
    `LIST<ANY>` may be smaller than the given batch size."""
    for part in _partitions("partition", values, size) if values else ():
        yield {"value": part}


@procedure("apoc.coll.split", inputs=[("coll", "LIST<ANY>", ...), ("value", "ANY", ...)],
           outputs=[("value", "LIST<ANY>")])
def split_rows(ctx, values, value):
    """Splits a collection by the given value. The value itself will not be part of the resulting `LIST<ANY>`
    values."""
    part: list = []
    for item in values or ():
        if _same(item, value):
            if part:
                yield {"value": part}
            part = []
        else:
            part.append(item)
    if part:
        yield {"value": part}


def _compare_to(a, b) -> int:
    """Java's `Comparable.compareTo` of two values of one type (values of different types cannot be compared)."""
    result = compare(a, b)
    if result is None:
        raise TypeError("values of different types")
    return result


@_coll("sortMulti", "(coll :: LIST<MAP<STRING, ANY>>, orderFields = [] :: LIST<STRING>, limit = -1 :: INTEGER, "
                    "skip = 0 :: INTEGER) :: LIST<ANY>")
def coll_sort_multi(ctx, maps, fields=None, limit=-1, skip=0):
    """Sorts the given `LIST<MAP<STRING, ANY>>` by the given fields. To indicate that a field should be sorted
    according to ascending values, prefix it with a caret (^). It is also possible to add limits to the
    `LIST<MAP<STRING, ANY>>` and to skip values."""
    result = list(maps or ())
    order = [(field[1:], True) if field.startswith("^") else (field, False) for field in fields or ()]

    def by_fields(x, y) -> int:
        for name, ascending in order:
            first, second = x.get(name), y.get(name)
            if first is None and second is None:
                continue
            difference = -1 if first is None else 1 if second is None else _compare_to(first, second)
            if difference:
                return difference if ascending else -difference
        return 0
    if order:
        result.sort(key=functools.cmp_to_key(by_fields))
    if skip > 0 and limit != -1:
        end = skip + limit
    elif skip > 0:
        end = len(result)
    elif limit != -1:
        skip, end = 0, limit
    else:
        return result
    if not 0 <= skip <= end <= len(result):
        raise IndexError(f"toIndex = {end}")
    return result[skip:end]
