"""apoc.text.*: string functions as APOC 5.26 core defines them. Regular expressions are Java's, run by the
`regex` module (which knows `\\p{L}` and possessive quantifiers) with Java's replacement syntax (`$1`, `${name}`)
translated; splitting follows `String.split` (no empty leading piece from a zero-width match, trailing empty
pieces dropped when the limit is 0)."""
from __future__ import annotations

import base64
import binascii
import random
import unicodedata
import urllib.parse

import regex

from graphplex.databases.cypher.apoc.arguments import apoc_function
from graphplex.databases.cypher.apoc.java_text import JavaFormatError, java_format, java_string
from graphplex.databases.procedure_failures import function_failed


def _text(name: str, signature: str, *, deterministic: bool = True):
    """Registers an apoc.text function with its APOC signature."""
    return apoc_function(f"apoc.text.{name}{signature}", deterministic=deterministic)


def _required(name: str, *values) -> None:
    """Java dereferencing a null argument: the call fails with a NullPointerException."""
    if any(value is None for value in values):
        raise function_failed(f"apoc.text.{name}", "", "java.lang.NullPointerException")


def _pattern(name: str, pattern: str):
    try:
        return regex.compile(pattern, regex.VERSION0)
    except regex.error as error:
        raise function_failed(f"apoc.text.{name}", f"{error} near index {error.pos}\n{pattern}",
                              "java.util.regex.PatternSyntaxException") from None


def _template(replacement: str) -> str:
    """A Java replacement string (`$1`, `${name}`, `\\$`) as a `regex` template."""
    out = []
    i = 0
    while i < len(replacement):
        char = replacement[i]
        if char == "\\" and i + 1 < len(replacement):
            out.append(replacement[i + 1].replace("\\", "\\\\"))
            i += 2
            continue
        if char == "$":
            if replacement.startswith("{", i + 1):
                end = replacement.index("}", i)
                out.append(f"\\g<{replacement[i + 2:end]}>")
                i = end + 1
                continue
            digits = regex.match(r"\d+", replacement[i + 1:])
            if digits:
                out.append(f"\\g<{digits.group()}>")
                i += 1 + len(digits.group())
                continue
        out.append("\\\\" if char == "\\" else char)
        i += 1
    return "".join(out)


def java_split(name: str, text: str, pattern: str, limit: int) -> list[str]:
    """Java's `String.split(regex, limit)`."""
    compiled = _pattern(name, pattern)
    pieces: list[str] = []
    start = 0
    for match in compiled.finditer(text):
        if 0 < limit <= len(pieces) + 1:
            break
        if match.end() == 0:
            continue  # a zero-width match at the beginning never yields an empty leading piece
        pieces.append(text[start:match.start()])
        start = match.end()
    if not pieces and start == 0:
        return [text]
    pieces.append(text[start:])
    if limit == 0:
        while pieces and pieces[-1] == "":
            pieces.pop()
    return pieces


# --- searching and replacing ------------------------------------------------------------------------------------

@_text("indexOf", "(text :: STRING, lookup :: STRING, from = 0 :: INTEGER, to = -1 :: INTEGER) :: INTEGER")
def text_index_of(ctx, text, lookup, start=0, to=-1):
    """Returns the first occurrence of the lookup `STRING` in the given `STRING`, or -1 if not found."""
    if text is None:
        return None
    if lookup is None:
        return -1
    start = max(start or 0, 0)
    if to == -1 or to > len(text):
        return text.find(lookup, start)
    if to <= start:
        return -1
    return text[:to].find(lookup, start)


@_text("indexesOf", "(text :: STRING, lookup :: STRING, from = 0 :: INTEGER, to = -1 :: INTEGER) :: "
                       "LIST<ANY>")
def text_indexes_of(ctx, text, lookup, start=0, to=-1):
    """Returns all occurrences of the lookup `STRING` in the given `STRING`, or an empty list if not found."""
    if text is None:
        return None
    if lookup is None:
        return []
    to = len(text) if to == -1 else to
    out = []
    index = (start or 0) - 1
    while True:
        index = text.find(lookup, max(index + 1, 0))
        if index == -1 or index >= to:
            return out
        out.append(index)


def _replace(name: str, text, pattern, replacement):
    if text is None or pattern is None or replacement is None:
        return None
    return _pattern(name, pattern).sub(_template(replacement), text)


@_text("replace", "(text :: STRING, regex :: STRING, replacement :: STRING) :: STRING")
def text_replace(ctx, text, pattern, replacement):
    """Finds and replaces all matches found by the given regular expression with the given replacement."""
    return _replace("replace", text, pattern, replacement)


@_text("regreplace", "(text :: STRING, regex :: STRING, replacement :: STRING) :: STRING")
def text_regreplace(ctx, text, pattern, replacement):
    """Finds and replaces all matches found by the given regular expression with the given replacement."""
    return _replace("regreplace", text, pattern, replacement)


@_text("split", "(text :: STRING, regex :: STRING, limit = 0 :: INTEGER) :: LIST<STRING>")
def text_split(ctx, text, pattern, limit=0):
    """Splits the given `STRING` using a given regular expression as a separator."""
    if text is None or pattern is None or limit is None:
        return None
    return java_split("split", text, pattern, limit)


@_text("regexGroups", "(text :: STRING, regex :: STRING) :: LIST<LIST<STRING>>")
def text_regex_groups(ctx, text, pattern):
    """Returns all groups matching the given regular expression in the given text."""
    if text is None or pattern is None:
        return []
    compiled = _pattern("regexGroups", pattern)
    return [[match.group(i) for i in range(compiled.groups + 1)] for match in compiled.finditer(text)]


@_text("regexGroupsByName", "(text :: STRING, regex :: STRING) :: LIST<MAP>")
def text_regex_groups_by_name(ctx, text, pattern):
    """Returns all the matched groups and their names (as keys) for the given regex pattern in the text."""
    if text is None or pattern is None:
        return []
    compiled = _pattern("regexGroupsByName", pattern)
    names = regex.findall(r"\(\?<(.+?)>", pattern)
    return [{"group": match.group(), "matches": {n: match.group(n) for n in names if match.group(n) is not None}}
            for match in compiled.finditer(text)]


@_text("join", "(texts :: LIST<STRING>, delimiter :: STRING) :: STRING")
def text_join(ctx, texts, delimiter):
    """Joins the given `STRING` values using the given delimiter."""
    if texts is None or delimiter is None:
        return None
    return delimiter.join(java_string(text) for text in texts)


@_text("repeat", "(item :: STRING, count :: INTEGER) :: STRING")
def text_repeat(ctx, item, count):
    """Returns the result of the given item multiplied by the given count."""
    _required("repeat", item, count)
    return item * max(count, 0)


# --- cleaning and comparing ---------------------------------------------------------------------------------------

_UMLAUTS = (("Ä", "Ae"), ("Ü", "Ue"), ("Ö", "Oe"), ("ä", "ae"), ("ü", "ue"), ("ö", "oe"), ("ß", "ss"))


def clean_text(text: str) -> str:
    """APOC's `removeNonWordCharacters`: umlauts spelled out, accents dropped, only letters and digits kept,
    lower case."""
    for umlaut, spelled in _UMLAUTS:
        text = text.replace(umlaut, spelled)
    text = regex.sub(r"\p{M}+", "", unicodedata.normalize("NFD", text))
    return regex.sub(r"[^\p{L}\p{N}]+", "", text).lower()


@_text("clean", "(text :: STRING) :: STRING")
def text_clean(ctx, text):
    """Strips the given `STRING` of everything except alpha numeric characters and converts it to lower case."""
    return None if text is None else clean_text(text)


@_text("compareCleaned", "(text1 :: STRING, text2 :: STRING) :: BOOLEAN")
def text_compare_cleaned(ctx, first, second):
    """Compares two given `STRING` values stripped of everything except alpha numeric characters converted to
    lower case."""
    if first is None or second is None:
        return False
    return clean_text(first) == clean_text(second)


def levenshtein(first: str, second: str) -> int:
    """The edit distance: insertions, deletions and substitutions of one character each."""
    if len(first) < len(second):
        first, second = second, first
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, start=1):
        current = [i]
        for j, b in enumerate(second, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1]


@_text("distance", "(text1 :: STRING, text2 :: STRING) :: INTEGER")
def text_distance(ctx, first, second):
    """Compares the two given `STRING` values using the Levenshtein distance algorithm."""
    if first is None or second is None:
        return None
    return levenshtein(first, second)


@_text("levenshteinDistance", "(text1 :: STRING, text2 :: STRING) :: INTEGER")
def text_levenshtein_distance(ctx, first, second):
    """Compares the given `STRING` values using the Levenshtein distance algorithm."""
    return text_distance(ctx, first, second)


@_text("levenshteinSimilarity", "(text1 :: STRING, text2 :: STRING) :: FLOAT")
def text_levenshtein_similarity(ctx, first, second):
    """Returns the similarity (a value within 0 and 1) between the two given `STRING` values based on the
    Levenshtein distance algorithm."""
    if first is None or second is None:
        return None
    longer = max(len(first), len(second))
    if longer == 0:
        return 1.0
    return (longer - levenshtein(first, second)) / longer


@_text("hammingDistance", "(text1 :: STRING, text2 :: STRING) :: INTEGER")
def text_hamming_distance(ctx, first, second):
    """Compares the two given `STRING` values using the Hamming distance algorithm."""
    if first is None or second is None:
        return None
    if len(first) != len(second):
        raise function_failed("apoc.text.hammingDistance", "CharSequences must have the same length")
    return sum(1 for a, b in zip(first, second) if a != b)


def jaro_winkler_similarity(first: str, second: str) -> float:
    """Apache Commons Text's `JaroWinklerSimilarity` (APOC's distance is one minus this)."""
    if first == second:
        return 1.0
    longer, shorter = (first, second) if len(first) > len(second) else (second, first)
    reach = max(len(longer) // 2 - 1, 0)
    taken = [False] * len(longer)
    matched_short = []
    for i, char in enumerate(shorter):
        for j in range(max(i - reach, 0), min(i + reach + 1, len(longer))):
            if not taken[j] and char == longer[j]:
                taken[j] = True
                matched_short.append(char)
                break
    matches = len(matched_short)
    if matches == 0:
        return 0.0
    matched_long = [longer[j] for j in range(len(longer)) if taken[j]]
    half_transpositions = sum(1 for a, b in zip(matched_short, matched_long) if a != b)
    prefix = 0
    for a, b in zip(first[:4], second[:4]):
        if a != b:
            break
        prefix += 1
    jaro = (matches / len(first) + matches / len(second) + (matches - half_transpositions / 2) / matches) / 3
    return jaro if jaro < 0.7 else jaro + 0.1 * prefix * (1 - jaro)


@_text("jaroWinklerDistance", "(text1 :: STRING, text2 :: STRING) :: FLOAT")
def text_jaro_winkler_distance(ctx, first, second):
    """Compares the two given `STRING` values using the Jaro-Winkler distance algorithm."""
    if first is None or second is None:
        return None
    return 1.0 - jaro_winkler_similarity(first, second)


def _upper(text: str, language: str) -> str:
    """`String.toUpperCase(locale)`: Turkish and Azerbaijani keep the dot of a dotted i."""
    if language.lower().split("-")[0] in ("tr", "az"):
        text = text.replace("i", "İ")
    return text.upper()


def sorensen_dice(first: str, second: str, language: str) -> float:
    """APOC's `SorensenDiceCoefficient`: twice the shared character bigrams of the upper-cased words over all."""
    if first == second:
        return 1.0
    words = [_upper(text.strip(), language) for text in (first, second)]
    split = [regex.split(r"\s+", text) for text in words]
    if split[0] == split[1]:
        return 1.0
    bigrams = [sorted(word[i:i + 2] for word in parts for i in range(len(word) - 1)) for parts in split]
    shared, remaining = 0, list(bigrams[1])
    for bigram in bigrams[0]:
        if bigram in remaining:
            remaining.remove(bigram)
            shared += 1
    total = len(bigrams[0]) + len(bigrams[1])
    return 2.0 * shared / total if total else float("nan")


@_text("sorensenDiceSimilarity", "(text1 :: STRING, text2 :: STRING, languageTag = \"en\" :: STRING) :: FLOAT")
def text_sorensen_dice_similarity(ctx, first, second, language="en"):
    """Compares the two given `STRING` values using the Sørensen–Dice coefficient formula, with the provided IETF
    language tag."""
    if first is None or second is None or language is None:
        return None
    return sorensen_dice(first, second, language)


@_text("fuzzyMatch", "(text1 :: STRING, text2 :: STRING) :: BOOLEAN")
def text_fuzzy_match(ctx, first, second):
    """Performs a fuzzy match search of the two given `STRING` values."""
    if first is None or second is None:
        return None
    allowed = 0 if len(first) < 3 else 1 if len(first) < 5 else 2
    return levenshtein(first, second) <= allowed


# --- encoding -----------------------------------------------------------------------------------------------------

@_text("urlencode", "(text :: STRING) :: STRING")
def text_urlencode(ctx, text):
    """Encodes the given URL `STRING`."""
    _required("urlencode", text)
    return urllib.parse.quote_plus(text, safe="*")


@_text("urldecode", "(text :: STRING) :: STRING")
def text_urldecode(ctx, text):
    """Decodes the given URL encoded `STRING`."""
    _required("urldecode", text)
    return urllib.parse.unquote_plus(text)


def _charset(name: str, charset) -> str:
    try:
        return "utf-8" if charset is None else {"utf-16": "utf-16-be"}.get(charset.lower(), charset)
    except AttributeError:
        raise function_failed(f"apoc.text.{name}", str(charset), "java.io.UnsupportedEncodingException") from None


def _encode(name: str, text: str, charset) -> bytes:
    try:
        encoded = text.encode(_charset(name, charset))
    except LookupError:
        raise function_failed(f"apoc.text.{name}", str(charset), "java.io.UnsupportedEncodingException") from None
    return (b"\xfe\xff" + encoded) if (charset or "").lower() == "utf-16" else encoded


@_text("byteCount", "(text :: STRING, charset = \"UTF-8\" :: STRING) :: INTEGER")
def text_byte_count(ctx, text, charset="UTF-8"):
    """Returns the size of the given `STRING` in bytes."""
    _required("byteCount", text)
    return len(_encode("byteCount", text, charset))


@_text("bytes", "(text :: STRING, charset = \"UTF-8\" :: STRING) :: LIST<ANY>")
def text_bytes(ctx, text, charset="UTF-8"):
    """Returns the given `STRING` as bytes."""
    _required("bytes", text)
    return list(_encode("bytes", text, charset))


@_text("base64Encode", "(text :: STRING) :: STRING")
def text_base64_encode(ctx, text):
    """Encodes the given `STRING` with Base64."""
    _required("base64Encode", text)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _base64_decode(name: str, text, decode) -> str:
    _required(name, text)
    try:
        return decode(text.encode("utf-8")).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError) as error:
        raise function_failed(f"apoc.text.{name}", str(error)) from None


@_text("base64Decode", "(text :: STRING) :: STRING")
def text_base64_decode(ctx, text):
    """Decodes the given Base64 encoded `STRING`."""
    return _base64_decode("base64Decode", text, lambda data: base64.b64decode(data, validate=True))


@_text("base64UrlEncode", "(url :: STRING) :: STRING")
def text_base64_url_encode(ctx, url):
    """Encodes the given URL with Base64."""
    _required("base64UrlEncode", url)
    return base64.urlsafe_b64encode(url.encode("utf-8")).decode("ascii")


@_text("base64UrlDecode", "(url :: STRING) :: STRING")
def text_base64_url_decode(ctx, url):
    """Decodes the given Base64 encoded URL."""
    return _base64_decode("base64UrlDecode", url, lambda data: base64.urlsafe_b64decode(
        data + b"=" * (-len(data) % 4)))


@_text("charAt", "(text :: STRING, index :: INTEGER) :: INTEGER")
def text_char_at(ctx, text, index):
    """Returns the `INTEGER` value of the character at the given index."""
    if index is None or not text or index < 0 or index >= len(text):
        return None
    return ord(text[index])


@_text("code", "(codepoint :: INTEGER) :: STRING")
def text_code(ctx, codepoint):
    """Converts the `INTEGER` value into a `STRING`."""
    if codepoint is None or codepoint < 0 or codepoint > 0xFFFF:
        return None
    return chr(codepoint)


def hex_value(value: int) -> str:
    """APOC's `hexValue`: 4, 8 or 16 upper-case hex digits, as Java formats the value."""
    if value > 0xFFFFFFFF:
        return f"{value & 0xFFFFFFFFFFFFFFFF:016X}"
    if value > 0xFFFF:
        return f"{value & 0xFFFFFFFF:08X}"
    return f"{value & 0xFFFFFFFF:04X}" if value >= 0 else f"{value & 0xFFFFFFFF:08X}"


@_text("hexValue", "(value :: INTEGER) :: STRING")
def text_hex_value(ctx, value):
    """Returns the hexadecimal value of the given value."""
    return None if value is None else hex_value(value)


@_text("hexCharAt", "(text :: STRING, index :: INTEGER) :: STRING")
def text_hex_char_at(ctx, text, index):
    """Returns the hexadecimal value of the given `STRING` at the given index."""
    code = text_char_at(ctx, text, index)
    return None if code is None else hex_value(code)


# --- shaping ------------------------------------------------------------------------------------------------------

def _pad(name: str, text, count, delimiter, left: bool) -> str:
    _required(name, text, count, delimiter)
    if len(text) >= count:
        return text
    if not delimiter:
        raise function_failed(f"apoc.text.{name}", "Index 0 out of bounds for length 0",
                              "java.lang.StringIndexOutOfBoundsException")
    fill = delimiter[0] * (count - len(text))
    return fill + text if left else text + fill


@_text("lpad", "(text :: STRING, count :: INTEGER, delimiter = \" \" :: STRING) :: STRING")
def text_lpad(ctx, text, count, delimiter=" "):
    """Left pads the given `STRING` by the given width."""
    return _pad("lpad", text, count, delimiter, left=True)


@_text("rpad", "(text :: STRING, count :: INTEGER, delimiter = \" \" :: STRING) :: STRING")
def text_rpad(ctx, text, count, delimiter=" "):
    """Right pads the given `STRING` by the given width."""
    return _pad("rpad", text, count, delimiter, left=False)


@_text("format", "(text :: STRING, params :: LIST<ANY>, language = \"en\" :: STRING) :: STRING")
def text_format(ctx, text, params, language="en"):
    """Formats the given `STRING` with the given parameters."""
    if text is None:
        return None
    if params is None:
        return text
    try:
        return java_format(text, list(params))
    except JavaFormatError as error:
        raise function_failed("apoc.text.format", error.message, error.exception) from None


@_text("slug", "(text :: STRING, delimiter = \"-\" :: STRING) :: STRING")
def text_slug(ctx, text, delimiter="-"):
    """Replaces the whitespace in the given `STRING` with the given delimiter."""
    if text is None or delimiter is None:
        return None
    return regex.sub(r"[^\p{L}0-9_]+", delimiter.replace("\\", "\\\\"), text.strip())


@_text("random", "(length :: INTEGER, valid = \"A-Za-z0-9\" :: STRING) :: STRING",
       deterministic=False)
def text_random(ctx, length, valid="A-Za-z0-9"):
    """Generates a random `STRING` to the given length using a length parameter and an optional `STRING` of valid
    characters."""
    _required("random", length, valid)
    lower = "abcdefghijklmnopqrstuvwxyz"
    valid = valid.replace("A-Z", lower.upper()).replace("a-z", lower).replace("0-9", "0123456789")
    return "".join(random.choice(valid) for _ in range(length))


def _capitalize(word: str) -> str:
    return word[:1].upper() + word[1:]


def _uncapitalize(word: str) -> str:
    return word[:1].lower() + word[1:]


@_text("capitalize", "(text :: STRING) :: STRING")
def text_capitalize(ctx, text):
    """Capitalizes the first letter of the given `STRING`."""
    _required("capitalize", text)
    if not text:
        raise function_failed("apoc.text.capitalize", "begin 0, end 1, length 0",
                              "java.lang.StringIndexOutOfBoundsException")
    return _capitalize(text)


def _each_word(name: str, text, change) -> str:
    """`change` applied to every word, as APOC's capitalizeAll and decapitalizeAll split them: at single spaces."""
    _required(name, text)
    return " ".join(change(part) for part in java_split(name, text, " ", 0)).strip()


@_text("capitalizeAll", "(text :: STRING) :: STRING")
def text_capitalize_all(ctx, text):
    """Capitalizes the first letter of every word in the given `STRING`."""
    return _each_word("capitalizeAll", text, _capitalize)


@_text("decapitalize", "(text :: STRING) :: STRING")
def text_decapitalize(ctx, text):
    """Turns the first letter of the given `STRING` from upper case to lower case."""
    return None if text is None else _uncapitalize(text)


@_text("decapitalizeAll", "(text :: STRING) :: STRING")
def text_decapitalize_all(ctx, text):
    """Turns the first letter of every word in the given `STRING` to lower case."""
    return _each_word("decapitalizeAll", text, _uncapitalize)


@_text("swapCase", "(text :: STRING) :: STRING")
def text_swap_case(ctx, text):
    """Swaps the cases in the given `STRING`."""
    return None if text is None else text.swapcase()


@_text("camelCase", "(text :: STRING) :: STRING")
def text_camel_case(ctx, text):
    """Converts the given `STRING` to camel case."""
    _required("camelCase", text)
    spaced = regex.sub(r"[^\p{L}0-9]|_", " ", text)
    joined = "".join(_capitalize(part.lower()) for part in java_split("camelCase", spaced, r"(\s+)", 0))
    if not joined:
        raise function_failed("apoc.text.camelCase", "begin 0, end 1, length 0",
                              "java.lang.StringIndexOutOfBoundsException")
    return _uncapitalize(joined)


@_text("upperCamelCase", "(text :: STRING) :: STRING")
def text_upper_camel_case(ctx, text):
    """Converts the given `STRING` to upper camel case."""
    return _capitalize(text_camel_case(ctx, text))


@_text("snakeCase", "(text :: STRING) :: STRING")
def text_snake_case(ctx, text):
    """Converts the given `STRING` to snake case."""
    _required("snakeCase", text)
    if regex.fullmatch(r"[\p{Lu}0-9_]+", text):
        text = text.lower().replace("_", " ")
    parts = [part.strip() for part in java_split("snakeCase", text, r"(?=[^\p{Ll}0-9])", 0)]
    return "-".join(part.lower() for part in parts if part).lower().replace("--", "-")


@_text("toUpperCase", "(text :: STRING) :: STRING")
def text_to_upper_case(ctx, text):
    """Converts the given `STRING` to upper case."""
    _required("toUpperCase", text)
    parts = (regex.sub(r"[^A-Z0-9]+", "", part.strip().upper())
             for part in java_split("toUpperCase", text, r"(?=[^a-z0-9]+)", 0))
    return "_".join(part for part in parts if part)
