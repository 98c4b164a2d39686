"""docs/extending.md cannot rot: its Python blocks run in order in one namespace, in a fresh folder (a block whose
first line is `# file: NAME` is written to NAME instead of run)."""
from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "extending.md"
FILE_MARK = "# file: "


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def test_every_python_block_of_extending_md_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks(DOC.read_text())
    assert len(blocks) >= 5
    namespace: dict = {"__name__": "extending_doc"}
    for number, block in enumerate(blocks, 1):
        first, _, rest = block.partition("\n")
        if first.startswith(FILE_MARK):
            target = tmp_path / first[len(FILE_MARK):].strip()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(rest)
        else:
            exec(compile(block, f"{DOC.name} block {number}", "exec", dont_inherit=True), namespace)
