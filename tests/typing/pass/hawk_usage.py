"""A consumer's Hawk code, as ``mypy --strict`` must accept it (never run by pytest)."""

from __future__ import annotations

import typing as t

from flask import Flask

from flask_api_utils.hawk import (
    ClientKey,
    Hawk,
    HawkAuth,
    HawkCredentials,
    MemoryNonceStore,
    current_hawk_auth,
    make_bewit_url,
)
from flask_api_utils.testing import HawkTestClient, hawk_authorization

app = Flask(__name__)
hawk = Hawk(app, nonce_store=MemoryNonceStore())


@hawk.client_key_loader
def load_key(client_id: str) -> str | None:
    return {"alice": "secret"}.get(client_id)


@hawk.client_key_loader
async def load_key_async(client_id: str) -> ClientKey:
    return ClientKey("secret", "sha1")


t.assert_type(load_key("alice"), str | None)


@app.get("/items/<int:item_id>")
@hawk.auth_required
def item(item_id: int) -> dict[str, int]:
    auth = current_hawk_auth()
    t.assert_type(auth, HawkAuth)
    t.assert_type(auth.via, t.Literal["header", "bewit", "session"])
    t.assert_type(auth.ext, str | None)
    return {"id": item_id}


@app.get("/async/<name>")
@hawk.auth_required(bewit=True)
async def async_item(name: str, *, verbose: bool = False) -> list[str]:
    return [name, current_hawk_auth().client_id]


t.assert_type(item(item_id=1), dict[str, int])


async def use_async_functions() -> None:
    t.assert_type(await load_key_async("alice"), ClientKey)
    t.assert_type(await async_item(name="x", verbose=True), list[str])


async def share(client_id: str) -> str:
    return await hawk.bewit_url_async("https://api.example.com/x", client_id, ttl=60)


url: str = make_bewit_url("https://api.example.com/x", HawkCredentials("a", "k"), ttl=30.5)
header: str = hawk_authorization(HawkCredentials("a", "k"), "GET", "https://api.example.com/x")
app.test_client_class = HawkTestClient
status: int = app.test_client().get("/items/1", hawk=HawkCredentials("a", "k")).status_code
