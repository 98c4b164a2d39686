"""apoc.map.*: building, merging and cleaning maps as APOC 5.26 core does (keys turned into text as Java's
`toString` spells them, null keys skipped, a missing key an error where APOC throws one)."""
from __future__ import annotations

from graphplex.databases.cypher.apoc.arguments import apoc_function
from graphplex.databases.cypher.apoc.java_text import java_string
from graphplex.databases.procedure_failures import function_failed
from graphplex.databases.storage import Edge, Vertex


def _map(name: str, signature: str):
    """Registers an apoc.map function with its APOC signature."""
    return apoc_function(f"apoc.map.{name}{signature}")


def _java_equal(a: object, b: object) -> bool:
    """Java's `equals` of the objects a function receives: 1 (a Long) is not 1.0 (a Double)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_java_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_java_equal(a[k], b[k]) for k in a)
    return a == b


def merge_maps(first: dict | None, second: dict | None) -> dict:
    """APOC's `Util.merge`: the second map's entries over the first's."""
    if not second:
        return first if first is not None else {}
    if not first:
        return second
    return {**first, **second}


def from_pairs(pairs) -> dict:
    """APOC's `Util.mapFromPairs`: [[key, value], ...] with empty pairs and null keys skipped."""
    out = {}
    for pair in pairs or ():
        if not pair or pair[0] is None:
            continue
        out[java_string(pair[0])] = pair[1] if len(pair) >= 2 else None
    return out


def from_lists(name: str, keys, values) -> dict:
    """APOC's `Util.mapFromLists`."""
    if keys is None or values is None or len(keys) != len(values):
        raise function_failed(name, "keys and values lists have to be not null and of same size",
                              "java.lang.RuntimeException")
    return dict(zip(keys, values))


def from_values(values) -> dict:
    """APOC's `Util.map`: keys and values alternating, a null key skipped."""
    values = list(values or ())
    out = {}
    for i in range(0, len(values) - 1, 2):
        if values[i] is not None:
            out[java_string(values[i])] = values[i + 1]
    return out


@_map("fromPairs", "(pairs :: LIST<LIST<ANY>>) :: MAP")
def map_from_pairs(ctx, pairs):
    """Creates a `MAP` from the given `LIST<LIST<ANY>>` of key-value pairs."""
    return from_pairs(pairs)


@_map("fromLists", "(keys :: LIST<STRING>, values :: LIST<ANY>) :: MAP")
def map_from_lists(ctx, keys, values):
    """Creates a `MAP` from the keys and values in the given `LIST<ANY>` values."""
    return from_lists("apoc.map.fromLists", keys, values)


@_map("fromValues", "(values :: LIST<ANY>) :: MAP")
def map_from_values(ctx, values):
    """Creates a `MAP` from the alternating keys and values in the given `LIST<ANY>`."""
    return from_values(values)


@_map("merge", "(map1 :: MAP, map2 :: MAP) :: MAP")
def map_merge(ctx, first, second):
    """Merges the two given `MAP` values into one `MAP`."""
    return merge_maps(first, second)


@_map("mergeList", "(maps :: LIST<MAP<STRING, ANY>>) :: MAP")
def map_merge_list(ctx, maps):
    """Merges all `MAP` values in the given `LIST<MAP<STRING, ANY>>` into one `MAP`."""
    out: dict = {}
    for item in maps or ():
        out.update(item or {})
    return out


@_map("setKey", "(map :: MAP, key :: STRING, value :: ANY) :: MAP")
def map_set_key(ctx, values, key, value):
    """Adds or updates the given entry in the `MAP`."""
    return merge_maps(values, {} if key is None else {key: value})


@_map("setEntry", "(map :: MAP, key :: STRING, value :: ANY) :: MAP")
def map_set_entry(ctx, values, key, value):
    """Adds or updates the given entry in the `MAP`."""
    return merge_maps(values, {} if key is None else {key: value})


@_map("setPairs", "(map :: MAP, pairs :: LIST<LIST<ANY>>) :: MAP")
def map_set_pairs(ctx, values, pairs):
    """Adds or updates the given key/value pairs (e.g. [key1,value1],[key2,value2]) in a `MAP`."""
    return merge_maps(values, from_pairs(pairs))


@_map("setLists", "(map :: MAP, keys :: LIST<STRING>, values :: LIST<ANY>) :: MAP")
def map_set_lists(ctx, values, keys, new_values):
    """Adds or updates the given keys/value pairs provided in `LIST<ANY>` format (e.g. [key1, key2],[value1,
    value2]) in a `MAP`."""
    return merge_maps(values, from_lists("apoc.map.setLists", keys, new_values))


@_map("setValues", "(map :: MAP, pairs :: LIST<ANY>) :: MAP")
def map_set_values(ctx, values, pairs):
    """Adds or updates the alternating key/value pairs (e.g. [key1,value1,key2,value2]) in a `MAP`."""
    return merge_maps(values, from_values(pairs))


def remove_keys(values: dict, keys, recursive: bool) -> dict:
    """APOC's `removeKeys`: the keys dropped, and with `recursive` from nested maps and lists of maps too (a map
    or list left empty disappears)."""
    out = {key: value for key, value in values.items() if key not in keys}
    if not recursive:
        return out
    for key in list(out):
        value = out[key]
        if isinstance(value, dict):
            updated = remove_keys(value, keys, True)
            if not updated:
                del out[key]
            else:
                out[key] = updated
        elif isinstance(value, list):
            items = [remove_keys(item, keys, True) if isinstance(item, dict) else item for item in value]
            items = [item for item in items if not (isinstance(item, dict) and not item)]
            if not items:
                del out[key]
            else:
                out[key] = items
    return out


def _recursive(config) -> bool:
    value = (config or {}).get("recursive", False)
    return value is True or (isinstance(value, str) and value.lower() == "true")


@_map("removeKey", "(map :: MAP, key :: STRING, config = {} :: MAP) :: MAP")
def map_remove_key(ctx, values, key, config=None):
    """Removes the given key from the `MAP` (recursively if recursive is true)."""
    if values is None:
        raise function_failed("apoc.map.removeKey", "", "java.lang.NullPointerException")
    if key not in values:
        return values
    return remove_keys(values, [key], _recursive(config))


@_map("removeKeys", "(map :: MAP, keys :: LIST<STRING>, config = {} :: MAP) :: MAP")
def map_remove_keys(ctx, values, keys, config=None):
    """Removes the given keys from the `MAP` (recursively if recursive is true)."""
    if values is None or keys is None:
        raise function_failed("apoc.map.removeKeys", "", "java.lang.NullPointerException")
    return remove_keys(values, list(keys), _recursive(config))


@_map("clean", "(map :: MAP, keys :: LIST<STRING>, values :: LIST<ANY>) :: MAP")
def map_clean(ctx, values, keys, removed_values):
    """Filters the keys and values contained in the given `LIST<ANY>` values."""
    if values is None or keys is None or removed_values is None:
        raise function_failed("apoc.map.clean", "", "java.lang.NullPointerException")
    drop_keys = set(keys)
    out = {}
    for key, value in values.items():
        if key in drop_keys or value is None:
            continue
        text = java_string(value)
        if any(_java_equal(value, unwanted) or _java_equal(text, unwanted) for unwanted in removed_values):
            continue
        out[key] = value
    return out


def _get(name: str, values: dict, key, default, fail: bool):
    if fail and default is None and key not in values:
        keys = "[" + ", ".join(values) + "]"
        raise function_failed(name, f"Key {key} is not of one of the existing keys {keys}")
    return values.get(key, default)


@_map("get", "(map :: MAP, key :: STRING, value = null :: ANY, fail = true :: BOOLEAN) :: ANY")
def map_get(ctx, values, key, default=None, fail=True):
    """Returns a value for the given key. If the given key does not exist, or lacks a default value, this function
    will throw an exception."""
    if values is None:
        raise function_failed("apoc.map.get", "", "java.lang.NullPointerException")
    return _get("apoc.map.get", values, key, default, fail)


@_map("mget", "(map :: MAP, keys :: LIST<STRING>, values = [] :: LIST<ANY>, fail = true :: BOOLEAN) :: "
                 "LIST<ANY>")
def map_mget(ctx, values, keys, defaults=None, fail=True):
    """Returns a `LIST<ANY>` for the given keys. If one of the keys does not exist, or lacks a default value, this
    function will throw an exception."""
    if keys is None or values is None:
        return None
    defaults = defaults or []
    return [_get("apoc.map.mget", values, key, defaults[i] if i < len(defaults) else None, fail)
            for i, key in enumerate(keys)]


@_map("submap", "(map :: MAP, keys :: LIST<STRING>, values = [] :: LIST<ANY>, fail = true :: BOOLEAN) :: MAP")
def map_submap(ctx, values, keys, defaults=None, fail=True):
    """Returns a sub-map for the given keys. If one of the keys does not exist, or lacks a default value, this
    function will throw an exception."""
    if keys is None or values is None:
        return None
    defaults = defaults or []
    return {key: _get("apoc.map.submap", values, key, defaults[i] if i < len(defaults) else None, fail)
            for i, key in enumerate(keys)}


@_map("values", "(map :: MAP, keys = [] :: LIST<STRING>, addNullsForMissing = false :: BOOLEAN) :: LIST<ANY>")
def map_values(ctx, values, keys=None, add_nulls=False):
    """Returns a `LIST<ANY>` indicated by the given keys (returns a null value if a given key is missing)."""
    if not keys:
        return []
    values = values or {}
    return [values.get(key) for key in keys if add_nulls or key in values]


def flatten_map(values: dict, prefix: str, delimiter: str, out: dict) -> dict:
    """Nested maps' entries under joined keys (`a.b.c`)."""
    for key, value in values.items():
        if isinstance(value, dict):
            flatten_map(value, f"{prefix}{key}{delimiter}", delimiter, out)
        else:
            out[f"{prefix}{key}"] = value
    return out


@_map("flatten", "(map :: MAP, delimiter = \".\" :: STRING) :: MAP")
def map_flatten(ctx, values, delimiter="."):
    """Flattens nested items in the given `MAP`. This function is the reverse of the `apoc.map.unflatten`
    function."""
    if values is None:
        raise function_failed("apoc.map.flatten", "", "java.lang.NullPointerException")
    return flatten_map(values, "", "." if delimiter is None else delimiter, {})


@_map("unflatten", "(map :: MAP, delimiter = \".\" :: STRING) :: MAP")
def map_unflatten(ctx, values, delimiter="."):
    """Unflattens items in the given `MAP` to nested items. This function is the reverse of the
    `apoc.map.flatten` function."""
    if values is None:
        raise function_failed("apoc.map.unflatten", "", "java.lang.NullPointerException")
    delimiter = "." if delimiter is None else delimiter
    out: dict = {}
    for key, value in values.items():
        target = out
        parts = key.split(delimiter) if delimiter else [key]
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return out


def _key_of(ctx, value, key):
    if isinstance(value, dict):
        return value.get(key)
    if isinstance(value, (Vertex, Edge)):
        return ctx.view(value).props.get(key)
    return None


@_map("groupBy", "(values :: LIST<ANY>, key :: STRING) :: MAP")
def map_group_by(ctx, values, key):
    """Creates a `MAP` of the `LIST<ANY>` keyed by the given property, with single values."""
    out = {}
    for value in values or ():
        found = _key_of(ctx, value, key)
        if found is not None:
            out[java_string(found)] = value
    return out


@_map("groupByMulti", "(values :: LIST<ANY>, key :: STRING) :: MAP")
def map_group_by_multi(ctx, values, key):
    """Creates a `MAP` of the `LIST<ANY>` values keyed by the given property, with the `LIST<ANY>` values."""
    out: dict = {}
    for value in values or ():
        found = _key_of(ctx, value, key)
        if found is not None:
            out.setdefault(java_string(found), []).append(value)
    return out


@_map("sortedProperties", "(map :: MAP, ignoreCase = true :: BOOLEAN) :: LIST<ANY>")
def map_sorted_properties(ctx, values, ignore_case=True):
    """Returns a `LIST<ANY>` of key/value pairs. The pairs are sorted by alphabetically by key, with optional case
    sensitivity."""
    keys = sorted(values or {}, key=str.lower if ignore_case else None)
    return [[key, values[key]] for key in keys]


@_map("fromNodes", "(label :: STRING, prop :: STRING) :: MAP")
def map_from_nodes(ctx, label, key):
    """Returns a `MAP` of the given prop to the node of the given label."""
    out = {}
    for vertex in ctx.txn.vertices_with_label(label):
        ctx.check()
        value = ctx.view(vertex).props.get(key)
        if value is not None:
            out[java_string(value)] = vertex
    return out


def _visit(tree: dict, update) -> dict:
    """APOC's `visit`: the map updated, then every nested map (and map in a list) visited in turn."""
    result = update(dict(tree))
    for key, value in result.items():
        if isinstance(value, list):
            result[key] = [_visit(item, update) if isinstance(item, dict) else item for item in value]
        elif isinstance(value, dict):
            result[key] = _visit(value, update)
    return result


@_map("updateTree", "(tree :: MAP, key :: STRING, data :: LIST<LIST<ANY>>) :: MAP")
def map_update_tree(ctx, tree, key, data):
    """Adds the data `MAP` on each level of the nested tree, where the key-value pairs match."""
    updates = []
    for datum in data or ():
        if len(datum) < 2 or not isinstance(datum[1], dict):
            raise function_failed("apoc.map.updateTree", f"Wrong data list entry: {java_string(datum)}")
        updates.append((datum[0], datum[1]))

    def update(node: dict) -> dict:
        for match, values in updates:
            if _java_equal(node.get(key), match):
                node.update(values)
                break
        return node
    return _visit(tree or {}, update)
