"""Flask-Login sessions in place of Hawk (HAWK_ALLOW_COOKIE_AUTH)."""

from __future__ import annotations

import typing as t

import pytest
from flask import Flask
from flask_login import LoginManager, UserMixin, login_user

from tests.fixtures.hawk import ALICE, build_hawk_app, sign

VIEWS = [pytest.param("/sync", id="sync-view"), pytest.param("/async", id="async-view")]


class User(UserMixin):
    """A user of the browser session."""

    def __init__(self, user_id: str) -> None:
        self.id = user_id


@pytest.fixture
def login_app(loader_kind: t.Literal["sync", "async"]) -> Flask:
    """The Hawk test app with a LoginManager and a /login view that logs in 'carol'."""
    app, _ = build_hawk_app(loader_kind=loader_kind)
    app.secret_key = "test-secret"
    manager = LoginManager(app)
    manager.user_loader(User)

    @app.post("/login")
    def login() -> str:
        login_user(User("carol"))
        return "logged in"

    return app


@pytest.mark.parametrize("path", VIEWS)
def test_session_authenticates_when_cookie_auth_is_allowed(login_app: Flask, path: str) -> None:
    login_app.config["HAWK_ALLOW_COOKIE_AUTH"] = True
    client = login_app.test_client()
    client.post("/login")

    response = client.get(path)

    assert response.status_code == 200
    assert response.json is not None
    assert (response.json["client_id"], response.json["via"]) == ("carol", "session")


@pytest.mark.parametrize("path", VIEWS)
def test_session_never_authenticates_without_the_setting(login_app: Flask, path: str) -> None:
    client = login_app.test_client()
    client.post("/login")

    response = client.get(path)

    assert response.status_code == 401


def test_anonymous_request_is_challenged_with_cookie_auth_allowed(login_app: Flask) -> None:
    login_app.config["HAWK_ALLOW_COOKIE_AUTH"] = True

    response = login_app.test_client().get("/sync")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Hawk"


@pytest.mark.parametrize(
    ("header", "status", "via"),
    [
        pytest.param("valid", 200, "header", id="valid-hawk-wins"),
        pytest.param("wrong-key", 401, None, id="bad-hawk-is-refused"),
        pytest.param("Basic YWxpY2U6c2VjcmV0", 400, None, id="other-scheme-is-refused"),
    ],
)
def test_an_authorization_header_decides_even_with_a_session(
    login_app: Flask, header: str, status: int, via: str | None
) -> None:
    login_app.config["HAWK_ALLOW_COOKIE_AUTH"] = True
    client = login_app.test_client()
    client.post("/login")
    if header == "valid":
        header = sign(ALICE, "GET", "/sync").request_header
    elif header == "wrong-key":
        header = sign(
            type(ALICE)("alice", "not-alices-key-0000000000000"), "GET", "/sync"
        ).request_header

    response = client.get("/sync", headers={"Authorization": header})

    assert response.status_code == status
    if via is not None:
        assert response.json is not None
        assert response.json["via"] == via


def test_cookie_auth_without_a_login_manager_names_it() -> None:
    app, _ = build_hawk_app()
    app.testing = True
    app.config["HAWK_ALLOW_COOKIE_AUTH"] = True

    with pytest.raises(RuntimeError, match="LoginManager"):
        app.test_client().get("/sync")
