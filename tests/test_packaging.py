"""The build configuration installs exactly one import package, `graphplex`, with every module and data file."""
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What npm installs to build the web console (when it is built here): never shipped.
NODE_MODULES = ROOT / "dbms" / "http" / "console_src" / "node_modules"


def configuration() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def installed_name(folder: Path, package_dir: dict[str, str]) -> str:
    """The import name a repository folder installs as, through pyproject's package-dir mapping."""
    relative = folder.relative_to(ROOT)
    best = max((name for name, path in package_dir.items() if relative.parts[:len(Path(path).parts)] ==
                Path(path).parts), key=lambda name: len(Path(package_dir[name]).parts))
    rest = relative.parts[len(Path(package_dir[best]).parts):]
    return ".".join((best, *rest))


def test_every_package_folder_is_listed_for_installation():
    settings = configuration()
    package_dir = settings["package-dir"]
    folders = {init.parent for top in ("dbms", "databases", "system_db") for init in (ROOT / top).rglob("__init__.py")}
    expected = {installed_name(folder, package_dir) for folder in folders}
    assert expected == set(settings["packages"])
    assert {name.split(".")[0] for name in settings["packages"]} == {"graphplex"}


def test_every_data_file_is_shipped():
    """A data file (the grammar) ships when its package's package-data patterns match it."""
    settings = configuration()
    missing = []
    for path in (p for top in ("dbms", "databases", "system_db") for p in (ROOT / top).rglob("*")):
        if not path.is_file() or path.suffix in (".py", ".pyc") or NODE_MODULES in path.parents:
            continue
        package = next(folder for folder in path.parents if (folder / "__init__.py").exists())
        patterns = settings["package-data"].get(installed_name(package, settings["package-dir"]), [])
        if not any(path.relative_to(package).match(pattern) for pattern in patterns):
            missing.append(str(path.relative_to(ROOT)))
    assert not missing, missing
