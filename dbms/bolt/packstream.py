"""PackStream v1: the value encoding of Bolt (big-endian, smallest widths out, any width in)."""
from __future__ import annotations

import struct
from dataclasses import dataclass

from graphplex.databases.errors import ClientError

_INT8, _INT16, _INT32, _INT64 = struct.Struct(">b"), struct.Struct(">h"), struct.Struct(">i"), struct.Struct(">q")
_UINT8, _UINT16, _UINT32 = struct.Struct(">B"), struct.Struct(">H"), struct.Struct(">I")
_FLOAT = struct.Struct(">d")


@dataclass(frozen=True)
class Structure:
    """A tagged structure: a message or a value such as Node (tag `N`) or Date (tag `D`)."""

    tag: int
    fields: tuple


def invalid(message: str) -> ClientError:
    return ClientError(message, "Neo.ClientError.Request.Invalid")


def pack(value: object) -> bytes:
    out = bytearray()
    _pack(value, out)
    return bytes(out)


def _pack(value: object, out: bytearray) -> None:
    if value is None:
        out.append(0xC0)
    elif value is True:
        out.append(0xC3)
    elif value is False:
        out.append(0xC2)
    elif type(value) is int:
        _pack_int(value, out)
    elif type(value) is float:
        out.append(0xC1)
        out += _FLOAT.pack(value)
    elif type(value) is str:
        data = value.encode("utf-8")
        _header(len(data), 0x80, 0xD0, out)
        out += data
    elif isinstance(value, (bytes, bytearray)):
        size = len(value)
        if size < 0x100:
            out += bytes((0xCC, size))
        elif size < 0x10000:
            out.append(0xCD)
            out += _UINT16.pack(size)
        else:
            out.append(0xCE)
            out += _UINT32.pack(size)
        out += value
    elif isinstance(value, (list, tuple)):
        _header(len(value), 0x90, 0xD4, out)
        for item in value:
            _pack(item, out)
    elif isinstance(value, dict):
        _header(len(value), 0xA0, 0xD8, out)
        for key, item in value.items():
            _pack(str(key), out)
            _pack(item, out)
    elif isinstance(value, Structure):
        if len(value.fields) > 15:
            raise ValueError("a structure has at most 15 fields")
        out.append(0xB0 + len(value.fields))
        out.append(value.tag)
        for item in value.fields:
            _pack(item, out)
    else:
        raise TypeError(f"PackStream cannot encode {type(value).__name__}")


def _pack_int(value: int, out: bytearray) -> None:
    if -0x10 <= value < 0x80:
        out += _INT8.pack(value)
    elif -0x80 <= value < 0x80:
        out.append(0xC8)
        out += _INT8.pack(value)
    elif -0x8000 <= value < 0x8000:
        out.append(0xC9)
        out += _INT16.pack(value)
    elif -0x80000000 <= value < 0x80000000:
        out.append(0xCA)
        out += _INT32.pack(value)
    elif -0x8000000000000000 <= value < 0x8000000000000000:
        out.append(0xCB)
        out += _INT64.pack(value)
    else:
        raise ValueError(f"integer {value} does not fit in 64 bits")


def _header(size: int, tiny: int, sized: int, out: bytearray) -> None:
    if size < 0x10:
        out.append(tiny + size)
    elif size < 0x100:
        out += bytes((sized, size))
    elif size < 0x10000:
        out.append(sized + 1)
        out += _UINT16.pack(size)
    else:
        out.append(sized + 2)
        out += _UINT32.pack(size)


class Unpacker:
    """Decodes one value from a buffer; malformed input raises `Neo.ClientError.Request.Invalid`."""

    def __init__(self, data: bytes) -> None:
        self.data = memoryview(data)
        self.offset = 0

    def _take(self, size: int) -> memoryview:
        end = self.offset + size
        if end > len(self.data):
            raise invalid("Truncated PackStream value")
        chunk = self.data[self.offset:end]
        self.offset = end
        return chunk

    def _u(self, kind: struct.Struct) -> int:
        return kind.unpack(self._take(kind.size))[0]

    def unpack(self, depth: int = 0) -> object:
        if depth > 100:
            raise invalid("PackStream value nested too deeply")
        marker = self._take(1)[0]
        if marker < 0x80:
            return marker
        if marker >= 0xF0:
            return marker - 0x100
        high = marker & 0xF0
        if high == 0x80:
            return self._string(marker & 0x0F)
        if high == 0x90:
            return [self.unpack(depth + 1) for _ in range(marker & 0x0F)]
        if high == 0xA0:
            return self._map(marker & 0x0F, depth)
        if high == 0xB0:
            tag = self._take(1)[0]
            return Structure(tag, tuple(self.unpack(depth + 1) for _ in range(marker & 0x0F)))
        if marker == 0xC0:
            return None
        if marker == 0xC1:
            return _FLOAT.unpack(self._take(8))[0]
        if marker == 0xC2:
            return False
        if marker == 0xC3:
            return True
        if marker == 0xC8:
            return self._u(_INT8)
        if marker == 0xC9:
            return self._u(_INT16)
        if marker == 0xCA:
            return self._u(_INT32)
        if marker == 0xCB:
            return self._u(_INT64)
        if marker in (0xCC, 0xCD, 0xCE):
            size = self._u((_UINT8, _UINT16, _UINT32)[marker - 0xCC])
            return bytes(self._take(size))
        if marker in (0xD0, 0xD1, 0xD2):
            return self._string(self._u((_UINT8, _UINT16, _UINT32)[marker - 0xD0]))
        if marker in (0xD4, 0xD5, 0xD6):
            size = self._u((_UINT8, _UINT16, _UINT32)[marker - 0xD4])
            return [self.unpack(depth + 1) for _ in range(size)]
        if marker in (0xD8, 0xD9, 0xDA):
            return self._map(self._u((_UINT8, _UINT16, _UINT32)[marker - 0xD8]), depth)
        raise invalid(f"Unknown PackStream marker 0x{marker:02X}")

    def _string(self, size: int) -> str:
        try:
            return str(self._take(size), "utf-8")
        except UnicodeDecodeError:
            raise invalid("A PackStream string is not valid UTF-8") from None

    def _map(self, size: int, depth: int) -> dict:
        result = {}
        for _ in range(size):
            key = self.unpack(depth + 1)
            if not isinstance(key, str):
                raise invalid("PackStream map keys must be strings")
            result[key] = self.unpack(depth + 1)
        return result


def unpack(data: bytes) -> object:
    """The one value `data` holds (trailing bytes are an error)."""
    unpacker = Unpacker(data)
    value = unpacker.unpack()
    if unpacker.offset != len(data):
        raise invalid("Trailing bytes after a PackStream message")
    return value
