"""Each floor's README states the contract its profile holds, so the two cannot drift apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.partner.contract_doc import MARKER, readme_with_contract, render_contract
from tests.support.partner import FLOORS, floor_profile


@pytest.mark.parametrize("name", FLOORS)
def test_the_readme_states_the_profiles_contract(name: str):
    readme = (Path("adapters") / name / "README.md").read_text(encoding="utf-8")

    assert readme == readme_with_contract(readme, floor_profile(name)), (
        f"run: python -m adapters.partner.contract_doc {name}"
    )


def test_the_contract_names_the_floors_headers_paths_and_codes():
    text = render_contract(floor_profile("voso"))

    for expected in ("X-Voso-Signature", "`POST /merchant-api/v1/products/prices`", "`merchantProductId`",
                     "`realWeight`", "`isOCOP`", "`ratingOCOP`", "`BATCH_SIZE_EXCEEDED`", "at most 50 prices",
                     "var product = {...};", "Mã SKU (`sku`)"):
        assert expected in text


def test_rewriting_keeps_the_hand_written_introduction():
    profile = floor_profile("postmart")

    rewritten = readme_with_contract(f"# Postmart\n\nLời giới thiệu.\n\n{MARKER}\n\ncũ\n", profile)

    assert rewritten.startswith("# Postmart\n\nLời giới thiệu.\n\n" + MARKER)
    assert "cũ" not in rewritten and rewritten.endswith(render_contract(profile))
