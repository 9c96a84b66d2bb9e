"""What a Hawk client computes: a request's Authorization header and bewit URLs.

:mod:`flask_api_utils.testing` and :func:`~flask_api_utils.make_bewit_url`
sign with these, on the same MAC code the server verifies with.
"""

from __future__ import annotations

import base64
import secrets
import time
import urllib.parse

from ._bewit import bewit_mac, find_bewit
from ._protocol import Credentials, _mac, _payload_hash, _split_url, checked

__all__ = ["bewit_url", "request_header"]


def request_header(
    credentials: Credentials,
    method: str,
    url: str,
    *,
    content: bytes,
    content_type: str,
    ext: str | None = None,
    app: str | None = None,
    dlg: str | None = None,
    timestamp: int | None = None,
    nonce: str | None = None,
) -> str:
    """Return a Hawk ``Authorization`` value for a request, as a client signs it.

    :param credentials: The signing client's credentials.
    :param method: The request's method.
    :param url: The absolute URL, path and query exactly as they will be sent.
    :param content: The request body; hashed into the header.
    :param content_type: The request's Content-Type.
    :param ext: An ``ext`` value to sign into the header.
    :param app: An ``app`` value to sign into the header.
    :param dlg: A ``dlg`` value, signed only together with ``app``.
    :param timestamp: Seconds since the epoch; the current time by default.
    :param nonce: The nonce; a random one by default.
    :raises ValueError: If a value has a character Hawk does not allow, or the
        URL's port is not a port.
    """
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = secrets.token_urlsafe(6) if nonce is None else nonce
    payload_hash = _payload_hash(credentials["algorithm"], content_type, content).decode("ascii")
    fields = {"ts": ts, "nonce": nonce, "app": app or "", "dlg": dlg or ""}
    mac = _mac("header", credentials, _split_url(url), method.upper(), payload_hash, ext, fields)
    header = (
        f'Hawk mac="{mac.decode("ascii")}", hash="{payload_hash}",'
        f' id="{checked(credentials["id"], "id")}", ts="{ts}", nonce="{checked(nonce, "nonce")}"'
    )
    for name, value in (("ext", ext), ("app", app), ("dlg", dlg)):
        if value:
            header = f'{header}, {name}="{checked(value, name)}"'
    return header


def bewit_url(url: str, credentials: Credentials, *, expiry: int, ext: str | None) -> str:
    """Return ``url`` with a ``bewit`` parameter that authorises GET until ``expiry``.

    :param url: An absolute ``http`` or ``https`` URL without a bewit.
    :param credentials: The credentials of the client the bewit is for.
    :param expiry: When the bewit stops being valid, in seconds since the epoch.
    :param ext: An ``ext`` value to sign into the bewit.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        msg = f"bewit URL {url!r} is not an absolute http or https URL"
        raise ValueError(msg)
    signed = urllib.parse.urlunsplit(parts._replace(fragment=""))
    if find_bewit(parts.path + ("?" + parts.query if parts.query else "")) is not None:
        msg = f"bewit URL {url!r} already has a bewit parameter"
        raise ValueError(msg)
    ext = checked(ext or "", "ext")
    client_id = checked(credentials["id"], "id")
    mac = bewit_mac(_split_url(signed), credentials, expiry=expiry, ext=ext).decode("ascii")
    # Hawk's reference client leaves the padding out.
    bewit = base64.urlsafe_b64encode(f"{client_id}\\{expiry}\\{mac}\\{ext}".encode("ascii"))
    query = f"{parts.query}&bewit={bewit.decode('ascii').rstrip('=')}"
    if not parts.query:
        query = query[1:]
    return urllib.parse.urlunsplit(parts._replace(query=query))
