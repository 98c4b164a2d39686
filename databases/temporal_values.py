"""Cypher's time and date-time values with nanosecond precision, and their string forms.

Storage, the durability formats and the Bolt server need these classes; the Cypher function library builds on
them (`cypher/functions/temporal_values.py`). Nothing here depends on the query engine.

`Time` and `DateTime` subclass `datetime.time` and `datetime.datetime` and add a `nanosecond` attribute: the
whole fraction of the second in nanoseconds (`microsecond == nanosecond // 1000`). Equality, ordering and hashing
take the nanoseconds into account and agree with the plain `datetime` classes on values without sub-microsecond
digits.
"""
from __future__ import annotations

import datetime as dt

__all__ = ["Time", "DateTime", "nanos_of", "format_date", "format_time", "format_datetime", "format_zone",
           "format_time_of_day", "offset_string"]

NANOS_PER_SECOND = 1_000_000_000
NANOS_PER_MINUTE = 60 * NANOS_PER_SECOND
NANOS_PER_HOUR = 3600 * NANOS_PER_SECOND
NANOS_PER_DAY = 86400 * NANOS_PER_SECOND
SECONDS_PER_DAY = 86400


def nanos_of(value: object) -> int:
    """The fraction of the second of a time or date-time, in nanoseconds."""
    ns = getattr(value, "nanosecond", None)
    return value.microsecond * 1000 if ns is None else ns


def _sub_micro(value: object) -> int:
    return nanos_of(value) % 1000


class _NanosecondOrder:
    """Ordering through `_compare` (which sees the nanoseconds), against any value of the Python base type."""

    _base: type

    def _orderable(self, other) -> bool:
        return isinstance(other, self._base)

    def __lt__(self, other):
        return NotImplemented if not self._orderable(other) else self._compare(other) < 0

    def __le__(self, other):
        return NotImplemented if not self._orderable(other) else self._compare(other) <= 0

    def __gt__(self, other):
        return NotImplemented if not self._orderable(other) else self._compare(other) > 0

    def __ge__(self, other):
        return NotImplemented if not self._orderable(other) else self._compare(other) >= 0


def _fraction(microsecond: int, nanosecond: int | None) -> int:
    """The whole fraction of the second in nanoseconds: given, or made from the microseconds."""
    if nanosecond is None:
        return microsecond * 1000
    if not 0 <= nanosecond < NANOS_PER_SECOND:
        raise ValueError(f"nanosecond must be in 0..999999999, not {nanosecond}")
    return nanosecond


class Time(_NanosecondOrder, dt.time):
    """A `datetime.time` with nanosecond precision: `nanosecond` is the whole fraction of the second."""

    _base = dt.time

    __slots__ = ("_nanosecond",)

    def __new__(cls, hour=0, minute=0, second=0, microsecond=0, tzinfo=None, *, fold=0, nanosecond=None):
        if isinstance(hour, (bytes, str)):  # the pickle form of datetime.time: (state, tzinfo)
            self = super().__new__(cls, hour, minute)
            self._nanosecond = self.microsecond * 1000
            return self
        nanosecond = _fraction(microsecond, nanosecond)
        self = super().__new__(cls, hour, minute, second, nanosecond // 1000, tzinfo, fold=fold)
        self._nanosecond = nanosecond
        return self

    @property
    def nanosecond(self) -> int:
        return self._nanosecond

    def replace(self, hour=None, minute=None, second=None, microsecond=None, tzinfo=True, *, fold=None,
                nanosecond=None):
        if nanosecond is None:
            nanosecond = self._nanosecond if microsecond is None else microsecond * 1000 + self._nanosecond % 1000
        return Time(self.hour if hour is None else hour, self.minute if minute is None else minute,
                    self.second if second is None else second, tzinfo=self.tzinfo if tzinfo is True else tzinfo,
                    fold=self.fold if fold is None else fold, nanosecond=nanosecond)

    def __reduce_ex__(self, protocol):
        return (_restore_time, (self.hour, self.minute, self.second, self._nanosecond, self.tzinfo, self.fold))

    def __reduce__(self):
        return self.__reduce_ex__(2)

    def __repr__(self) -> str:
        tz = f", tzinfo={self.tzinfo!r}" if self.tzinfo is not None else ""
        return f"Time({self.hour}, {self.minute}, {self.second}, nanosecond={self._nanosecond}{tz})"

    def __str__(self) -> str:
        return format_time(self)

    # Python compares aware times by instant (their UTC offsets subtracted), naive ones field by field; the
    # sub-microsecond digits break ties.
    def __eq__(self, other):
        if not isinstance(other, dt.time):
            return NotImplemented
        result = dt.time.__eq__(self, other)
        if result is not True:
            return result
        return self._nanosecond % 1000 == _sub_micro(other)

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self):
        extra = self._nanosecond % 1000
        base = dt.time.__hash__(self)
        return base if extra == 0 else hash((base, extra))

    def _compare(self, other) -> int:
        if dt.time.__eq__(self, other) is True:
            a, b = self._nanosecond % 1000, _sub_micro(other)
            return (a > b) - (a < b)
        return 1 if dt.time.__gt__(self, other) else -1



def _restore_time(hour, minute, second, nanosecond, tzinfo, fold):
    return Time(hour, minute, second, tzinfo=tzinfo, fold=fold, nanosecond=nanosecond)


class DateTime(_NanosecondOrder, dt.datetime):
    """A `datetime.datetime` with nanosecond precision: `nanosecond` is the whole fraction of the second.

    Aware values compare (and hash) by instant, also within one named zone (Python compares wall times there).
    """

    _base = dt.datetime

    __slots__ = ("_nanosecond",)

    def __new__(cls, year, month=None, day=None, hour=0, minute=0, second=0, microsecond=0, tzinfo=None, *,
                fold=0, nanosecond=None):
        if isinstance(year, (bytes, str)):  # the pickle form of datetime.datetime: (state, tzinfo)
            self = super().__new__(cls, year, month)
            self._nanosecond = self.microsecond * 1000
            return self
        nanosecond = _fraction(microsecond, nanosecond)
        self = super().__new__(cls, year, month, day, hour, minute, second, nanosecond // 1000, tzinfo, fold=fold)
        self._nanosecond = nanosecond
        return self

    @property
    def nanosecond(self) -> int:
        return self._nanosecond

    def replace(self, year=None, month=None, day=None, hour=None, minute=None, second=None, microsecond=None,
                tzinfo=True, *, fold=None, nanosecond=None):
        if nanosecond is None:
            nanosecond = self._nanosecond if microsecond is None else microsecond * 1000 + self._nanosecond % 1000
        return DateTime(self.year if year is None else year, self.month if month is None else month,
                        self.day if day is None else day, self.hour if hour is None else hour,
                        self.minute if minute is None else minute, self.second if second is None else second,
                        tzinfo=self.tzinfo if tzinfo is True else tzinfo, fold=self.fold if fold is None else fold,
                        nanosecond=nanosecond)

    def __reduce_ex__(self, protocol):
        return (_restore_datetime, (self.year, self.month, self.day, self.hour, self.minute, self.second,
                                    self._nanosecond, self.tzinfo, self.fold))

    def __reduce__(self):
        return self.__reduce_ex__(2)

    def __repr__(self) -> str:
        tz = f", tzinfo={self.tzinfo!r}" if self.tzinfo is not None else ""
        fold = ", fold=1" if self.fold else ""
        return (f"DateTime({self.year}, {self.month}, {self.day}, {self.hour}, {self.minute}, {self.second}, "
                f"nanosecond={self._nanosecond}{tz}{fold})")

    def __str__(self) -> str:
        return format_datetime(self)

    def __eq__(self, other):
        if not isinstance(other, dt.datetime):
            return NotImplemented
        a, b = _instant_key(self), _instant_key(other)
        if a[0] != b[0]:
            return False
        return a[1:] == b[1:]

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self):
        # As CPython hashes datetimes: naive ones by their fields, aware ones by the instant as a timedelta.
        plain = dt.datetime(self.year, self.month, self.day, self.hour, self.minute, self.second, self.microsecond)
        offset = self.utcoffset()
        if offset is not None:
            plain = dt.timedelta(days=plain.toordinal(), seconds=(self.hour * 60 + self.minute) * 60 + self.second,
                                 microseconds=self.microsecond) - offset
        extra = self._nanosecond % 1000
        return hash(plain) if extra == 0 else hash((plain, extra))

    def _compare(self, other) -> int:
        a, b = _instant_key(self), _instant_key(other)
        if a[0] != b[0]:
            raise TypeError("can't compare offset-naive and offset-aware datetimes")
        return (a[1:] > b[1:]) - (a[1:] < b[1:])



def _restore_datetime(year, month, day, hour, minute, second, nanosecond, tzinfo, fold):
    return DateTime(year, month, day, hour, minute, second, tzinfo=tzinfo, fold=fold, nanosecond=nanosecond)


def _instant_key(value: dt.datetime) -> tuple:
    """(aware, naive UTC (or local) datetime to the microsecond, sub-microsecond nanoseconds)."""
    plain = dt.datetime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                        value.microsecond)
    offset = value.utcoffset()
    if offset is not None:
        plain = plain - offset
    return offset is not None, plain, _sub_micro(value)


# --- string forms --------------------------------------------------------------------------------------------

def _seconds(offset: dt.timedelta) -> int:
    return offset.days * SECONDS_PER_DAY + offset.seconds


def offset_string(seconds: int) -> str:
    """Java's `ZoneOffset` id: `Z`, `+01:00`, `-02:05:07`."""
    if seconds == 0:
        return "Z"
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def format_date(value: dt.date) -> str:
    year = value.year
    if 0 <= year <= 9999:
        text = f"{year:04d}"
    else:
        text = f"+{year}" if year > 0 else f"-{abs(year):04d}"
    return f"{text}-{value.month:02d}-{value.day:02d}"


def format_time_of_day(hour: int, minute: int, second: int, nanos: int) -> str:
    """Java's `LocalTime.toString()`: seconds only when not zero, the fraction in groups of three digits."""
    text = f"{hour:02d}:{minute:02d}"
    if second or nanos:
        text += f":{second:02d}"
        if nanos:
            if nanos % 1_000_000 == 0:
                text += f".{nanos // 1_000_000:03d}"
            elif nanos % 1000 == 0:
                text += f".{nanos // 1000:06d}"
            else:
                text += f".{nanos:09d}"
    return text


def format_zone(value: object) -> str:
    offset = value.utcoffset()
    if offset is None:
        return ""
    text = offset_string(_seconds(offset))
    key = getattr(value.tzinfo, "key", None)
    return f"{text}[{key}]" if key else text


def format_time(value: dt.time) -> str:
    return format_time_of_day(value.hour, value.minute, value.second, nanos_of(value)) + format_zone(value)


def format_datetime(value: dt.datetime) -> str:
    return (f"{format_date(value)}T{format_time_of_day(value.hour, value.minute, value.second, nanos_of(value))}"
            f"{format_zone(value)}")
