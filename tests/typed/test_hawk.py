"""Typed bodies under @hawk.auth_required: authenticated first, then the body the MAC covered."""

from __future__ import annotations

import dataclasses

import pytest
from flask.testing import FlaskClient

from flask_api_utils import ResponsiveFlask
from flask_api_utils.hawk import Hawk
from flask_api_utils.testing import HawkTestClient, hawk_authorization
from tests.fixtures.hawk import ALICE, BASE_URL


@dataclasses.dataclass
class Note:
    title: str


@pytest.fixture(params=["sync", "async"])
def app(request: pytest.FixtureRequest) -> ResponsiveFlask:
    app = ResponsiveFlask(__name__)
    app.test_client_class = HawkTestClient
    hawk = Hawk(app)
    received: list[Note] = []
    app.config["received"] = received

    @hawk.client_key_loader
    def load_key(client_id: str) -> str | None:
        return ALICE.key if client_id == ALICE.id else None

    if request.param == "sync":

        @app.post("/notes")
        @hawk.auth_required
        def create(note: Note) -> tuple[Note, int]:
            received.append(note)
            return note, 201

    else:

        @app.post("/notes")
        @hawk.auth_required
        async def create_async(note: Note) -> tuple[Note, int]:
            received.append(note)
            return note, 201

    return app


@pytest.fixture
def client(app: ResponsiveFlask) -> HawkTestClient:
    return t_cast(app.test_client())


def t_cast(client: FlaskClient) -> HawkTestClient:
    assert isinstance(client, HawkTestClient)
    return client


def test_signed_typed_body_reaches_the_view(app: ResponsiveFlask, client: HawkTestClient) -> None:
    response = client.post("/notes", json={"title": "hi"}, hawk=ALICE)
    assert response.status_code == 201
    assert app.config["received"] == [Note("hi")]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(b'{"title": 5}', "application/json"), (b"x", "text/plain"), (b"{", "application/json")],
)
def test_unauthenticated_request_is_401_before_the_body_is_read(
    app: ResponsiveFlask, client: HawkTestClient, data: bytes, content_type: str
) -> None:
    response = client.post("/notes", data=data, content_type=content_type)
    assert response.status_code == 401
    assert app.config["received"] == []


def test_signed_body_that_does_not_fit_is_422(client: HawkTestClient) -> None:
    response = client.post("/notes", json={"title": 5}, hawk=ALICE)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["location"] == "title"


def test_signed_body_of_an_unsupported_type_is_415(client: HawkTestClient) -> None:
    response = client.post("/notes", data=b"hi", content_type="text/plain", hawk=ALICE)
    assert response.status_code == 415


def test_a_body_other_than_the_signed_one_is_refused(
    app: ResponsiveFlask, client: HawkTestClient
) -> None:
    header = hawk_authorization(
        ALICE,
        "POST",
        f"{BASE_URL}/notes",
        content=b'{"title": "signed"}',
        content_type="application/json",
    )
    response = client.post(
        "/notes",
        data=b'{"title": "swapped"}',
        content_type="application/json",
        headers={"Authorization": header},
    )
    assert response.status_code == 401
    assert app.config["received"] == []


def test_a_signed_body_nested_too_deep_is_400_naming_the_limit(
    app: ResponsiveFlask, client: HawkTestClient
) -> None:
    data = b'{"title": ' + b"[" * 80 + b"]" * 80 + b"}"
    response = client.post("/notes", data=data, content_type="application/json", hawk=ALICE)
    assert response.status_code == 400
    assert "JSON nested deeper than 64 levels" in response.get_json()["description"]
    assert app.config["received"] == []
