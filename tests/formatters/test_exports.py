"""The formatters package exports exactly the names ResponsiveFlask and users import."""

from __future__ import annotations

import flask_api_utils
import flask_api_utils.formatters as formatters


def test_formatters_package_exports_the_contracted_names() -> None:
    assert sorted(formatters.__all__) == [
        "BrowsableAPIFormatter",
        "CSVFormatter",
        "JSONFormatter",
        "OrjsonProvider",
        "XMLFormatter",
    ]
    for name in formatters.__all__:
        assert getattr(flask_api_utils, name) is getattr(formatters, name)
