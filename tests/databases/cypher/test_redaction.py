"""Passwords typed into statements never show: not in the redacted text, not in a syntax error's message."""
import pytest
from hypothesis import given, strategies as st

from graphplex import DBMS
from graphplex.databases.cypher import parser, redaction
from graphplex.errors import CypherSyntaxError

FORMS = [
    "CREATE USER alice SET PASSWORD {p}",
    "CREATE USER alice SET PLAINTEXT PASSWORD {p} CHANGE NOT REQUIRED",
    "ALTER USER alice SET ENCRYPTED PASSWORD {p}",
    "CREATE USER alice IF NOT EXISTS SET PASSWORD {p} SET STATUS SUSPENDED",
    "ALTER CURRENT USER SET PASSWORD FROM {p} TO {q}",
    "create user alice set password {p}",
]
# Words of the password that could also be elsewhere in the statement are not used.
SECRETS = st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF, blacklist_characters="'\\"),
                  min_size=4, max_size=20).map(lambda s: "Zq" + s)


def quoted(secret: str) -> str:
    return "'" + secret + "'"


def spans(text):
    return redaction.password_spans(text, parser._parser())


@given(form=st.sampled_from(FORMS), secret=SECRETS, other=SECRETS, garbage=st.sampled_from(["", " x", " )", " '"]))
def test_a_password_literal_is_masked_whether_or_not_the_statement_parses(form, secret, other, garbage):
    text = form.format(p=quoted(secret), q=quoted(other)) + garbage
    redacted = redaction.redact(text, spans(text))
    assert secret not in redacted and other not in redacted
    assert redaction.MASK in redacted


def test_only_passwords_are_masked():
    text = "CREATE USER alice SET PASSWORD 'secret' SET HOME DATABASE `movies`"
    assert redaction.redact(text, spans(text)) == "CREATE USER alice SET PASSWORD '******' SET HOME DATABASE `movies`"
    assert spans("MATCH (n {password: 'visible'}) RETURN n.password") == []
    assert spans("RETURN 'no password here'") == []


def test_offsets_move_with_the_mask():
    text = "ALTER CURRENT USER SET PASSWORD FROM 'a' TO 'longer one' oops"
    found = spans(text)
    redacted = redaction.redact(text, found)
    assert redacted[redaction.redacted_offset(text.index("oops"), found):].startswith("oops")
    assert redaction.redacted_offset(text.index("longer"), found) == redacted.index("'******' oops")


@pytest.mark.parametrize("statement, secret", [
    ("CREATE USER alice SET PASSWORD 'hunter2' 'again'", "hunter2"),
    ("CREATE USER alice SET PASSWORD 'hunter2' CHANGE NOT REQUIRD", "hunter2"),
    ("ALTER CURRENT USER SET PASSWORD FROM 'hunter1' TO 'hunter2' now", "hunter2"),
    ("CREATE USER alice SET PASSWORD 'hunter2", "hunter2"),
])
def test_syntax_errors_do_not_show_the_password(statement, secret):
    with DBMS.in_memory() as dbms, dbms.session(database="system") as session:
        with pytest.raises(CypherSyntaxError) as failure:
            session.run(statement).consume()
    assert secret not in failure.value.message and "******" in failure.value.message
    excerpt, caret = failure.value.message.splitlines()[-2:]
    assert caret.strip() == "^"


def test_a_text_of_megabytes_is_searched_in_one_pass():
    """SHOW TRANSACTIONS redacts every running query: a 3 MB text full of `password` keys took 10 s token by token."""
    import time

    text = "UNWIND [" + ",".join(f"{{password : 'x{i}', n: {i}}}" for i in range(100_000)) + "] AS m RETURN m"
    started = time.perf_counter()
    assert spans(text) == []
    assert time.perf_counter() - started < 5


def test_strings_comments_and_escaped_names_are_stepped_over_whole():
    text = "CREATE USER `password` SET PASSWORD /* 'not it' */ 'it' // 'nor this'\nCHANGE REQUIRED"
    assert redaction.redact(text, spans(text)) == (
        "CREATE USER `password` SET PASSWORD /* 'not it' */ '******' // 'nor this'\nCHANGE REQUIRED")
    assert spans("RETURN 'set password ' + 'abc', $password") == []
    assert redaction.redact_parameters("ALTER CURRENT USER SET PASSWORD FROM $`o``ld` TO $new", {
        "o`ld": "a", "new": "b", "other": "c"}, parser._parser()) == {"o`ld": "******", "new": "******", "other": "c"}
