"""The shape the code promises in docs/ARCHITECTURE.md: no import cycle in ``search``, and no
module outside ``search/engines`` imports an engine's module."""

import ast
from pathlib import Path

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
    engines = {"search.engines.whoosh", "search.engines.sqlite_fts", "search.engines.sqlite_query",
               "search.engines.sqlite_large", "search.engines.elasticsearch"}
    for name, targets in graph.items():
        if not name.startswith("search.engines"):
            assert not targets & engines, name


def test_archive_never_imports_search():
    """docs/ARCHITECTURE.md: search builds on archive, never the other way round."""
    offending = []
    for path in (ROOT / "archive").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                     else [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            offending += [f"{path.relative_to(ROOT)}: {name}" for name in names if name.split(".")[0] == "search"]
    assert offending == []
