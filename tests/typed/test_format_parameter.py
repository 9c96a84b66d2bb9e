"""The opt-in ?format= override for clients that cannot set Accept."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from flask_api_utils import ProblemDetails, ResponsiveFlask, XMLFormatter


@pytest.fixture
def app() -> ResponsiveFlask:
    app = ResponsiveFlask(__name__)
    app.response_formatters["application/xml"] = XMLFormatter()
    app.format_parameter = "format"
    calls: list[str] = []
    app.config["calls"] = calls

    @app.post("/things")
    def create() -> dict[str, str]:
        calls.append("create")
        return {"a": "b"}

    @app.get("/text")
    def text() -> str:
        return "plain"

    return app


@pytest.fixture
def client(app: ResponsiveFlask) -> FlaskClient:
    return app.test_client()


@pytest.mark.parametrize(
    ("query", "mimetype"),
    [
        ("format=xml", "application/xml"),
        ("format=JSON", "application/json"),
        ("", "application/xml"),
    ],
)
def test_the_format_parameter_replaces_accept(
    client: FlaskClient, query: str, mimetype: str
) -> None:
    response = client.post(f"/things?{query}", headers={"Accept": "application/xml"})
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Vary"] == "Accept"


def test_an_unknown_format_is_406_listing_the_names(
    app: ResponsiveFlask, client: FlaskClient
) -> None:
    response = client.post("/things?format=yaml")
    assert response.status_code == 406
    assert response.get_json()["formats"] == ["csv", "json", "xml"]
    assert "'yaml'" in response.get_json()["description"]
    assert app.config["calls"] == []


def test_a_known_format_the_view_does_not_offer_is_406(
    app: ResponsiveFlask, client: FlaskClient
) -> None:
    response = client.post("/things?format=csv")
    assert response.status_code == 406
    assert response.get_json() == {"mimetypes": ["application/json", "application/xml"]}
    assert app.config["calls"] == []


def test_unknown_format_is_a_problem_with_problem_details(app: ResponsiveFlask) -> None:
    ProblemDetails(app)
    response = app.test_client().get("/text?format=yaml")
    assert response.status_code == 406
    assert response.mimetype == "application/problem+json"
    assert response.get_json(force=True)["formats"] == ["csv", "json", "xml"]


def test_the_override_is_off_unless_turned_on() -> None:
    app = ResponsiveFlask(__name__)

    @app.get("/things")
    def things() -> dict[str, str]:
        return {}

    assert app.test_client().get("/things?format=yaml").status_code == 200


def test_new_short_names_can_be_registered(app: ResponsiveFlask, client: FlaskClient) -> None:
    app.format_names["vnd"] = "application/vnd.company+json"
    app.response_formatters["application/vnd.company+json"] = app.json.dumps_bytes
    response = client.post("/things?format=vnd")
    assert response.mimetype == "application/vnd.company+json"
