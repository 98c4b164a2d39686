"""The OPTIONS of `CREATE VECTOR INDEX` and `CREATE FULLTEXT INDEX`: the index provider and the complete `indexConfig`
(Neo4j 5.26's defaults filled in, keys as SHOW INDEXES prints them), or Neo4j's error for a bad one.

Drivers and libraries (langchain-neo4j, neo4j-graphrag) create these indexes with OPTIONS maps written for Neo4j, and
users read the errors, so both follow Neo4j 5.26's `CreateVectorIndexOptionsConverter`,
`CreateFulltextIndexOptionsConverter`, `IndexOptionsConverter`, `VectorIndexVersion` (vector-2.0 since kernel 5.23:
optional dimensions 1..4096, similarity COSINE by default, quantization on, HNSW m 16 in 1..512, ef_construction 100
in 1..3200; vector-1.0: dimensions 1..2048 and a similarity function, both required, nothing else),
`IndexSettingUtil` and `FulltextIndexProvider.validatePrototype`.
"""
from __future__ import annotations

from dataclasses import dataclass

from graphplex.databases.errors import ClientError
from graphplex.databases.storage.schema_errors import INDEX_PROVIDERS
from graphplex.databases.storage.search_indexes import FULLTEXT, VECTOR

INVALID_ARGUMENTS = "Neo.ClientError.General.InvalidArguments"
# Every index provider of Neo4j 5.26 and the index type it makes.
_PROVIDER_TYPES = {
    "range-1.0": "RANGE", "text-1.0": "TEXT", "text-2.0": "TEXT", "point-1.0": "POINT",
    "token-lookup-1.0": "LOOKUP", "fulltext-1.0": FULLTEXT, "vector-1.0": VECTOR, "vector-2.0": VECTOR,
}
DIMENSIONS = "vector.dimensions"
SIMILARITY = "vector.similarity_function"
QUANTIZATION = "vector.quantization.enabled"
HNSW_M = "vector.hnsw.m"
HNSW_EF_CONSTRUCTION = "vector.hnsw.ef_construction"
ANALYZER = "fulltext.analyzer"
EVENTUALLY_CONSISTENT = "fulltext.eventually_consistent"
_POINT_SETTINGS = frozenset(f"spatial.{crs}.{end}" for crs in ("cartesian", "cartesian-3d", "wgs-84", "wgs-84-3d")
                            for end in ("min", "max"))
_VECTOR_SETTINGS = frozenset((DIMENSIONS, SIMILARITY, QUANTIZATION, HNSW_M, HNSW_EF_CONSTRUCTION))
_FULLTEXT_SETTINGS = frozenset((ANALYZER, EVENTUALLY_CONSISTENT))
SIMILARITY_FUNCTIONS = ("COSINE", "EUCLIDEAN")
# Memgraph's `WITH CONFIG` metrics and Neo4j's similarity functions they match.
MEMGRAPH_METRICS = {"cos": "COSINE", "l2sq": "EUCLIDEAN"}
# The prefix of Memgraph's `WITH CONFIG` entries kept in an index's configuration.
MEMGRAPH_SETTING = "memgraph."


@dataclass(frozen=True)
class _Setting:
    """One vector setting of a provider: its type, inclusive range (integers), and its default (None: left out when
    not given; `required`: an error when not given)."""

    name: str
    kind: type
    low: int = 0
    high: int = 0
    default: object = None
    required: bool = False


_VECTOR_V2 = (
    _Setting(DIMENSIONS, int, 1, 4096),
    _Setting(HNSW_EF_CONSTRUCTION, int, 1, 3200, 100),
    _Setting(HNSW_M, int, 1, 512, 16),
    _Setting(QUANTIZATION, bool, default=True),
    _Setting(SIMILARITY, str, default="COSINE"),
)
_VECTOR_V1 = (
    _Setting(DIMENSIONS, int, 1, 2048, required=True),
    _Setting(SIMILARITY, str, required=True),
)
_VECTOR_VERSIONS = {"vector-1.0": _VECTOR_V1, "vector-2.0": _VECTOR_V2}
_TYPE_WORDS = {int: "an Integer", str: "a String", bool: "a Boolean"}


def index_settings(index_type: str, options: object) -> tuple[str, dict]:
    """The provider and complete `indexConfig` of a VECTOR or FULLTEXT index created with `options` (the evaluated
    OPTIONS map, or None without one)."""
    schema = "vector index" if index_type == VECTOR else "fulltext index"
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise _invalid(f"Could not create {schema} with options '{pretty(options)}'. Expected a map value.")
    lowered = {str(key).lower(): value for key, value in options.items()}
    if any(key not in ("indexprovider", "indexconfig") for key in lowered):
        raise _invalid(f"Failed to create {schema}: Invalid option provided, valid options are `indexProvider` and "
                       "`indexConfig`.")
    provider = INDEX_PROVIDERS[index_type]
    if "indexprovider" in lowered:
        provider = _provider(lowered["indexprovider"], schema, index_type)
    if index_type == VECTOR:
        return provider, vector_config(lowered.get("indexconfig", {}), provider)
    return provider, fulltext_config(lowered.get("indexconfig", {}))


def memgraph_config(config: object) -> dict:
    """Memgraph's `WITH CONFIG {"dimension": …, "metric": "cos" | "l2sq", "capacity": …}` as a vector-2.0
    `indexConfig`: the dimension is `vector.dimensions`, metric cos is COSINE and l2sq EUCLIDEAN; Memgraph's own
    entries are kept beside them as `memgraph.<name>` (its capacity sizes the index)."""
    if not isinstance(config, dict):
        raise _wrong_config_type("vector index", config)
    index_config: dict = {}
    if "dimension" in config:
        index_config[DIMENSIONS] = config["dimension"]
    metric = config.get("metric", "l2sq")
    index_config[SIMILARITY] = MEMGRAPH_METRICS.get(metric, metric) if isinstance(metric, str) else metric
    result = vector_config(index_config, "vector-2.0")
    result.update((MEMGRAPH_SETTING + key, value) for key, value in config.items())
    return result


def vector_config(config: object, provider: str) -> dict:
    """Neo4j's checks of a vector `indexConfig`, in its order: unrecognised settings, missing ones, wrong types, values
    out of range or unsupported."""
    schema = "vector index"
    settings = _VECTOR_VERSIONS[provider]
    if not isinstance(config, dict):
        raise _wrong_config_type(schema, config)
    # A null setting is a missing one (Neo4j's `VectorIndexConfigUtils.missing`).
    config = {key: value for key, value in config.items() if value is not None}
    known = {setting.name for setting in settings}
    for key in config:
        if key in known:
            continue
        if key.lower() in _FULLTEXT_SETTINGS:
            raise _other_kind(schema, config, "fulltext config options", "fulltext")
        if key.lower() in _POINT_SETTINGS:
            raise _other_kind(schema, config, "spatial config settings options", "point")
        raise _invalid(f"{_invalid_config(schema, pretty(config))}. '{key}' is an unrecognized setting. Supported: "
                       f"[{', '.join(setting.name for setting in settings)}]")
    missing = [setting.name for setting in settings if setting.required and setting.name not in config]
    if missing:
        raise _invalid(f"Failed to create {schema}: Missing index config options "
                       f"[{', '.join(repr(name) for name in missing)}].")
    for setting in settings:
        if setting.name in config and not _is(config[setting.name], setting.kind):
            value = config[setting.name]
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise _wrong_config_type(schema, config)
            raise _invalid(f"{_invalid_config(schema, setting.name)}. Expected {_TYPE_WORDS[setting.kind]}.")
    result = {}
    for setting in settings:
        value = config.get(setting.name, setting.default)
        if value is None:
            continue
        if setting.kind is int and not setting.low <= value <= setting.high:
            raise _invalid(f"'{setting.name}' must be between {setting.low} and {setting.high} inclusively")
        if setting.name == SIMILARITY:
            if value.upper() not in SIMILARITY_FUNCTIONS:
                raise _invalid(f"'{pretty(value)}' is an unsupported '{SIMILARITY}'. Supported: "
                               f"[{', '.join(SIMILARITY_FUNCTIONS)}]")
            value = value.upper()
        result[setting.name] = value
    return result


def fulltext_config(config: object) -> dict:
    """A full-text `indexConfig` with Neo4j's defaults (analyzer standard-no-stop-words, not eventually
    consistent)."""
    schema = "fulltext index"
    if not isinstance(config, dict):
        raise _invalid(f"{_invalid_config(schema, pretty(config))}. Expected a map from String to Strings and "
                       "Booleans.")
    if any(key in _POINT_SETTINGS for key in config):
        raise _other_kind(schema, config, "spatial config settings options", "point")
    if any(key in _VECTOR_SETTINGS for key in config):
        raise _other_kind(schema, config, "vector config options", "vector")
    if any(not isinstance(value, (str, bool)) for value in config.values()):
        raise _invalid(f"{_invalid_config(schema, pretty(config))}. Expected a map from String to Strings and "
                       "Booleans.")
    result = {ANALYZER: "standard-no-stop-words", EVENTUALLY_CONSISTENT: False}
    for key, value in config.items():
        if key == ANALYZER:
            result[key] = value if isinstance(value, str) else str(value).lower()
        elif key == EVENTUALLY_CONSISTENT:
            if not isinstance(value, bool):
                raise _invalid(f"Invalid value type for '{key}' setting. Expected a value of type java.lang.Boolean, "
                               f"but got value '{value}' of type java.lang.String.")
            result[key] = value
        else:
            raise _invalid(f"Invalid index config key '{key}', it was not recognized as an index setting.")
    if result[ANALYZER] not in analyzer_names():
        raise _invalid(f"No such full-text analyzer: '{result[ANALYZER]}'.")
    return result


def analyzer_names() -> tuple[str, ...]:
    """The analyzers a full-text index may use: those graphplex's full-text engine builds (`search.analyzers`, a
    subset of the ones Neo4j lists: an index whose analyzer the engine lacks could not be searched)."""
    from graphplex.databases.search import analyzers  # the engines' package is loaded when first needed
    return tuple(entry["analyzer"] for entry in analyzers.available())


def pretty(value: object) -> str:
    """A value as Neo4j's `PrettyPrinter` writes it in these messages: `{vector.dimensions: 1536, foo: "x"}`."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {pretty(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(pretty(item) for item in value) + "]"
    return str(value)


def _provider(value: object, schema: str, index_type: str) -> str:
    if not isinstance(value, str):
        raise _invalid(f"Could not create {schema} with specified index provider '{pretty(value)}'. Expected String "
                       "value.")
    available = "['" + "', '".join(sorted(p for p, t in _PROVIDER_TYPES.items() if t == index_type)) + "']"
    provider_type = _PROVIDER_TYPES.get(value)
    if provider_type is None:
        raise _invalid(f"Could not create {schema} with specified index provider '{value}'.\n"
                       f"The available index providers for the given type: {available}.")
    if provider_type != index_type:
        described = "token lookup" if provider_type == "LOOKUP" else provider_type.lower()
        raise _invalid(f"Could not create {schema} with specified index provider '{value}'.\n"
                       f"To create {described} index, please use 'CREATE {provider_type} INDEX ...'.\n"
                       f"The available index providers for the given type: {available}.")
    return value


def _is(value: object, kind: type) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    return isinstance(value, kind) and not isinstance(value, bool)


def _invalid_config(schema: str, shown: str) -> str:
    return f"Could not create {schema} with specified index config '{shown}'"


def _wrong_config_type(schema: str, config: object) -> ClientError:
    return _invalid(f"{_invalid_config(schema, pretty(config))}. Expected a map from String to Strings and Integers.")


def _other_kind(schema: str, config: dict, what: str, kind: str) -> ClientError:
    return _invalid(f"{_invalid_config(schema, pretty(config))}, contains {what}.\n"
                    f"To create {kind} index, please use 'CREATE {kind.upper()} INDEX ...'.")


def _invalid(message: str) -> ClientError:
    return ClientError(message, INVALID_ARGUMENTS)
