"""The shape the code promises in docs/ARCHITECTURE.md: no import cycle in ``search``, and an
engine's library is loaded only when that engine is chosen."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def module_imports(package: str) -> dict[str, set[str]]:
    """Module → the modules of ``package`` it imports (at any depth of the file)."""
    graph = {}
    for path in (ROOT / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = name if path.name == "__init__.py" else name.rpartition(".")[0]
                for _ in range(max(0, node.level - 1)):
                    base = base.rpartition(".")[0]
                target = f"{base}.{node.module}" if node.level and node.module else (base if node.level else node.module)
                found |= {target} | {f"{target}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
        graph[name] = found
    return {name: {t for t in targets if t in graph and t != name} for name, targets in graph.items()}


def test_search_has_no_import_cycle():
    graph = module_imports("search")
    assert "search.indexing" in graph and graph["search.indexing"]  # the graph was read

    def reaches(start: str, goal: str, seen: set) -> bool:
        return any(step == goal or (step not in seen and not seen.add(step) and reaches(step, goal, seen))
                   for step in graph[start])

    cycles = [name for name in graph if reaches(name, name, set())]
    assert cycles == []


def test_the_queue_imports_the_contract_not_an_engine():
    graph = module_imports("search")
    engines = {"search.engines.whoosh", "search.engines.sqlite_fts", "search.engines.elasticsearch"}
    for name, targets in graph.items():
        if not name.startswith("search.engines"):
            assert not targets & engines, name


SEARCH_ONCE = """
import django, sys
django.setup()
from search.engines import Filters
from search.query import parse_query
from search.results import search
search(parse_query("招商"), Filters())
print(" ".join(sorted(m for m in ("whoosh", "elasticsearch") if m in sys.modules)))
"""


@pytest.mark.parametrize("name, loaded", [("sqlite", ""), ("whoosh", "whoosh")])
def test_an_engine_library_is_loaded_only_when_that_engine_is_chosen(tmp_path, name, loaded):
    env = os.environ | {"ARCHIVE_SEARCH_ENGINE": name, "ARCHIVE_DATA_DIR": str(tmp_path),
                        "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    done = subprocess.run([sys.executable, "-c", SEARCH_ONCE], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == loaded
