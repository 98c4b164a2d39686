"""Cypher's temporal values as Python values, with Neo4j's semantics.

Dates are `datetime.date`. Times and date-times are `Time` and `DateTime`, subclasses of `datetime.time` and
`datetime.datetime` that add a `nanosecond` attribute: the whole fraction of the second in nanoseconds
(`microsecond == nanosecond // 1000`). Equality, ordering and hashing take the nanoseconds into account and agree
with the plain `datetime` classes on values without sub-microsecond digits. Functions here also accept plain
`datetime.time` / `datetime.datetime` values (their nanoseconds are `microsecond * 1000`).

Zoned values carry a `datetime.timezone` (a fixed offset) or a `zoneinfo.ZoneInfo` (a named zone; date-times only).
Durations are `databases.values.Duration(months, days, seconds, nanoseconds)`, normalised as Neo4j does:
`0 <= nanoseconds < 1_000_000_000`, `seconds` carrying the sign.

This module holds the value-level machinery (construction, zones, ISO 8601 parsing, Neo4j's string forms,
calendar arithmetic, `duration.between`); `temporal.py` registers the Cypher functions on top of it.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import zoneinfo

from graphplex.databases.cypher.errors import argument_error, arithmetic_error, type_error
from graphplex.databases.temporal_values import (  # the value classes live beside storage's values
    NANOS_PER_DAY, NANOS_PER_HOUR, NANOS_PER_MINUTE, NANOS_PER_SECOND, SECONDS_PER_DAY, DateTime, Time,
    _instant_key, _seconds, _sub_micro, format_date, format_datetime, format_time, format_time_of_day,
    format_zone, nanos_of, offset_string)
from graphplex.databases.values import Duration

AVG_DAYS_PER_MONTH = 365.2425 / 12
AVG_SECONDS_PER_MONTH = 2_629_746
MAX_LONG = 2 ** 63 - 1
MIN_LONG = -(2 ** 63)

UTC = dt.timezone.utc
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_EPOCH = dt.datetime(1970, 1, 1)


def jdiv(a: int, b: int) -> int:
    """Java's integer division (truncates towards zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def jmod(a: int, b: int) -> int:
    """Java's `%` (the remainder has the sign of the dividend)."""
    return a - b * jdiv(a, b)


# --- kinds and parts -----------------------------------------------------------------------------------------

DATE, LOCAL_TIME, ZONED_TIME, LOCAL_DATETIME, ZONED_DATETIME = (
    "Date", "LocalTime", "Time", "LocalDateTime", "DateTime")


def kind_of(value: object) -> str | None:
    """The temporal kind of a value (Neo4j's class names), or None when it is not a temporal instant."""
    if isinstance(value, dt.datetime):
        return ZONED_DATETIME if value.tzinfo is not None else LOCAL_DATETIME
    if isinstance(value, dt.date):
        return DATE
    if isinstance(value, dt.time):
        return ZONED_TIME if value.tzinfo is not None else LOCAL_TIME
    return None


def is_temporal(value: object) -> bool:
    return isinstance(value, (dt.date, dt.time))


def has_date(value: object) -> bool:
    return isinstance(value, dt.date)


def has_time(value: object) -> bool:
    return isinstance(value, (dt.datetime, dt.time))


def is_zoned(value: object) -> bool:
    return isinstance(value, (dt.datetime, dt.time)) and value.tzinfo is not None


def date_of(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, value.day)
    return value


def nod_of(value: object) -> int:
    """Nanoseconds of the day of a time or date-time."""
    return ((value.hour * 60 + value.minute) * 60 + value.second) * NANOS_PER_SECOND + nanos_of(value)


def offset_seconds(value: object) -> int:
    offset = value.utcoffset()
    return offset.days * SECONDS_PER_DAY + offset.seconds


def split_nod(nod: int) -> tuple[int, int, int, int]:
    hour, rest = divmod(nod, NANOS_PER_HOUR)
    minute, rest = divmod(rest, NANOS_PER_MINUTE)
    second, nanos = divmod(rest, NANOS_PER_SECOND)
    return hour, minute, second, nanos


def epoch_day(date: dt.date) -> int:
    return date.toordinal() - EPOCH_ORDINAL


def date_of_epoch_day(day: int) -> dt.date:
    try:
        return dt.date.fromordinal(day + EPOCH_ORDINAL)
    except (ValueError, OverflowError):
        raise argument_error("Date is out of the supported range (years 1 to 9999)") from None


def local_epoch_nanos(value: object) -> int:
    """Nanoseconds since 1970-01-01T00:00 of the local date-time (a date counts as its midnight)."""
    nod = nod_of(value) if has_time(value) else 0
    return epoch_day(date_of(value)) * NANOS_PER_DAY + nod


def epoch_nanos(value: dt.datetime) -> int:
    """Nanoseconds since the epoch of the instant of a zoned date-time."""
    return local_epoch_nanos(value) - offset_seconds(value) * NANOS_PER_SECOND


# --- construction --------------------------------------------------------------------------------------------

def make_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except (ValueError, OverflowError, TypeError) as error:
        raise argument_error(f"Invalid value for date: {error}") from None


def make_time(nod: int, tzinfo: dt.tzinfo | None = None) -> Time:
    """A local time (no tzinfo) or a time with a fixed offset; `nod` wraps around midnight."""
    hour, minute, second, nanos = split_nod(nod % NANOS_PER_DAY)
    return Time(hour, minute, second, tzinfo=tzinfo, nanosecond=nanos)


def make_local_datetime(date: dt.date, nod: int = 0) -> DateTime:
    hour, minute, second, nanos = split_nod(nod)
    return DateTime(date.year, date.month, date.day, hour, minute, second, nanosecond=nanos)


def local_datetime_from_epoch_nanos(nanos: int) -> DateTime:
    day, nod = divmod(nanos, NANOS_PER_DAY)
    return make_local_datetime(date_of_epoch_day(day), nod)


def make_zoned_datetime(date: dt.date, nod: int, zone: dt.tzinfo, preferred_offset: int | None = None) -> DateTime:
    """The date-time at a local date and time in a zone, resolved as java.time's `ZonedDateTime.ofLocal`: in a
    gap the time moves later by the length of the gap; in an overlap the preferred offset (if valid) or else the
    earlier offset is used."""
    hour, minute, second, nanos = split_nod(nod)
    naive = dt.datetime(date.year, date.month, date.day, hour, minute, second, nanos // 1000)
    if not isinstance(zone, zoneinfo.ZoneInfo):
        return DateTime(date.year, date.month, date.day, hour, minute, second, tzinfo=zone, nanosecond=nanos)
    try:
        first = naive.replace(tzinfo=zone, fold=0).utcoffset()
        second_offset = naive.replace(tzinfo=zone, fold=1).utcoffset()
        if first == second_offset:
            fold = 0
        else:
            valid = [(fold, offset) for fold, offset in ((0, first), (1, second_offset))
                     if (naive - offset).replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None) == naive]
            if valid:
                chosen = [item for item in valid
                          if preferred_offset is not None and _seconds(item[1]) == preferred_offset]
                fold = (chosen or valid)[0][0]
            else:  # a gap: keep the instant of the earlier offset, which shows a later local time
                shifted = (naive - first).replace(tzinfo=UTC).astimezone(zone)
                return DateTime(shifted.year, shifted.month, shifted.day, shifted.hour, shifted.minute,
                                shifted.second, tzinfo=zone, fold=shifted.fold,
                                nanosecond=shifted.microsecond * 1000 + nanos % 1000)
    except OverflowError:
        raise argument_error("Date-time is out of the supported range (years 1 to 9999)") from None
    return DateTime(date.year, date.month, date.day, hour, minute, second, tzinfo=zone, fold=fold, nanosecond=nanos)


def datetime_from_epoch_nanos(nanos: int, zone: dt.tzinfo) -> DateTime:
    """The date-time of an instant (nanoseconds since the epoch) in a zone."""
    seconds, fraction = divmod(nanos, NANOS_PER_SECOND)
    try:
        utc = (_EPOCH + dt.timedelta(seconds=seconds)).replace(tzinfo=UTC)
        local = utc.astimezone(zone)
    except (OverflowError, ValueError):
        raise argument_error("Date-time is out of the supported range (years 1 to 9999)") from None
    return DateTime(local.year, local.month, local.day, local.hour, local.minute, local.second, tzinfo=zone,
                    fold=local.fold, nanosecond=fraction)


def with_zone_same_instant(value: dt.datetime, zone: dt.tzinfo) -> DateTime:
    return datetime_from_epoch_nanos(epoch_nanos(value), zone)


def local_time_of(value: object) -> Time:
    return make_time(nod_of(value))


def local_datetime_of(value: object) -> DateTime:
    return make_local_datetime(date_of(value), nod_of(value) if has_time(value) else 0)


# --- zones ---------------------------------------------------------------------------------------------------

_OFFSET = re.compile(r"([+-])(\d{2})(?::?(\d{2})(?::?(\d{2}))?)?")


def offset_zone(seconds: int) -> dt.timezone:
    if seconds == 0:
        return UTC
    if abs(seconds) > 18 * 3600:
        raise argument_error(f"Zone offset not in valid range: -18:00 to +18:00 (was {offset_string(seconds)})")
    return dt.timezone(dt.timedelta(seconds=seconds))


def parse_offset(text: str) -> int | None:
    """Seconds of an offset `Z`, `+01`, `+0100`, `+01:00` or `+01:00:30`; None when `text` is not an offset."""
    if text in ("Z", "z"):
        return 0
    match = _OFFSET.fullmatch(text)
    if match is None:
        return None
    sign, hours, minutes, seconds = match.groups()
    hours, minutes, seconds = int(hours), int(minutes or 0), int(seconds or 0)
    if minutes > 59 or seconds > 59:
        raise argument_error(f"Invalid value for TimeZone: Text '{text}'")
    total = hours * 3600 + minutes * 60 + seconds
    if total > 18 * 3600:
        raise argument_error(f"Zone offset not in valid range: -18:00 to +18:00 (was {text})")
    return -total if sign == "-" else total


def parse_zone(value: object) -> dt.tzinfo:
    """A time zone from a Cypher string: an offset, `Z`, or a named zone like 'Europe/Stockholm'."""
    if not isinstance(value, str):
        raise type_error(f"Invalid value for TimeZone: expected a String but was {_type(value)}")
    seconds = parse_offset(value)
    if seconds is not None:
        return offset_zone(seconds)
    return named_zone(value)


def named_zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        if not name or name.startswith("/") or ".." in name:
            raise ValueError(name)
        return zoneinfo.ZoneInfo(name)
    except Exception:
        raise argument_error(f"Invalid value for TimeZone: Text '{name}'") from None


def zone_name(value: object) -> str:
    """The time zone of a zoned value as Neo4j names it: the zone id, or the offset."""
    key = getattr(value.tzinfo, "key", None)
    return key if key else offset_string(offset_seconds(value))


def zone_offset_now(zone: dt.tzinfo) -> int:
    """The current offset of a zone (how a named zone becomes the offset of a time)."""
    return _seconds(dt.datetime.now(UTC).astimezone(zone).utcoffset())


def time_zone_for_time(zone: dt.tzinfo, at: dt.datetime | None = None) -> dt.timezone:
    """The fixed-offset zone a time value gets for `zone` (a named zone at the instant `at`, or now)."""
    if isinstance(zone, dt.timezone):
        return zone
    if at is None:
        return offset_zone(zone_offset_now(zone))
    return offset_zone(_seconds(at.astimezone(zone).utcoffset()))


# --- string forms --------------------------------------------------------------------------------------------

def format_duration(value: Duration) -> str:
    """Neo4j's `DurationValue.prettyPrint()`, e.g. `P1Y2M10DT12H45M30.5S`, `PT-1M-0.001S`, `PT0S`."""
    months, days, seconds, nanos = normalized(value)
    if months == days == seconds == nanos == 0:
        return "PT0S"
    parts = ["P"]
    _append(parts, jdiv(months, 12), "Y")
    _append(parts, jmod(months, 12), "M")
    _append(parts, days, "D")
    if seconds or nanos:
        negative = seconds < 0
        s, n = seconds, nanos
        if negative and nanos:
            s += 1
            n -= NANOS_PER_SECOND
        parts.append("T")
        _append(parts, jdiv(s, 3600), "H")
        s = jmod(s, 3600)
        _append(parts, jdiv(s, 60), "M")
        s = jmod(s, 60)
        if s != 0:
            if negative and s >= 0 and n != 0:
                parts.append("-")
            parts.append(str(s))
            if n:
                parts.append(_fraction(n))
            parts.append("S")
        elif n:
            if negative:
                parts.append("-")
            parts.append("0" + _fraction(n))
            parts.append("S")
    if len(parts) == 1:
        parts.append("T0S")
    return "".join(parts)


def _append(parts: list, quantity: int, unit: str) -> None:
    if quantity:
        parts.append(f"{quantity}{unit}")


def _fraction(nanos: int) -> str:
    return "." + f"{abs(nanos):09d}".rstrip("0")


def java_double_string(value: float) -> str:
    """Java's `Double.toString()`: `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity` (shortest digits)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(float(value))).partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    stripped = all_digits.lstrip("0")
    # the value is 0.DIGITS x 10^point, DIGITS without leading or trailing zeros
    point = len(whole) + (int(exponent) if exponent else 0) - (len(all_digits) - len(stripped))
    digits = stripped.rstrip("0") or "0"
    if 1e-3 <= abs(value) < 1e7:
        if point > 0:
            return f"{sign}{digits[:point].ljust(point, '0')}.{digits[point:] or '0'}"
        return f"{sign}0.{'0' * -point}{digits}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{point - 1}"


# --- ISO 8601 parsing ----------------------------------------------------------------------------------------

_DATE = (r"(?:(?P<sy>[0-9]{4})(?:(?P<sm>[0-9]{2})(?P<sd>[0-9]{2})?|W(?P<sw>[0-9]{2})(?P<sdow>[0-9])?"
         r"|Q(?P<sq>[0-9])(?P<sdoq>[0-9]{2})?|(?P<sdoy>[0-9]{3}))"
         r"|(?P<ly>[0-9]{4}|[+-][0-9]{1,9})(?:-(?P<lm>[0-9]{1,2})(?:-(?P<ld>[0-9]{1,2}))?"
         r"|-W(?P<lw>[0-9]{1,2})(?:-(?P<ldow>[0-9]))?|-Q(?P<lq>[0-9])(?:-(?P<ldoq>[0-9]{1,2}))?"
         r"|-(?P<ldoy>[0-9]{3}))?)")
_TIME = (r"(?:(?P<lh>[0-9]{1,2}):(?P<lmi>[0-9]{1,2})(?::(?P<ls>[0-9]{1,2})(?:[.,](?P<lf>[0-9]{1,9}))?)?"
         r"|(?P<sh>[0-9]{2})(?:(?P<smi>[0-9]{2})(?:(?P<ss>[0-9]{2})(?:[.,](?P<sf>[0-9]{1,9}))?)?)?)")
_ZONE = r"(?P<offset>Z|[+-][0-9]{2}(?::?[0-9]{2}(?::?[0-9]{2})?)?)?(?:\[(?P<zone>[^\]]+)\])?"


class _Pattern:
    """A regular expression compiled when first matched: compiling these three and the duration's takes ~10 ms
    of every start, and most processes never read a temporal string."""

    def __init__(self, source: str, flags: int = 0) -> None:
        self.source, self.flags = source, flags
        self._compiled: re.Pattern | None = None

    def fullmatch(self, text: str) -> re.Match | None:
        if self._compiled is None:
            self._compiled = re.compile(self.source, self.flags)
        return self._compiled.fullmatch(text)


DATE_PATTERN = _Pattern(_DATE)
TIME_PATTERN = _Pattern(_TIME + _ZONE)
DATETIME_PATTERN = _Pattern(_DATE + r"(?:T" + _TIME + r")?" + _ZONE)


def _parse_failure(kind: str, text: str) -> Exception:
    return argument_error(f"Text cannot be parsed to a {kind}: \"{text}\"")


def _date_from_match(match: re.Match, text: str, kind: str) -> dt.date:
    g = match.groupdict()
    try:
        if g["ly"] is not None:
            year = int(g["ly"])
            month, day, week, dow, quarter, doq, doy = (g[k] for k in ("lm", "ld", "lw", "ldow", "lq", "ldoq", "ldoy"))
        else:
            year = int(g["sy"])
            month, day, week, dow, quarter, doq, doy = (g[k] for k in ("sm", "sd", "sw", "sdow", "sq", "sdoq", "sdoy"))
        if month is not None:
            return make_date(year, int(month), int(day) if day else 1)
        if week is not None:
            return week_date(year, int(week), int(dow) if dow else 1)
        if quarter is not None:
            return quarter_date(year, int(quarter), int(doq) if doq else 1)
        if doy is not None:
            return ordinal_date(year, int(doy))
        return make_date(year, 1, 1)
    except ValueError:
        raise _parse_failure(kind, text) from None


def _nod_from_match(match: re.Match) -> int:
    g = match.groupdict()
    if g["lh"] is not None:
        hour, minute, second, fraction = g["lh"], g["lmi"], g["ls"], g["lf"]
    else:
        hour, minute, second, fraction = g["sh"], g["smi"], g["ss"], g["sf"]
    hour, minute, second = int(hour), int(minute or 0), int(second or 0)
    nanos = int(fraction.ljust(9, "0")) if fraction else 0
    if hour > 23 or minute > 59 or second > 59:
        raise argument_error(f"Invalid time: {hour:02d}:{minute:02d}:{second:02d}")
    return ((hour * 60 + minute) * 60 + second) * NANOS_PER_SECOND + nanos


def _zone_from_match(match: re.Match, text: str) -> tuple[int | None, dt.tzinfo | None]:
    offset_text, name = match.group("offset"), match.group("zone")
    offset = parse_offset(offset_text) if offset_text else None
    zone = named_zone(name) if name else None
    return offset, zone


def parse_date(text: str) -> dt.date:
    match = DATE_PATTERN.fullmatch(text)
    if match is None:
        raise _parse_failure("Date", text)
    return _date_from_match(match, text, "Date")


def parse_local_time(text: str) -> Time:
    match = TIME_PATTERN.fullmatch(text)
    if match is None or match.group("offset") or match.group("zone"):
        raise _parse_failure("LocalTime", text)
    return make_time(_nod_from_match(match))


def parse_time(text: str, default_zone: dt.tzinfo) -> Time:
    match = TIME_PATTERN.fullmatch(text)
    if match is None:
        raise _parse_failure("Time", text)
    nod = _nod_from_match(match)
    offset, zone = _zone_from_match(match, text)
    if offset is not None:
        tz = offset_zone(offset)
    elif zone is not None:
        tz = time_zone_for_time(zone)
    else:
        tz = time_zone_for_time(default_zone)
    return make_time(nod, tz)


def parse_local_datetime(text: str) -> DateTime:
    match = DATETIME_PATTERN.fullmatch(text)
    if match is None or match.group("offset") or match.group("zone"):
        raise _parse_failure("LocalDateTime", text)
    date = _date_from_match(match, text, "LocalDateTime")
    nod = _nod_from_match(match) if _has_time_groups(match) else 0
    return make_local_datetime(date, nod)


def parse_datetime(text: str, default_zone: dt.tzinfo) -> DateTime:
    match = DATETIME_PATTERN.fullmatch(text)
    if match is None:
        raise _parse_failure("DateTime", text)
    date = _date_from_match(match, text, "DateTime")
    nod = _nod_from_match(match) if _has_time_groups(match) else 0
    offset, zone = _zone_from_match(match, text)
    if zone is not None:
        value = make_zoned_datetime(date, nod, zone, offset)
        if offset is not None and offset_seconds(value) != offset:
            raise argument_error(f"Timezone and offset do not match: {text}")
        return value
    if offset is not None:
        return make_zoned_datetime(date, nod, offset_zone(offset))
    return make_zoned_datetime(date, nod, default_zone)


def _has_time_groups(match: re.Match) -> bool:
    return match.group("lh") is not None or match.group("sh") is not None


_DURATION = _Pattern(
    r"(?P<sign>[-+]?)P(?:"
    r"(?:(?P<years>[-+]?[0-9]+(?:[.,][0-9]+)?)Y)?"
    r"(?:(?P<months>[-+]?[0-9]+(?:[.,][0-9]+)?)M)?"
    r"(?:(?P<weeks>[-+]?[0-9]+(?:[.,][0-9]+)?)W)?"
    r"(?:(?P<days>[-+]?[0-9]+(?:[.,][0-9]+)?)D)?"
    r"(?P<T>T(?:(?P<hours>[-+]?[0-9]+(?:[.,][0-9]+)?)H)?"
    r"(?:(?P<minutes>[-+]?[0-9]+(?:[.,][0-9]+)?)M)?"
    r"(?:(?P<seconds>[-+]?[0-9]+)(?:[.,](?P<subseconds>[0-9]{1,9}))?S)?)?"
    r"|(?:(?P<year>[0-9]{4})(?:-(?P<longMonth>[0-9]{2})-(?P<longDay>[0-9]{2})|(?P<shortMonth>[0-9]{2})"
    r"(?P<shortDay>[0-9]{2})))?(?P<time>T(?:(?P<shortHour>[0-9]{2})(?:(?P<shortMinute>[0-9]{2})"
    r"(?:(?P<shortSecond>[0-9]{2})(?:[.,](?P<shortSub>[0-9]{1,9}))?)?)?|(?P<longHour>[0-9]{2}):"
    r"(?P<longMinute>[0-9]{2})(?::(?P<longSecond>[0-9]{2})(?:[.,](?P<longSub>[0-9]{1,9}))?)?))?)",
    re.IGNORECASE)


def parse_duration(text: str) -> Duration:
    """An ISO 8601 duration as Neo4j reads it: `P1Y2M3W4DT5H6M7.8S` (each part signed, the last may be a
    fraction), or the date-time form `P2012-02-02T14:37:21.545`, optionally signed as a whole."""
    match = _DURATION.fullmatch(text)
    result = None
    if match is not None:
        g = match.groupdict()
        sign = -1 if g["sign"] == "-" else 1
        if g["year"] is not None or g["time"] is not None:
            result = _parse_date_based_duration(g, sign)
        else:
            result = _parse_unit_based_duration(g, sign)
    if result is None:
        raise argument_error(f"Text cannot be parsed to a Duration: \"{text}\"")
    return result


def _fractional(text: str | None) -> bool:
    return text is not None and ("." in text or "," in text)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _parse_unit_based_duration(g: dict, sign: int) -> Duration | None:
    y, m, w, d, t = g["years"], g["months"], g["weeks"], g["days"], g["T"]
    if (y is None and m is None and w is None and d is None and t is None) or (t is not None and t.upper() == "T"):
        return None
    if _fractional(y):
        if m is not None or w is not None or d is not None or t is not None:
            return None
        return approximate(_number(y) * 12 * sign, 0, 0, 0)
    months = int(y or 0) * 12
    if _fractional(m):
        if w is not None or d is not None or t is not None:
            return None
        return approximate((months + _number(m)) * sign, 0, 0, 0)
    months += int(m or 0)
    if _fractional(w):
        if d is not None or t is not None:
            return None
        return approximate(months * sign, _number(w) * 7 * sign, 0, 0)
    days = int(w or 0) * 7
    if _fractional(d):
        if t is not None:
            return None
        return approximate(months * sign, (days + _number(d)) * sign, 0, 0)
    days += int(d or 0)
    h, mi, s, sub = g["hours"], g["minutes"], g["seconds"], g["subseconds"]
    if _fractional(h):
        if mi is not None or s is not None:
            return None
        return approximate(months * sign, days * sign, _number(h) * 3600 * sign, 0)
    seconds = int(h or 0) * 3600
    if _fractional(mi):
        if s is not None:
            return None
        return approximate(months * sign, days * sign, (seconds + _number(mi) * 60) * sign, 0)
    seconds += int(mi or 0) * 60 + int(s or 0)
    nanos = int(sub.ljust(9, "0")) if sub else 0
    if nanos and s.startswith("-"):
        nanos = -nanos
    return make_duration(months * sign, days * sign, seconds * sign, nanos * sign)


def _parse_date_based_duration(g: dict, sign: int) -> Duration:
    months = days = 0
    if g["year"] is not None:
        month = g["longMonth"] or g["shortMonth"]
        day = g["longDay"] or g["shortDay"]
        if int(month) > 12:
            raise argument_error(f"months is out of range: {month}")
        if int(day) > 31:
            raise argument_error(f"days is out of range: {day}")
        months = int(g["year"]) * 12 + int(month)
        days = int(day)
    seconds = nanos = 0
    if g["time"] is not None:
        if g["longHour"] is not None:
            h, mi, s, sub = g["longHour"], g["longMinute"], g["longSecond"], g["longSub"]
        else:
            h, mi, s, sub = g["shortHour"], g["shortMinute"], g["shortSecond"], g["shortSub"]
        hours, minutes, secs = int(h or 0), int(mi or 0), int(s or 0)
        if hours > 24:
            raise argument_error(f"hours out of range: {hours}")
        if minutes > 60:
            raise argument_error(f"minutes out of range: {minutes}")
        if secs > 60:
            raise argument_error(f"seconds out of range: {secs}")
        seconds = hours * 3600 + minutes * 60 + secs
        nanos = int(sub.ljust(9, "0")) if sub else 0
    return make_duration(sign * months, sign * days, sign * seconds, sign * nanos)


# --- durations -----------------------------------------------------------------------------------------------

def normalized(value: Duration) -> tuple[int, int, int, int]:
    """(months, days, seconds, nanoseconds) with 0 <= nanoseconds < 10^9."""
    extra, nanos = divmod(value.nanoseconds, NANOS_PER_SECOND)
    return value.months, value.days, value.seconds + extra, nanos


def make_duration(months: int, days: int, seconds: int, nanos: int) -> Duration:
    """A normalised duration; Neo4j's overflow check (the average length in seconds must fit a long)."""
    extra, nanos = divmod(nanos, NANOS_PER_SECOND)
    seconds += extra
    if not MIN_LONG <= seconds + days * SECONDS_PER_DAY + months * AVG_SECONDS_PER_MONTH <= MAX_LONG:
        raise argument_error(f"Invalid value for duration, will cause overflow. Value was months={months}, "
                             f"days={days}, seconds={seconds}, nanos={nanos}")
    return Duration(months, days, seconds, nanos)


def _to_long(value: float) -> int:
    if math.isnan(value):
        return 0
    if value >= MAX_LONG:
        return MAX_LONG
    if value <= MIN_LONG:
        return MIN_LONG
    return int(value)


def approximate(months: float, days: float, seconds: float, nanos: float) -> Duration:
    """Neo4j's `DurationValue.approximate`: fractions of a unit spill into the smaller units (a month being
    365.2425 / 12 days), the nanoseconds truncated."""
    for part in (months, days, seconds, nanos):
        if math.isinf(part) or math.isnan(part):
            raise argument_error("Invalid value for duration: not a finite number")
    m = _to_long(months)
    days += AVG_DAYS_PER_MONTH * (months - m)
    d = _to_long(days)
    seconds += SECONDS_PER_DAY * (days - d)
    s = _to_long(seconds)
    nanos += NANOS_PER_SECOND * (seconds - s)
    n = _to_long(nanos)
    return make_duration(m, d, s, n)


def duration_from_parts(months, days, seconds, nanos) -> Duration:
    """Exact when every part is an integer, else Neo4j's approximation."""
    if all(isinstance(part, int) for part in (months, days, seconds, nanos)):
        return make_duration(months, days, seconds, nanos)
    return approximate(float(months), float(days), float(seconds), float(nanos))


# --- calendar arithmetic (java.time semantics) ---------------------------------------------------------------

def plus_months(date: dt.date, months: int) -> dt.date:
    """`LocalDate.plusMonths`: the day of month is clamped to the length of the new month."""
    if months == 0:
        return date
    total = date.year * 12 + (date.month - 1) + months
    year, month = divmod(total, 12)
    if not 1 <= year <= 9999:
        raise arithmetic_error("Date is out of the supported range (years 1 to 9999)")
    return dt.date(year, month + 1, min(date.day, _month_length(year, month + 1)))


def plus_days(date: dt.date, days: int) -> dt.date:
    if days == 0:
        return date
    try:
        return dt.date.fromordinal(date.toordinal() + days)
    except (ValueError, OverflowError):
        raise arithmetic_error("Date is out of the supported range (years 1 to 9999)") from None


def _month_length(year: int, month: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def week_based_year(date: dt.date) -> int:
    return date.isocalendar()[0]


def week_of_year(date: dt.date) -> int:
    return date.isocalendar()[1]


def weeks_in_year(week_year: int) -> int:
    return dt.date(week_year, 12, 28).isocalendar()[1]


def week_date(year: int, week: int, day_of_week: int = 1) -> dt.date:
    """The date of an ISO week date (week-based year, week 1..52/53, day of week 1 = Monday .. 7)."""
    if not 1 <= day_of_week <= 7:
        raise argument_error(f"Invalid value for DayOfWeek (valid values 1 - 7): {day_of_week}")
    if not 1 <= year <= 9999:
        raise argument_error(f"Invalid value for Year: {year}")
    if not 1 <= week <= weeks_in_year(year):
        raise argument_error(f"Invalid value for WeekOfWeekBasedYear (valid values 1 - {weeks_in_year(year)}): "
                             f"{week}")
    try:
        return dt.date.fromisocalendar(year, week, day_of_week)
    except ValueError as error:
        raise argument_error(str(error)) from None


def quarter_of(date: dt.date) -> int:
    return (date.month - 1) // 3 + 1


def day_of_quarter(date: dt.date) -> int:
    start = dt.date(date.year, 3 * (quarter_of(date) - 1) + 1, 1)
    return date.toordinal() - start.toordinal() + 1


def _quarter_length(year: int, quarter: int) -> int:
    return {1: 91 if _is_leap(year) else 90, 2: 91, 3: 92, 4: 92}[quarter]


def quarter_date(year: int, quarter: int, day: int = 1) -> dt.date:
    if not 1 <= quarter <= 4:
        raise argument_error(f"Invalid value for QuarterOfYear (valid values 1 - 4): {quarter}")
    if not 1 <= year <= 9999:
        raise argument_error(f"Invalid value for Year: {year}")
    length = _quarter_length(year, quarter)
    if not 1 <= day <= length:
        raise argument_error(f"Invalid value for DayOfQuarter (valid values 1 - {length}): {day}")
    return dt.date.fromordinal(dt.date(year, 3 * (quarter - 1) + 1, 1).toordinal() + day - 1)


def ordinal_date(year: int, day: int) -> dt.date:
    if not 1 <= year <= 9999:
        raise argument_error(f"Invalid value for Year: {year}")
    length = 366 if _is_leap(year) else 365
    if not 1 <= day <= length:
        raise argument_error(f"Invalid value for DayOfYear (valid values 1 - {length}): {day}")
    return dt.date.fromordinal(dt.date(year, 1, 1).toordinal() + day - 1)


# Java's `date.with(field, value)` for the fields of Cypher's temporal maps.

def with_year(date: dt.date, year: int) -> dt.date:
    if not 1 <= year <= 9999:
        raise argument_error(f"Invalid value for Year (supported values 1 - 9999): {year}")
    return dt.date(year, date.month, min(date.day, _month_length(year, date.month)))


def with_week_based_year(date: dt.date, week_year: int) -> dt.date:
    if not 1 <= week_year <= 9999:
        raise argument_error(f"Invalid value for WeekBasedYear (supported values 1 - 9999): {week_year}")
    _, week, dow = date.isocalendar()
    if week == 53 and weeks_in_year(week_year) == 52:
        week = 52
    return week_date(week_year, week, dow)


def with_month(date: dt.date, month: int) -> dt.date:
    if not 1 <= month <= 12:
        raise argument_error(f"Invalid value for MonthOfYear (valid values 1 - 12): {month}")
    return dt.date(date.year, month, min(date.day, _month_length(date.year, month)))


def with_quarter(date: dt.date, quarter: int) -> dt.date:
    if not 1 <= quarter <= 4:
        raise argument_error(f"Invalid value for QuarterOfYear (valid values 1 - 4): {quarter}")
    return with_month(date, date.month + (quarter - quarter_of(date)) * 3)


def with_week(date: dt.date, week: int) -> dt.date:
    week_year, current, _ = date.isocalendar()
    limit = weeks_in_year(week_year)
    if not 1 <= week <= limit:
        raise argument_error(f"Invalid value for WeekOfWeekBasedYear (valid values 1 - {limit}): {week}")
    return plus_days(date, (week - current) * 7)


def with_day_of_year(date: dt.date, day: int) -> dt.date:
    return ordinal_date(date.year, day)


def with_day_of_quarter(date: dt.date, day: int) -> dt.date:
    length = _quarter_length(date.year, quarter_of(date))
    if not 1 <= day <= length:
        raise argument_error(f"Invalid value for DayOfQuarter (valid values 1 - {length}): {day}")
    return plus_days(date, day - day_of_quarter(date))


def with_day_of_week(date: dt.date, day: int) -> dt.date:
    if not 1 <= day <= 7:
        raise argument_error(f"Invalid value for DayOfWeek (valid values 1 - 7): {day}")
    return plus_days(date, day - date.isoweekday())


def with_day_of_month(date: dt.date, day: int) -> dt.date:
    length = _month_length(date.year, date.month)
    if not 1 <= day <= length:
        raise argument_error(f"Invalid date: day {day} of {date.year:04d}-{date.month:02d} (valid values 1 - "
                             f"{length})")
    return dt.date(date.year, date.month, day)


# --- adding durations ----------------------------------------------------------------------------------------

def _resolve_like(value: dt.datetime, date: dt.date, nod: int) -> DateTime:
    """A new local date and time in the zone of `value`, keeping its offset when still valid."""
    return make_zoned_datetime(date, nod, value.tzinfo, offset_seconds(value))


def add_duration(value: object, duration: Duration, sign: int = 1) -> object:
    """`value + duration` (sign 1) or `value - duration` (sign -1), as java.time adds a Neo4j duration: months
    (day of month clamped), then days, then seconds and nanoseconds (on the instant line for zoned date-times).
    A date ignores the time of day (whole days of the seconds count); a time ignores months and days."""
    months, days, seconds, nanos = normalized(duration)
    months, days, seconds, nanos = sign * months, sign * days, sign * seconds, sign * nanos
    kind = kind_of(value)
    if kind == DATE:
        return plus_days(plus_months(value, months), days + jdiv(seconds, SECONDS_PER_DAY))
    if kind in (LOCAL_TIME, ZONED_TIME):
        nod = (nod_of(value) + seconds * NANOS_PER_SECOND + nanos) % NANOS_PER_DAY
        return make_time(nod, value.tzinfo)
    date, nod = date_of(value), nod_of(value)
    if kind == LOCAL_DATETIME:
        date = plus_days(plus_months(date, months), days)
        total = local_epoch_nanos(make_local_datetime(date, nod)) + seconds * NANOS_PER_SECOND + nanos
        return _local_datetime_checked(total)
    result = value
    if months:
        result = _resolve_like(result, plus_months(date_of(result), months), nod)
    if days:
        result = _resolve_like(result, plus_days(date_of(result), days), nod_of(result))
    if seconds or nanos:
        result = _zoned_from_epoch_checked(epoch_nanos(result) + seconds * NANOS_PER_SECOND + nanos, result.tzinfo)
    elif not isinstance(result, DateTime):
        result = _resolve_like(result, date_of(result), nod_of(result))
    return result


def _local_datetime_checked(nanos: int) -> DateTime:
    try:
        return local_datetime_from_epoch_nanos(nanos)
    except Exception:
        raise arithmetic_error("Date-time is out of the supported range (years 1 to 9999)") from None


def _zoned_from_epoch_checked(nanos: int, zone: dt.tzinfo) -> DateTime:
    try:
        return datetime_from_epoch_nanos(nanos, zone)
    except Exception:
        raise arithmetic_error("Date-time is out of the supported range (years 1 to 9999)") from None


# --- duration.between ----------------------------------------------------------------------------------------

MONTHS, DAYS, NANOS = "months", "days", "nanos"


def _attach_time(value: object) -> object:
    return value if has_time(value) else make_local_datetime(value, 0)


def _attach_date(value: object, date: dt.date) -> object:
    if has_date(value):
        return value
    if value.tzinfo is not None:
        return make_zoned_datetime(date, nod_of(value), value.tzinfo)
    return make_local_datetime(date, nod_of(value))


def _attach_zone(value: object, zone: dt.tzinfo) -> object:
    if is_zoned(value):
        return value
    if has_date(value):
        return make_zoned_datetime(date_of(value), nod_of(value) if has_time(value) else 0, zone)
    return make_time(nod_of(value), time_zone_for_time(zone))


def _zone_of(value: object) -> dt.tzinfo:
    return value.tzinfo


def _attach(start: object, end: object, time_based: bool) -> tuple[object, object]:
    """Neo4j's `TemporalValue.until` preparation: give each side the parts the other has (midnight for a
    missing time, the other's date for a missing date, the other's zone for a missing zone)."""
    if time_based:
        start, end = _attach_time(start), _attach_time(end)
    elif has_time(start) and not has_time(end):
        end = _attach_time(end)
    elif has_time(end) and not has_time(start):
        start = _attach_time(start)
    if has_date(start) and not has_date(end):
        end = _attach_date(end, date_of(start))
    elif has_date(end) and not has_date(start):
        start = _attach_date(start, date_of(end))
    if is_zoned(start) and not is_zoned(end):
        end = _attach_zone(end, _zone_of(start))
    elif is_zoned(end) and not is_zoned(start):
        start = _attach_zone(start, _zone_of(end))
    return start, end


def _months_until(start: dt.date, end: dt.date) -> int:
    packed1 = (start.year * 12 + start.month - 1) * 32 + start.day
    packed2 = (end.year * 12 + end.month - 1) * 32 + end.day
    return jdiv(packed2 - packed1, 32)


def _date_until(start: dt.date, end: dt.date, unit: str) -> int:
    if unit == MONTHS:
        return _months_until(start, end)
    return end.toordinal() - start.toordinal()


def until(start: object, end: object, unit: str) -> int:
    """java.time's `start.until(end, unit)` on two Cypher temporals (months, days or nanoseconds)."""
    start, end = _attach(start, end, unit == NANOS)
    kind = kind_of(start)
    if kind == DATE:
        return _date_until(start, date_of(end), unit)
    if kind in (LOCAL_TIME, ZONED_TIME):
        if unit != NANOS:
            raise argument_error(f"Unsupported unit: {unit.capitalize()} between times without dates")
        if kind == LOCAL_TIME:
            return nod_of(end) - nod_of(start)
        start_offset = offset_seconds(start) * NANOS_PER_SECOND
        end_nod = (nod_of(end) - offset_seconds(end) * NANOS_PER_SECOND + start_offset) % NANOS_PER_DAY
        return end_nod - nod_of(start)
    if kind == ZONED_DATETIME:
        if unit == NANOS:
            return epoch_nanos(end) - epoch_nanos(start)
        end = with_zone_same_instant(end, start.tzinfo)
    if unit == NANOS:
        return local_epoch_nanos(end) - local_epoch_nanos(start)
    start_date, end_date = date_of(start), date_of(end)
    if end_date > start_date and nod_of(end) < nod_of(start):
        end_date = plus_days(end_date, -1)
    elif end_date < start_date and nod_of(end) > nod_of(start):
        end_date = plus_days(end_date, 1)
    return _date_until(start_date, end_date, unit)


def _plus_unit(value: object, amount: int, unit: str) -> object:
    if amount == 0:
        return value
    kind = kind_of(value)
    if kind == DATE:
        return plus_months(value, amount) if unit == MONTHS else plus_days(value, amount)
    date = plus_months(date_of(value), amount) if unit == MONTHS else plus_days(date_of(value), amount)
    if kind == LOCAL_DATETIME:
        return make_local_datetime(date, nod_of(value))
    return _resolve_like(value, date, nod_of(value))


def duration_between(start: object, end: object) -> Duration:
    """`duration.between`: whole months, then whole days, then the rest in seconds and nanoseconds."""
    months = days = 0
    if has_date(start) and has_date(end):
        months = until(start, end, MONTHS)
        start = _plus_unit(start, months, MONTHS)
        days = until(start, end, DAYS)
        start = _plus_unit(start, days, DAYS)
    nanos = until(start, end, NANOS)
    return make_duration(months, days, jdiv(nanos, NANOS_PER_SECOND), jmod(nanos, NANOS_PER_SECOND))


def duration_in_months(start: object, end: object) -> Duration:
    return make_duration(until(start, end, MONTHS), 0, 0, 0)


def duration_in_days(start: object, end: object) -> Duration:
    return make_duration(0, until(start, end, DAYS), 0, 0)


def duration_in_seconds(start: object, end: object) -> Duration:
    nanos = until(start, end, NANOS)
    return make_duration(0, 0, jdiv(nanos, NANOS_PER_SECOND), jmod(nanos, NANOS_PER_SECOND))


# --- truncation ----------------------------------------------------------------------------------------------

DATE_UNITS = ("millennium", "century", "decade", "year", "weekyear", "quarter", "month", "week", "day")
TIME_UNITS = ("day", "hour", "minute", "second", "millisecond", "microsecond")
_UNIT_NAMES = {name.lower(): name for name in ("millennium", "century", "decade", "year", "weekYear", "quarter",
                                               "month", "week", "day", "hour", "minute", "second", "millisecond",
                                               "microsecond", "nanosecond")}


def truncation_unit(unit: object) -> str:
    if not isinstance(unit, str):
        raise type_error(f"Invalid unit for truncate: expected a String but was {_type(unit)}")
    key = unit.lower()
    if key not in _UNIT_NAMES:
        raise argument_error(f"Unsupported unit: {unit}")
    return key


def truncate_date(date: dt.date, unit: str) -> dt.date:
    if unit == "millennium":
        return dt.date(max(1, date.year - date.year % 1000), 1, 1)
    if unit == "century":
        return dt.date(max(1, date.year - date.year % 100), 1, 1)
    if unit == "decade":
        return dt.date(max(1, date.year - date.year % 10), 1, 1)
    if unit == "year":
        return dt.date(date.year, 1, 1)
    if unit == "weekyear":
        return week_date(week_based_year(date), 1, 1)
    if unit == "quarter":
        return dt.date(date.year, 3 * (quarter_of(date) - 1) + 1, 1)
    if unit == "month":
        return dt.date(date.year, date.month, 1)
    if unit == "week":
        return plus_days(date, 1 - date.isoweekday())
    return date


def truncate_nod(nod: int, unit: str) -> int:
    size = {"hour": NANOS_PER_HOUR, "minute": NANOS_PER_MINUTE, "second": NANOS_PER_SECOND,
            "millisecond": 1_000_000, "microsecond": 1000, "nanosecond": 1}.get(unit)
    if size is None:  # day and larger
        return 0
    return nod - nod % size


def _type(value: object) -> str:
    from graphplex.databases.cypher.values import type_name
    return type_name(value)
