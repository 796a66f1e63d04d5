"""Every floor declares in its profile whether and how it pushes (issue 19); none of ours pushes yet."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.partner.contract_doc import render_contract
from adapters.partner.profile import load_profile
from tests.support.partner import FLOORS, floor_profile

VOSO_PROFILE = Path("adapters/voso/profile.toml")


@pytest.mark.parametrize("name", FLOORS)
def test_each_floor_declares_that_it_does_not_push(name: str):
    assert floor_profile(name).push.mode == "none"


def test_a_profile_without_the_push_declaration_is_refused_naming_the_field(tmp_path: Path):
    text = VOSO_PROFILE.read_text(encoding="utf-8")
    path = tmp_path / "profile.toml"
    path.write_text(text.split("[push]")[0], encoding="utf-8")

    with pytest.raises(ValueError, match=r"(?s)profile\.toml.*push.*Field required"):
        load_profile(path)


def test_a_profile_claiming_a_push_mode_we_do_not_know_is_refused(tmp_path: Path):
    text = VOSO_PROFILE.read_text(encoding="utf-8")
    path = tmp_path / "profile.toml"
    path.write_text(text.split("[push]")[0] + '[push]\nmode = "webhook"\n', encoding="utf-8")

    with pytest.raises(ValueError, match=r"(?s)profile\.toml.*push\.mode"):
        load_profile(path)


def test_the_contract_tells_the_floor_its_orders_are_pulled_on_every_pass():
    text = render_contract(floor_profile("postmart"))

    assert "### Push" in text
    assert "does not notify us of orders" in text and "every scheduled pass" in text
