"""The public API is exactly what the README documents, and every name in it is documented."""

from __future__ import annotations

import inspect
import pathlib
import re

import pytest

import flask_api_utils
import flask_api_utils.testing
import flask_api_utils.typing

README = (pathlib.Path(__file__).parent.parent / "README.md").read_text()
MODULES = [flask_api_utils, flask_api_utils.typing, flask_api_utils.testing]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_all_is_sorted_and_importable(module: object) -> None:
    names = module.__all__  # type: ignore[attr-defined]
    assert names == sorted(names)
    for name in names:
        assert hasattr(module, name), name


PUBLIC = [(m.__name__, name) for m in MODULES for name in m.__all__]


@pytest.mark.parametrize(("module_name", "name"), PUBLIC, ids=[f"{m}.{n}" for m, n in PUBLIC])
def test_public_name_is_in_the_readme(module_name: str, name: str) -> None:
    assert re.search(rf"`[^`]*\b{re.escape(name)}\b[^`]*`", README), f"README never names {name}"


@pytest.mark.parametrize(("module_name", "name"), PUBLIC, ids=[f"{m}.{n}" for m, n in PUBLIC])
def test_public_name_has_a_docstring(module_name: str, name: str) -> None:
    obj = getattr(__import__(module_name, fromlist=[name]), name)
    if inspect.isclass(obj) or inspect.isfunction(obj):
        assert inspect.getdoc(obj), name


def test_top_level_names_come_from_their_modules() -> None:
    assert flask_api_utils.Hawk.__module__ == "flask_api_utils.hawk.extension"
    assert flask_api_utils.ResponsiveFlask.__module__ == "flask_api_utils.responsive"
    assert flask_api_utils.BrowsableAPIFormatter.__module__ == "flask_api_utils.formatters.html"
