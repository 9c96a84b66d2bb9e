"""What Hawk knows of a request, and what it adds to the response.

The extension keeps one :class:`RequestState` on each request to a protected
view. The view reads who was authenticated through :func:`current_hawk_auth`;
the app-wide ``after_request`` hook, :func:`finish_response`, then exposes
Hawk's headers to CORS scripts and signs the response.
"""

from __future__ import annotations

import dataclasses
import typing as t

from flask import has_request_context, request
from werkzeug.http import parse_set_header

from . import _bewit, _protocol

if t.TYPE_CHECKING:
    from flask import Config
    from flask.wrappers import Request, Response
    from werkzeug.datastructures import Headers
    from werkzeug.local import LocalProxy

__all__ = ["HawkAuth", "current_hawk_auth"]

#: The attribute of the request that holds its state.
STATE = "_flask_api_utils_hawk"
_EXPOSED_HEADERS = "WWW-Authenticate, Server-Authorization"

# The request behind Flask's proxy, bound once: every access through the
# proxy resolves it again.
_current_request = t.cast("LocalProxy[Request]", request)._get_current_object


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class HawkAuth:
    """Who a request was authenticated as, and how; see :func:`current_hawk_auth`."""

    #: The Hawk ``id`` of the client, or the Flask-Login user id for a session.
    client_id: str
    #: The ``ext`` value the client signed, if any.
    ext: str | None = None
    #: The ``app`` value the client signed, if any.
    app: str | None = None
    #: The ``dlg`` value the client signed, if any.
    dlg: str | None = None
    #: What proved it: an Authorization ``header``, a ``bewit`` or a ``session``.
    via: t.Literal["header", "bewit", "session"]


@dataclasses.dataclass(slots=True)
class RequestState:
    """What the extension knows about the current request, kept on the request.

    One is made per request to a protected view, and carries the request
    through the flow: what it presents, then what it proved.

    Not on ``flask.g``: requests made inside one app context (a test client
    under ``app.app_context()``) share ``g``, and a later, unprotected request
    would find the earlier one's identity and sign its response with it.
    """

    request: Request
    config: Config
    #: Whether the request is a CORS request: it carries an ``Origin`` header.
    cross_origin: bool
    #: The Hawk ``id`` the request claims, once its credentials are parsed.
    client_id: str = ""
    #: The Authorization header's attributes, when it presents one.
    attributes: dict[str, str] | None = None
    #: The bewit, when it presents one.
    bewit: _bewit.BewitAttempt | None = None
    #: What of the request's URL the header's MAC covers.
    target: _protocol.Target | None = None
    #: The credentials the header verified with, to sign the response with.
    credentials: dict[str, str] | None = dataclasses.field(default=None, repr=False)
    #: Whether the request is authenticated (its nonce, too, was fresh).
    accepted: bool = False
    #: Who it is, built when a view first asks (or set by a session).
    auth: HawkAuth | None = None

    def hawk_auth(self) -> HawkAuth | None:
        """Return who the request was authenticated as, if anyone."""
        if self.auth is None and self.accepted:
            self.auth = self._build_auth()
        return self.auth

    def _build_auth(self) -> HawkAuth:
        if self.bewit is not None:
            return HawkAuth(client_id=self.client_id, ext=self.bewit.ext or None, via="bewit")
        attributes = self.attributes or {}
        return HawkAuth(
            client_id=self.client_id,
            ext=attributes.get("ext"),
            app=attributes.get("app"),
            dlg=attributes.get("dlg"),
            via="header",
        )

    def finish_response(self, response: Response) -> Response:
        """Expose Hawk's headers to scripts, and sign the response if configured."""
        if self.cross_origin:
            _expose_headers(response.headers)
        if self.accepted and self.credentials is not None and self.config["HAWK_SIGN_RESPONSE"]:
            self._sign(response)
        return response

    def _sign(self, response: Response) -> None:
        """Set ``Server-Authorization`` over the body the client will receive."""
        assert self.attributes is not None
        assert self.target is not None
        assert self.credentials is not None
        headers = response.headers
        # One pass finds the Content-Type and whether a Server-Authorization is
        # there to replace; Headers.get and Headers.set would each make their own.
        content_type = ""
        replace = False
        for name, value in headers:
            lowered = name.lower()
            if lowered == "content-type":
                content_type = value
            elif lowered == "server-authorization":
                replace = True
        signature = _protocol.sign_response(
            self.attributes,
            self.target,
            self.credentials,
            self.request.method,
            _sent_body(self.request, response),
            content_type,
        )
        if replace:
            headers.set("Server-Authorization", signature)
        else:
            headers.add("Server-Authorization", signature)


def _expose_headers(headers: Headers) -> None:
    """Add Hawk's headers to ``Access-Control-Expose-Headers``, keeping those listed."""
    # getlist: Headers.get raises and catches an exception for a missing name.
    exposed = headers.getlist("Access-Control-Expose-Headers")
    if not exposed:
        headers.add("Access-Control-Expose-Headers", _EXPOSED_HEADERS)
    else:
        merged = parse_set_header(", ".join(exposed))
        merged.update(("WWW-Authenticate", "Server-Authorization"))
        headers.set("Access-Control-Expose-Headers", merged.to_header())


def _request_state() -> RequestState | None:
    state: RequestState | None = getattr(_current_request(), STATE, None)
    return state


def current_hawk_auth() -> HawkAuth:
    """Return who the current request was authenticated as.

    Call it from a view decorated with :meth:`Hawk.auth_required` (or from
    code that view calls).

    :raises RuntimeError: Outside such a request, including when
        ``HAWK_ENABLED`` is false (nobody was authenticated).
    """
    state = _request_state() if has_request_context() else None
    auth = None if state is None else state.hawk_auth()
    if auth is None:
        msg = "current_hawk_auth() needs a request that @hawk.auth_required authenticated"
        raise RuntimeError(msg)
    return auth


def finish_response(response: Response) -> Response:
    """Finish the response of a request to a protected view (an ``after_request`` hook)."""
    # Every response of the app passes here: one attribute lookup for those
    # of unprotected views.
    state: RequestState | None = getattr(_current_request(), STATE, None)
    if state is None:
        return response
    return state.finish_response(response)


def _sent_body(current_request: Request, response: Response) -> bytes | None:
    """Return the body the client will receive, or ``None`` when it is streamed."""
    if response.is_streamed or response.direct_passthrough:
        return None
    if current_request.method == "HEAD":
        return b""
    body = response.response
    # A body set from a str or bytes is one bytes item: read it as it is.
    if type(body) is list and len(body) == 1 and type(body[0]) is bytes:
        return body[0]
    return response.get_data()
