"""The console's committed bundle (dbms/http/console/) was built from the committed sources
(dbms/http/console_src/), carries every bundled package's licence, and needs nothing the server's
Content-Security-Policy refuses. No npm needed: build.mjs wrote the hashes this test recomputes."""
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ROOT / "dbms" / "http" / "console_src"
BUNDLE = ROOT / "dbms" / "http" / "console"
SHIPPED = {"index.html", "console.js", "console.css", "LICENSES.txt", "BUILD.json"}


def stamp() -> dict:
    return json.loads((BUNDLE / "BUILD.json").read_text(encoding="utf-8"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sources_hash() -> str:
    """As build.mjs computes it: each source's path and content hash, in sorted path order."""
    paths = ["build.mjs", "package.json", "package-lock.json"] + [
        f"src/{path.name}" for path in (SOURCES / "src").iterdir() if path.is_file()]
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(f"{path}\n{sha256((SOURCES / path).read_bytes())}\n".encode())
    return digest.hexdigest()


def test_the_bundle_was_built_from_the_committed_sources():
    assert stamp()["sources"] == sources_hash(), (
        "dbms/http/console/ is stale: run `npm ci && npm run build` in dbms/http/console_src and commit the output")


def test_the_bundle_is_the_one_the_build_wrote():
    outputs = stamp()["outputs"]
    assert set(outputs) == SHIPPED - {"BUILD.json"}
    for name, digest in outputs.items():
        assert sha256((BUNDLE / name).read_bytes()) == digest, f"{name} was changed after the build"


def test_the_console_folder_holds_only_the_bundle():
    assert {path.name for path in BUNDLE.iterdir()} == SHIPPED
    assert b"sourceMappingURL" not in (BUNDLE / "console.js").read_bytes()


def test_every_bundled_package_is_locked_and_its_licence_shipped():
    lock = json.loads((SOURCES / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    licences = (BUNDLE / "LICENSES.txt").read_text(encoding="utf-8")
    packages = stamp()["packages"]
    assert {"cytoscape", "@codemirror/view", "@codemirror/state"} <= set(packages)
    for package in packages:
        entry = lock[f"node_modules/{package}"]
        assert re.search(rf"^{re.escape(package)} {re.escape(entry['version'])} \(", licences, re.M), package
        assert not entry.get("dev"), f"{package} is a development dependency but was bundled"


class _InlineCode(HTMLParser):
    """Collects what a `script-src 'self'; style-src 'self'` policy would refuse in a page."""

    def __init__(self):
        super().__init__()
        self.refused: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "style":
            self.refused.append("<style>")
        if tag == "script" and not names.get("src"):
            self._in_script = True
            self.refused.append("inline <script>")
        self.refused += [f"{tag} {name}=" for name in names if name == "style" or name.startswith("on")]

    def handle_endtag(self, tag):
        self._in_script = self._in_script and tag != "script"


def test_the_page_has_no_inline_script_or_style():
    parser = _InlineCode()
    parser.feed((BUNDLE / "index.html").read_text(encoding="utf-8"))
    assert parser.refused == []
