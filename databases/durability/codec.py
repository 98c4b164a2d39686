"""The value encoding of every durable file: each value a graph can hold as a one-byte tag and a fixed layout.

Nothing here names a Python module or class, so renaming code never makes a data directory unreadable, and a
damaged or foreign file cannot make recovery run code. Integers, floats and lengths are little-endian:

    0x00 null    0x01 false   0x02 true
    0x03 int8    0x04 int32   0x05 int64   0x06 big int (u32 length, signed little-endian bytes)
    0x07 float64 (NaN and infinities as IEEE 754 keeps them)
    0x08 string (u32 length, UTF-8)      0x0F short string (u8 length, UTF-8)      0x09 bytes (u32 length)
    0x0A list    0x0B tuple   0x0C set   0x0D frozenset   (u32 count, items)
    0x0E map (u32 count, key and value pairs)
    0x10 date            (i32 proleptic Gregorian ordinal)
    0x11 local time      (i64 nanoseconds of the day)
    0x12 time            (i64 nanoseconds of the day, i32 offset seconds)
    0x13 local datetime  (i32 ordinal, i64 nanoseconds of the day)
    0x14 datetime        (i32 ordinal, i64 nanoseconds of the day, i32 offset seconds)
    0x15 zoned datetime  (i32 ordinal, i64 nanoseconds of the day, u8 fold, string zone key, e.g. Europe/Berlin)
    0x16 duration        (i64 months, i64 days, i64 seconds, i64 nanoseconds)
    0x17 point 2D        (u32 srid, f64 x, f64 y)
    0x18 point 3D        (u32 srid, f64 x, f64 y, f64 z)

A tag that is not listed is refused. The files that hold values carry the format version in their headers
(`records.py`); a new tag means a new version."""
from __future__ import annotations

import datetime as _dt
import struct
import zoneinfo

from graphplex.databases.errors import DatabaseError
from graphplex.databases.temporal_values import DateTime, Time
from graphplex.databases.values import Duration, Point

__all__ = ["encode", "decode", "encode_into", "encode_map_parts", "decode_from", "DECODE_ERRORS", "malformed"]

(NULL, FALSE, TRUE, INT8, INT32, INT64, BIG_INT, FLOAT, STRING, BYTES, LIST, TUPLE, SET, FROZENSET, MAP,
 SHORT_STRING) = range(16)
DATE, LOCAL_TIME, TIME, LOCAL_DATETIME, DATETIME, ZONED_DATETIME, DURATION, POINT_2D, POINT_3D = range(0x10, 0x19)

_TAG_U8 = struct.Struct("<BB")
_TAG_I8 = struct.Struct("<Bb")
_TAG_I32 = struct.Struct("<Bi")
_TAG_I64 = struct.Struct("<Bq")
_TAG_F64 = struct.Struct("<Bd")
_TAG_U32 = struct.Struct("<BI")
_TAG_I64_I32 = struct.Struct("<Bqi")
_TAG_I32_I64 = struct.Struct("<Biq")
_TAG_I32_I64_I32 = struct.Struct("<Biqi")
_TAG_I32_I64_U8 = struct.Struct("<BiqB")
_TAG_4I64 = struct.Struct("<Bqqqq")
_TAG_POINT_2D = struct.Struct("<BIdd")
_TAG_POINT_3D = struct.Struct("<BIddd")
_U32 = struct.Struct("<I")
_I8, _I32, _I64, _F64 = struct.Struct("<b"), struct.Struct("<i"), struct.Struct("<q"), struct.Struct("<d")
_I64_I32, _I32_I64, _I32_I64_I32, _I32_I64_U8 = (struct.Struct("<qi"), struct.Struct("<iq"), struct.Struct("<iqi"),
                                                 struct.Struct("<iqB"))
_4I64, _POINT_2D, _POINT_3D = struct.Struct("<qqqq"), struct.Struct("<Idd"), struct.Struct("<Iddd")

_NANOS_PER_SECOND = 1_000_000_000
_NANOS_PER_DAY = 86_400 * _NANOS_PER_SECOND
_NULL, _FALSE, _TRUE = bytes([NULL]), bytes([FALSE]), bytes([TRUE])


# --- encoding -------------------------------------------------------------------------------------------------

def encode(value: object) -> bytes:
    """The encoding of one value."""
    out = bytearray()
    encode_into(value, out)
    return bytes(out)


def encode_into(value: object, out: bytearray) -> None:
    """Appends the encoding of `value` to `out`; a value of a type the format does not know is refused."""
    encoder = _ENCODERS.get(type(value))
    if encoder is None:
        encoder = _encoder_for_subclass(value)
    encoder(value, out)


def _encode_none(value, out: bytearray) -> None:
    out += _NULL


def _encode_bool(value: bool, out: bytearray) -> None:
    out += _TRUE if value else _FALSE


def _encode_int(value: int, out: bytearray) -> None:
    if -0x80 <= value < 0x80:
        out += _TAG_I8.pack(INT8, value)
    elif -0x8000_0000 <= value < 0x8000_0000:
        out += _TAG_I32.pack(INT32, value)
    elif -0x8000_0000_0000_0000 <= value < 0x8000_0000_0000_0000:
        out += _TAG_I64.pack(INT64, value)
    else:
        data = value.to_bytes((value.bit_length() + 8) // 8, "little", signed=True)
        out += _TAG_U32.pack(BIG_INT, len(data))
        out += data


def _encode_float(value: float, out: bytearray) -> None:
    out += _TAG_F64.pack(FLOAT, value)


def _encode_str(value: str, out: bytearray) -> None:
    data = value.encode("utf-8", "surrogatepass")
    if len(data) < 0x100:  # names, keys and most values: a one-byte length
        out += _TAG_U8.pack(SHORT_STRING, len(data))
    else:
        out += _TAG_U32.pack(STRING, len(data))
    out += data


def _encode_bytes(value: bytes, out: bytearray) -> None:
    out += _TAG_U32.pack(BYTES, len(value))
    out += value


def _sequence_encoder(tag: int):
    def encode_sequence(value, out: bytearray) -> None:
        out += _TAG_U32.pack(tag, len(value))
        for item in value:
            encode_into(item, out)
    return encode_sequence


def encode_map_parts(value: dict, parts: list) -> None:
    """Appends the encoding of the map `value` to `parts`, a list of byte strings joined later (cheaper than
    growing a bytearray). Every logged commit encodes its entities' property maps here: string keys come encoded
    from a cache (a graph has few keys), and the common values (small integers, short strings) inline."""
    append = parts.append
    append(_TAG_U32.pack(MAP, len(value)))
    keys = _KEYS
    for key, item in value.items():
        encoded = keys.get(key) if type(key) is str else None
        append(encoded if encoded is not None else _encode_key(key))
        kind = type(item)
        if kind is int and -0x8000_0000 <= item < 0x8000_0000:
            append(_TAG_I8.pack(INT8, item) if -0x80 <= item < 0x80 else _TAG_I32.pack(INT32, item))
        elif kind is str and len(item) < 0x40:  # at most 4 UTF-8 bytes a character: a short string
            data = item.encode("utf-8", "surrogatepass")
            append(_TAG_U8.pack(SHORT_STRING, len(data)))
            append(data)
        else:
            append(encode(item))


def _encode_map(value: dict, out: bytearray) -> None:
    parts: list = []
    encode_map_parts(value, parts)
    out += b"".join(parts)


# Encoded string map keys, by key: property keys repeat in every entity a commit or snapshot writes.
_KEYS: dict[str, bytes] = {}


def _encode_key(key: object) -> bytes:
    out = bytearray()
    encode_into(key, out)
    if type(key) is str:
        if len(_KEYS) > 4096:
            _KEYS.clear()
        _KEYS[key] = bytes(out)
    return bytes(out)


def _encode_date(value: _dt.date, out: bytearray) -> None:
    out += _TAG_I32.pack(DATE, value.toordinal())


def _nanos_of_day(value) -> int:
    nanos = getattr(value, "nanosecond", None)
    if nanos is None:
        nanos = value.microsecond * 1000
    return ((value.hour * 60 + value.minute) * 60 + value.second) * _NANOS_PER_SECOND + nanos


def _offset_seconds(value, offset: _dt.timedelta) -> int:
    if offset.microseconds:
        raise _unencodable(value, "its UTC offset has a fraction of a second")
    return offset.days * 86_400 + offset.seconds


def _encode_time(value: _dt.time, out: bytearray) -> None:
    if value.tzinfo is None:
        out += _TAG_I64.pack(LOCAL_TIME, _nanos_of_day(value))
        return
    offset = value.utcoffset()
    if offset is None:  # a named zone has no offset without a date
        raise _unencodable(value, "a time needs a fixed UTC offset, not a named zone")
    out += _TAG_I64_I32.pack(TIME, _nanos_of_day(value), _offset_seconds(value, offset))


def _encode_datetime(value: _dt.datetime, out: bytearray) -> None:
    zone = value.tzinfo
    if zone is None:
        out += _TAG_I32_I64.pack(LOCAL_DATETIME, value.toordinal(), _nanos_of_day(value))
    elif type(zone) is _dt.timezone:
        out += _TAG_I32_I64_I32.pack(DATETIME, value.toordinal(), _nanos_of_day(value),
                                     _offset_seconds(value, zone.utcoffset(None)))
    elif isinstance(zone, zoneinfo.ZoneInfo) and zone.key:
        out += _TAG_I32_I64_U8.pack(ZONED_DATETIME, value.toordinal(), _nanos_of_day(value), value.fold)
        _encode_str(zone.key, out)
    else:
        raise _unencodable(value, f"its time zone {zone!r} is neither a fixed offset nor a named zone")


def _encode_duration(value: Duration, out: bytearray) -> None:
    try:
        out += _TAG_4I64.pack(DURATION, value.months, value.days, value.seconds, value.nanoseconds)
    except struct.error as error:
        raise _unencodable(value, "a field is beyond 64 bits") from error


def _encode_point(value: Point, out: bytearray) -> None:
    if value.z is None:
        out += _TAG_POINT_2D.pack(POINT_2D, value.srid, value.x, value.y)
    else:
        out += _TAG_POINT_3D.pack(POINT_3D, value.srid, value.x, value.y, value.z)


_ENCODERS = {
    type(None): _encode_none, bool: _encode_bool, int: _encode_int, float: _encode_float, str: _encode_str,
    bytes: _encode_bytes, list: _sequence_encoder(LIST), tuple: _sequence_encoder(TUPLE),
    set: _sequence_encoder(SET), frozenset: _sequence_encoder(FROZENSET), dict: _encode_map,
    _dt.date: _encode_date, _dt.time: _encode_time, Time: _encode_time, _dt.datetime: _encode_datetime,
    DateTime: _encode_datetime, Duration: _encode_duration, Point: _encode_point,
}

# Checked in this order: a datetime is also a date, a bool also an int.
_SUBCLASS_ENCODERS = (
    (bool, _encode_bool), (int, _encode_int), (float, _encode_float), (str, _encode_str), (bytes, _encode_bytes),
    (_dt.datetime, _encode_datetime), (_dt.date, _encode_date), (_dt.time, _encode_time), (list, _ENCODERS[list]),
    (tuple, _ENCODERS[tuple]), (frozenset, _ENCODERS[frozenset]), (set, _ENCODERS[set]), (dict, _encode_map),
)


def _encoder_for_subclass(value: object):
    for base, encoder in _SUBCLASS_ENCODERS:
        if isinstance(value, base):
            return encoder
    raise _unencodable(value, f"values of type {type(value).__name__} have no encoding")


def _unencodable(value: object, reason: str) -> DatabaseError:
    return DatabaseError(f"Cannot store the value {value!r}: {reason}.", "Neo.DatabaseError.General.UnknownError")


# --- decoding -------------------------------------------------------------------------------------------------

# What a malformed encoding can raise while being read; `decode` and the record readers turn it into an error
# naming the file (a zone that is not found is a KeyError).
DECODE_ERRORS = (IndexError, KeyError, struct.error, ValueError, OverflowError, TypeError)


def decode(data: bytes) -> object:
    """The value `data` encodes; anything but exactly one well-formed value is refused."""
    try:
        value, end = decode_from(data, 0)
    except DECODE_ERRORS as error:
        raise malformed(f"{type(error).__name__}: {error}") from error
    if end != len(data):
        raise malformed(f"{len(data) - end} bytes after the value at byte {end}")
    return value


def decode_from(data: bytes, position: int) -> tuple[object, int]:
    """(value, position after it) of the value encoded at `position`. Raises `DatabaseError` or one of
    `DECODE_ERRORS` on a malformed encoding: callers reading many values catch those once."""
    tag = data[position]
    position += 1
    # The common tags inline: recovery decodes every property of the graph.
    if tag == SHORT_STRING:
        end = position + 1 + data[position]
        if end > len(data):
            raise _past_end(data, position + 1, end)
        return data[position + 1:end].decode("utf-8", "surrogatepass"), end
    if tag == STRING:
        start = position + 4
        end = start + _unpack_u32(data, position)[0]
        if end > len(data):
            raise _past_end(data, start, end)
        return data[start:end].decode("utf-8", "surrogatepass"), end
    if tag == INT8:
        return _unpack_i8(data, position)[0], position + 1
    if tag == INT32:
        return _unpack_i32(data, position)[0], position + 4
    if tag == MAP:
        count = _unpack_u32(data, position)[0]
        position += 4
        result = {}
        for _ in range(count):
            if data[position] == SHORT_STRING:
                start = position + 2
                end = start + data[position + 1]
                if end > len(data):
                    raise _past_end(data, start, end)
                key, position = data[start:end].decode("utf-8", "surrogatepass"), end
            else:
                key, position = decode_from(data, position)
            tag = data[position]
            if tag == INT8:
                number = data[position + 1]
                result[key] = number - 256 if number > 127 else number
                position += 2
            elif tag == INT32:
                result[key] = _unpack_i32(data, position + 1)[0]
                position += 5
            elif tag == INT64 or tag == FLOAT:
                result[key] = (_unpack_i64 if tag == INT64 else _unpack_f64)(data, position + 1)[0]
                position += 9
            else:
                result[key], position = decode_from(data, position)
        return result, position
    reader = _READERS[tag] if tag < len(_READERS) else None
    if reader is None:
        raise malformed(f"unknown value tag 0x{tag:02x} at byte {position - 1}")
    return reader(data, position)


_unpack_u32, _unpack_i8, _unpack_i32 = _U32.unpack_from, _I8.unpack_from, _I32.unpack_from
_unpack_i64, _unpack_f64 = _I64.unpack_from, _F64.unpack_from


def _past_end(data, start: int, end: int) -> DatabaseError:
    return malformed(f"a value of {end - start} bytes at byte {start} runs past the end ({len(data)} bytes)")


def _read_constant(value):
    return lambda data, position: (value, position)


def _read_struct(layout: struct.Struct):
    size = layout.size

    def read(data, position):
        return layout.unpack_from(data, position)[0], position + size
    return read


def _read_big_int(data, position):
    length = _U32.unpack_from(data, position)[0]
    start = position + 4
    return int.from_bytes(_slice(data, start, length), "little", signed=True), start + length


def _slice(data, start: int, length: int) -> bytes:
    end = start + length
    if end > len(data):
        raise _past_end(data, start, end)
    return data[start:end]


def _read_str(data, position):
    length = _U32.unpack_from(data, position)[0]
    start = position + 4
    return _slice(data, start, length).decode("utf-8", "surrogatepass"), start + length


def _read_short_str(data, position):
    start = position + 1
    return _slice(data, start, data[position]).decode("utf-8", "surrogatepass"), start + data[position]


def _read_bytes(data, position):
    length = _U32.unpack_from(data, position)[0]
    start = position + 4
    return bytes(_slice(data, start, length)), start + length


def _read_list(data, position):
    count = _U32.unpack_from(data, position)[0]
    position += 4
    items = []
    append = items.append
    for _ in range(count):
        item, position = decode_from(data, position)
        append(item)
    return items, position


def _read_collection(kind: type):
    def read(data, position):
        items, position = _read_list(data, position)
        return kind(items), position
    return read


def _read_date(data, position):
    return _dt.date.fromordinal(_I32.unpack_from(data, position)[0]), position + 4


def _split(nanos_of_day: int) -> tuple[int, int, int, int]:
    if not 0 <= nanos_of_day < _NANOS_PER_DAY:
        raise malformed(f"{nanos_of_day} nanoseconds is not a time of day")
    seconds, nanos = divmod(nanos_of_day, _NANOS_PER_SECOND)
    minutes, second = divmod(seconds, 60)
    return minutes // 60, minutes % 60, second, nanos


_ZONES: dict[int, _dt.timezone] = {0: _dt.timezone.utc}


def _offset_zone(seconds: int) -> _dt.timezone:
    zone = _ZONES.get(seconds)
    if zone is None:
        zone = _ZONES[seconds] = _dt.timezone(_dt.timedelta(seconds=seconds))
    return zone


def _read_local_time(data, position):
    hour, minute, second, nanos = _split(_I64.unpack_from(data, position)[0])
    return Time(hour, minute, second, nanosecond=nanos), position + 8


def _read_time(data, position):
    nod, offset = _I64_I32.unpack_from(data, position)
    hour, minute, second, nanos = _split(nod)
    return Time(hour, minute, second, tzinfo=_offset_zone(offset), nanosecond=nanos), position + 12


def _datetime(ordinal: int, nod: int, zone, fold: int = 0) -> DateTime:
    date = _dt.date.fromordinal(ordinal)
    hour, minute, second, nanos = _split(nod)
    return DateTime(date.year, date.month, date.day, hour, minute, second, tzinfo=zone, fold=fold,
                    nanosecond=nanos)


def _read_local_datetime(data, position):
    ordinal, nod = _I32_I64.unpack_from(data, position)
    return _datetime(ordinal, nod, None), position + 12


def _read_datetime(data, position):
    ordinal, nod, offset = _I32_I64_I32.unpack_from(data, position)
    return _datetime(ordinal, nod, _offset_zone(offset)), position + 16


def _read_zoned_datetime(data, position):
    ordinal, nod, fold = _I32_I64_U8.unpack_from(data, position)
    position += 13
    key, position = decode_from(data, position)
    if type(key) is not str:
        raise malformed(f"a zoned datetime without its zone name before byte {position}")
    return _datetime(ordinal, nod, zoneinfo.ZoneInfo(key), fold), position


def _read_duration(data, position):
    return Duration(*_4I64.unpack_from(data, position)), position + 32


def _read_point_2d(data, position):
    return Point(*_POINT_2D.unpack_from(data, position)), position + 20


def _read_point_3d(data, position):
    return Point(*_POINT_3D.unpack_from(data, position)), position + 28


_READERS: list = [None] * 0x19
_READERS[SHORT_STRING] = _read_short_str
_READERS[NULL], _READERS[FALSE], _READERS[TRUE] = _read_constant(None), _read_constant(False), _read_constant(True)
_READERS[INT8], _READERS[INT32], _READERS[INT64] = _read_struct(_I8), _read_struct(_I32), _read_struct(_I64)
_READERS[BIG_INT], _READERS[FLOAT] = _read_big_int, _read_struct(_F64)
_READERS[STRING], _READERS[BYTES] = _read_str, _read_bytes
_READERS[LIST], _READERS[TUPLE] = _read_list, _read_collection(tuple)
_READERS[SET], _READERS[FROZENSET] = _read_collection(set), _read_collection(frozenset)
_READERS[DATE], _READERS[LOCAL_TIME], _READERS[TIME] = _read_date, _read_local_time, _read_time
_READERS[LOCAL_DATETIME], _READERS[DATETIME] = _read_local_datetime, _read_datetime
_READERS[ZONED_DATETIME], _READERS[DURATION] = _read_zoned_datetime, _read_duration
_READERS[POINT_2D], _READERS[POINT_3D] = _read_point_2d, _read_point_3d


def malformed(detail: str) -> DatabaseError:
    """The error of an encoding that cannot be read."""
    return DatabaseError(f"Malformed value encoding: {detail}.", "Neo.DatabaseError.General.UnknownError")
