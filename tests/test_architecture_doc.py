"""docs/ARCHITECTURE.md stays true to the code: every path and name it cites exists, its state diagram has
every listing state and no other, and it names every layer, built-in marketplace and setting."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from adapters import registry
from catalog.models import ListingState
from catalog.settings import ENV_NAMES

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "ARCHITECTURE.md"
LAYERS = ("catalog", "adapters", "syndicator", "ui", "tests", "bench")
# `syndicator/engine.py`, `adapters/partner/`, or `syndicator/engine.py:run_sync` (a name defined there)
CITATION = re.compile(rf"`((?:{'|'.join(LAYERS)}|docs)/[\w./-]*)(?::(\w+))?`")
PLANNED_HEADING = "## Named in the design, not built yet"  # paths cited below it must not exist yet
SETTING = re.compile(r"\bSYNDICATOR_[A-Z][A-Z_]*")
MERMAID = re.compile(r"```mermaid\n(.*?)```", re.DOTALL)
TRANSITION = re.compile(r"^\s*(\S+)\s*-->\s*([^\s:]+)", re.MULTILINE)


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def citations(text: str) -> Iterator[tuple[int, str, str | None, bool]]:
    """(line number, path, name or None, whether it is cited as planned) for each citation."""
    planned = False
    for number, line in enumerate(text.splitlines(), start=1):
        planned = planned or line.startswith(PLANNED_HEADING)
        for match in CITATION.finditer(line):
            yield number, match[1], match[2], planned


def missing_paths(text: str) -> list[str]:
    """Paths cited as built that do not exist."""
    return [f"line {number}: {path}" for number, path, _, planned in citations(text)
            if not planned and not (ROOT / path).exists()]


def landed_paths(text: str) -> list[str]:
    """Paths cited as planned that exist: the doc should now describe them as built."""
    return [f"line {number}: {path}" for number, path, _, planned in citations(text)
            if planned and (ROOT / path).exists()]


def top_level_names(module: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def undefined_names(text: str) -> list[str]:
    """``path.py:name`` citations whose module exists but does not define ``name`` at its top level."""
    return [f"line {number}: {path}:{name}" for number, path, name, _ in citations(text)
            if name and (ROOT / path).is_file() and name not in top_level_names(ROOT / path)]


def diagram_states(text: str) -> set[str]:
    diagram = next(block for block in MERMAID.findall(text) if block.startswith("stateDiagram-v2"))
    return {state for pair in TRANSITION.findall(diagram) for state in pair} - {"[*]"}


def test_every_path_the_doc_cites_exists():
    assert missing_paths(doc_text()) == []


def test_a_cited_path_that_does_not_exist_is_caught():
    text = "Đồng bộ: `syndicator/dong_bo.py` then `syndicator/engine.py`.\n"

    assert missing_paths(text) == ["line 1: syndicator/dong_bo.py"]


def test_nothing_the_doc_calls_planned_has_landed():
    assert landed_paths(doc_text()) == []


def test_a_planned_path_that_has_landed_is_caught():
    text = f"{PLANNED_HEADING}\n\n- Federation of provinces `syndicator/federation.py`; runs `syndicator/engine.py`.\n"

    assert (missing_paths(text), landed_paths(text)) == ([], ["line 3: syndicator/engine.py"])


def test_every_name_the_doc_cites_is_defined_in_its_module():
    assert undefined_names(doc_text()) == []


def test_a_cited_name_its_module_does_not_define_is_caught():
    text = "`syndicator/engine.py:run_sync` calls `syndicator/engine.py:dong_bo_ngay`.\n"

    assert undefined_names(text) == ["line 1: syndicator/engine.py:dong_bo_ngay"]


def test_the_state_diagram_has_every_listing_state_and_no_other():
    assert diagram_states(doc_text()) == {state.value for state in ListingState}


def test_every_layer_is_named():
    text = doc_text()

    assert [layer for layer in LAYERS if f"`{layer}/`" not in text] == []


def test_every_built_in_marketplace_is_named():
    text = doc_text()

    assert [name for name in registry.MARKETPLACES if f"`{name}`" not in text] == []


def test_the_doc_names_exactly_the_settings_the_code_reads():
    assert set(SETTING.findall(doc_text())) == set(ENV_NAMES)


def test_the_readme_links_to_the_doc():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    assert "(docs/ARCHITECTURE.md)" in readme
