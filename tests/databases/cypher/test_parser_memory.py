"""Parsing costs memory in proportion to the statement, a few times its size: a string literal, a quoted name or
a comment of megabytes must not cost hundreds of bytes per character (a regular expression that records a
group per repetition did: 200 KB of literal took a process from 78 MB to 1.2 GB)."""
import json
import subprocess
import sys

import pytest

MEGABYTES = 10

MEASURE = """
import json, resource, sys
from graphplex.databases.cypher import parser
parser.parse("RETURN 1")
text = sys.stdin.read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
statement = parser.parse(text)
print(json.dumps({"grown_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before}))
"""


def peak_growth_mb(text: str) -> float:
    """How far parsing `text` raises a fresh process's peak memory, in MB (the text itself is read before)."""
    done = subprocess.run([sys.executable, "-c", MEASURE], input=text, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)["grown_kb"] / 1024


@pytest.mark.parametrize("template", [
    "RETURN '{}' AS s",
    "RETURN 'escaped \\' quote {} and \\n' AS s",
    'RETURN "{}" AS s',
    "RETURN 1 AS `{}`",
    "RETURN 1 /* {} */ AS s",
    "RETURN $`{}` AS s",
])
def test_a_literal_of_megabytes_costs_a_few_times_its_size(template):
    text = template.format("x" * (MEGABYTES * 1024 * 1024))
    assert peak_growth_mb(text) < 4 * MEGABYTES
