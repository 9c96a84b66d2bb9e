"""The example's OpenAPI document: valid, and true of what the running API answers.

Each request goes to the notes API on gunicorn, signed by the example's own
client where Hawk wants it; each answer is checked against the document the
same server serves, with an independent JSON Schema validator.
"""

from __future__ import annotations

import typing as t

import pytest
import requests
from openapi_spec_validator import validate

from notes.client import send
from tests.openapi.conformance import assert_conforms

if t.TYPE_CHECKING:
    from tests.example.notes_server import NotesDemo


@pytest.fixture(scope="module")
def document(notes_demo: NotesDemo) -> dict[str, t.Any]:
    response = requests.get(f"{notes_demo.url}/openapi.json", timeout=10)
    assert response.status_code == 200
    return t.cast(dict[str, t.Any], response.json())


def test_example_document_is_valid_openapi(document: dict[str, t.Any]) -> None:
    validate(document)
    assert document["info"]["title"] == "Notes API"
    assert set(document["paths"]) == {"/api/", "/api/me", "/api/notes", "/api/notes/{note_id}"}
    note = document["components"]["schemas"]["NoteIn"]["properties"]["title"]
    assert (note["minLength"], note["maxLength"]) == (1, 100)


def test_example_documents_every_format_it_offers(document: dict[str, t.Any]) -> None:
    content = document["paths"]["/api/notes/{note_id}"]["get"]["responses"]["200"]["content"]
    assert list(content) == [
        "application/json",
        "application/xml",
        "application/vnd.company+xml",
        "text/html",
    ]
    assert content["application/vnd.company+xml"]["schema"]["xml"] == {"name": "company"}
    assert content["text/html"]["schema"] == {"type": "string"}


def test_example_responses_match_its_document(
    notes_demo: NotesDemo, document: dict[str, t.Any]
) -> None:
    credentials = notes_demo.credentials

    def check(path: str, method: str, response: requests.Response, status: int) -> None:
        assert response.status_code == status, response.text
        assert_conforms(document, path, method, response, response.content)

    check("/api/", "GET", requests.get(f"{notes_demo.url}/api/", timeout=10), 200)
    check("/api/me", "GET", send(credentials, "GET", "/api/me"), 200)
    check("/api/notes", "GET", send(credentials, "GET", "/api/notes"), 200)
    check("/api/notes", "GET", requests.get(f"{notes_demo.url}/api/notes", timeout=10), 401)
    created = send(credentials, "POST", "/api/notes", json_body={"title": "Described"})
    check("/api/notes", "POST", created, 201)
    note_path = f"/api/notes/{created.json()['id']}"
    check("/api/notes/{note_id}", "GET", send(credentials, "GET", note_path), 200)
    update = {"title": "Described again", "version": 1}
    check("/api/notes/{note_id}", "PUT", send(credentials, "PUT", note_path, json_body=update), 200)
    stale = send(credentials, "PUT", note_path, json_body=update)
    check("/api/notes/{note_id}", "PUT", stale, 409)
    invalid = send(credentials, "POST", "/api/notes", json_body={"title": 5})
    check("/api/notes", "POST", invalid, 422)
    text = send(credentials, "POST", "/api/notes", data=b"hi", content_type="text/plain")
    check("/api/notes", "POST", text, 415)
    refused = send(credentials, "GET", "/api/notes", accept="image/png")
    check("/api/notes", "GET", refused, 406)
    check("/api/notes/{note_id}", "DELETE", send(credentials, "DELETE", note_path), 204)
    check("/api/notes/{note_id}", "GET", send(credentials, "GET", note_path), 404)
