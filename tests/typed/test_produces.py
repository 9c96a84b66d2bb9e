"""Negotiation before the view runs, and per-view and per-blueprint formats."""

from __future__ import annotations

import dataclasses
import typing as t

import pytest
from flask import Response
from flask.testing import FlaskClient

from flask_api_utils import (
    ProblemDetails,
    ResponsiveBlueprint,
    ResponsiveFlask,
    XMLFormatter,
    produces,
)
from flask_api_utils.hawk import Hawk
from tests.fixtures.hawk import ALICE


@dataclasses.dataclass
class Note:
    title: str


def _csv(data: object) -> str:
    rows = t.cast(list[dict[str, str]], data)
    return "title\r\n" + "".join(f"{row['title']}\r\n" for row in rows)


@pytest.fixture
def app() -> ResponsiveFlask:
    app = ResponsiveFlask(__name__)
    app.response_formatters["application/xml"] = XMLFormatter()
    notes: list[Note] = []
    app.config["notes"] = notes

    @app.post("/notes")
    def create(note: Note) -> tuple[Note, int]:
        notes.append(note)
        return note, 201

    @app.post("/async-notes")
    async def create_async(note: Note) -> tuple[Note, int]:
        notes.append(note)
        return note, 201

    @app.post("/untyped")
    def untyped() -> dict[str, int]:
        notes.append(Note("untyped"))
        return {"count": len(notes)}

    @app.get("/text")
    def text() -> str:
        return "plain"

    @app.get("/response")
    def response() -> Response:
        return Response(b"raw", mimetype="application/octet-stream")

    @app.get("/xml-only")
    @produces("application/xml")
    def xml_only() -> dict[str, str]:
        return {"a": "b"}

    @app.get("/csv-too")
    @produces(formatters={"text/csv": _csv})
    def csv_too() -> list[dict[str, str]]:
        return [{"title": "a"}, {"title": "b"}]

    reports = ResponsiveBlueprint(
        "reports",
        __name__,
        url_prefix="/reports",
        produces=["text/csv"],
        formatters={"text/csv": _csv},
    )

    @reports.get("/notes")
    def report() -> list[dict[str, str]]:
        return [{"title": note.title} for note in notes]

    @reports.get("/json")
    @produces("application/json")
    def report_json() -> list[dict[str, str]]:
        return []

    app.register_blueprint(reports)
    return app


@pytest.fixture
def client(app: ResponsiveFlask) -> FlaskClient:
    return app.test_client()


@pytest.mark.parametrize("path", ["/notes", "/async-notes", "/untyped"])
def test_a_post_with_an_unacceptable_accept_changes_nothing(
    app: ResponsiveFlask, client: FlaskClient, path: str
) -> None:
    response = client.post(path, json={"title": "hi"}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.get_json() == {"mimetypes": ["application/json", "application/xml"]}
    assert response.headers["Vary"] == "Accept"
    assert app.config["notes"] == []


def test_an_acceptable_post_runs(app: ResponsiveFlask, client: FlaskClient) -> None:
    response = client.post("/notes", json={"title": "hi"}, headers={"Accept": "application/xml"})
    assert response.status_code == 201
    assert response.mimetype == "application/xml"
    assert app.config["notes"] == [Note("hi")]


@pytest.mark.parametrize(("path", "body"), [("/text", b"plain"), ("/response", b"raw")])
def test_views_returning_text_or_responses_are_not_negotiated(
    client: FlaskClient, path: str, body: bytes
) -> None:
    response = client.get(path, headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.data == body


def test_produces_narrows_the_views_formats(client: FlaskClient) -> None:
    response = client.get("/xml-only", headers={"Accept": "application/json"})
    assert response.status_code == 406
    assert response.get_json() == {"mimetypes": ["application/xml"]}
    response = client.get("/xml-only")
    assert response.mimetype == "application/xml"


def test_produces_extends_the_apps_formats(client: FlaskClient) -> None:
    response = client.get("/csv-too", headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.data == b"title\r\na\r\nb\r\n"
    assert response.headers["Vary"] == "Accept"
    assert client.get("/csv-too").mimetype == "application/json"


def test_a_blueprints_formats_apply_to_its_views(client: FlaskClient) -> None:
    client.post("/notes", json={"title": "x"})
    response = client.get("/reports/notes")
    assert response.mimetype == "text/csv"
    assert response.data == b"title\r\nx\r\n"
    refused = client.get("/reports/notes", headers={"Accept": "application/json"})
    assert refused.status_code == 406
    assert refused.get_json() == {"mimetypes": ["text/csv"]}


def test_a_views_produces_wins_over_its_blueprints(client: FlaskClient) -> None:
    assert client.get("/reports/json").mimetype == "application/json"


def test_produces_naming_a_type_without_formatter_is_a_server_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = ResponsiveFlask(__name__)

    @app.get("/x")
    @produces("text/csv")
    def x() -> dict[str, str]:
        return {}

    with caplog.at_level("ERROR"):
        response = app.test_client().get("/x")
    assert response.status_code == 500
    assert "'text/csv', which has no formatter" in caplog.text


def test_a_formatter_registered_after_the_first_request_serves_a_view_with_formats(
    app: ResponsiveFlask, client: FlaskClient
) -> None:
    headers = {"Accept": "application/yaml"}
    assert client.get("/csv-too", headers=headers).status_code == 406
    app.response_formatters["application/yaml"] = lambda data: b"- yaml\n"
    response = client.get("/csv-too", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/yaml"
    assert response.data == b"- yaml\n"
    refused = client.get("/csv-too", headers={"Accept": "image/png"})
    assert refused.get_json() == {
        "mimetypes": ["application/json", "application/xml", "application/yaml", "text/csv"]
    }


def test_a_formatter_replaced_after_the_first_request_serves_a_view_naming_it(
    app: ResponsiveFlask, client: FlaskClient
) -> None:
    assert client.get("/xml-only").data.startswith(b"<?xml")
    app.response_formatters["application/xml"] = lambda data: b"<replaced/>"
    assert client.get("/xml-only").data == b"<replaced/>"


def test_a_new_default_mimetype_is_a_views_default_too(
    app: ResponsiveFlask, client: FlaskClient
) -> None:
    assert client.get("/csv-too").mimetype == "application/json"
    app.default_mimetype = "application/xml"
    assert client.get("/csv-too").mimetype == "application/xml"


def test_a_formatter_a_view_names_removed_after_the_first_request_is_a_server_error(
    app: ResponsiveFlask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    assert client.get("/xml-only").status_code == 200
    del app.response_formatters["application/xml"]
    with caplog.at_level("ERROR"):
        response = client.get("/xml-only")
    assert response.status_code == 500
    assert "'application/xml', which has no formatter" in caplog.text


def test_produces_returns_the_view_unchanged() -> None:
    def view() -> dict[str, str]:
        return {}

    assert produces("application/json")(view) is view


def test_406_is_a_problem_with_problem_details(app: ResponsiveFlask, client: FlaskClient) -> None:
    ProblemDetails(app)
    response = client.post("/notes", json={"title": "hi"}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.mimetype == "application/problem+json"
    assert response.get_json(force=True)["mimetypes"] == ["application/json", "application/xml"]
    assert app.config["notes"] == []


def test_negotiation_comes_before_hawk() -> None:
    app = ResponsiveFlask(__name__)
    hawk = Hawk(app)

    @hawk.client_key_loader
    def load_key(client_id: str) -> str | None:
        return ALICE.key if client_id == ALICE.id else None

    @app.post("/notes")
    @hawk.auth_required
    def create(note: Note) -> Note:
        return note

    response = app.test_client().post("/notes", json={}, headers={"Accept": "image/png"})
    assert response.status_code == 406
