"""Hawk credentials: what a key loader returns, and what a client signs with."""

from __future__ import annotations

import dataclasses

__all__ = ["ClientKey", "HawkCredentials"]


@dataclasses.dataclass(frozen=True, slots=True)
class ClientKey:
    """A client's shared Hawk key, with the MAC algorithm that client uses.

    Return one from a key loader when clients differ in algorithm; return the
    key as a plain ``str`` when the app's ``HAWK_ALGORITHM`` suits every client.
    """

    #: The secret shared with the client. Never logged or sent.
    key: str = dataclasses.field(repr=False)
    #: A :mod:`hashlib` name that Hawk allows: ``"sha256"`` or ``"sha1"``.
    algorithm: str = "sha256"


@dataclasses.dataclass(frozen=True, slots=True)
class HawkCredentials:
    """What a Hawk client signs with: its id, its key and its algorithm.

    Give one to :func:`~flask_api_utils.hawk.make_bewit_url` or to the test
    client of :mod:`flask_api_utils.testing`.
    """

    #: The client's Hawk ``id``.
    id: str
    #: The secret shared with the server. Never logged or sent.
    key: str = dataclasses.field(repr=False)
    #: A :mod:`hashlib` name that Hawk allows: ``"sha256"`` or ``"sha1"``.
    algorithm: str = "sha256"
