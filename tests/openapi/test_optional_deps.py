"""The ``openapi`` extra: without it the package imports, and OpenAPI says what to install.

Each case runs in a fresh interpreter where a module is blocked
(``sys.modules[name] = None``), as if it were not installed.
"""

from __future__ import annotations

import pytest

from tests.fixtures.blocked_imports import run_without


@pytest.mark.parametrize("blocked", ["pydantic", "flask_swagger_ui"])
def test_openapi_without_the_extra_names_it(blocked: str) -> None:
    result = run_without(
        blocked,
        """
        from flask_api_utils import OpenAPI, ResponsiveFlask

        try:
            OpenAPI(ResponsiveFlask(__name__))
        except ImportError as e:
            print(e)
        """,
    )

    assert result.returncode == 0, result.stderr
    assert "install the 'openapi' extra" in result.stdout
    assert "flask-api-utils[openapi]" in result.stdout


def test_the_document_alone_needs_no_swagger_ui() -> None:
    result = run_without(
        "flask_swagger_ui",
        """
        from flask_api_utils import OpenAPI, ResponsiveFlask

        app = ResponsiveFlask(__name__)
        app.config["OPENAPI_DOCS_PATH"] = None
        OpenAPI(app)

        @app.get("/hello")
        def hello() -> dict[str, str]:
            return {"hello": "world"}

        client = app.test_client()
        document = client.get("/openapi.json").get_json()
        print(list(document["paths"]), client.get("/docs").status_code)
        """,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['/hello'] 404"
