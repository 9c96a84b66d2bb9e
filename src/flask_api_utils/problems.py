"""RFC 9457 problem details: :class:`Problem` errors and the :class:`ProblemDetails` extension.

``ProblemDetails(app)`` renders every HTTP error, including unhandled
exceptions as ``500``, as a problem: ``application/problem+json`` or, for a
client that prefers XML, ``application/problem+xml`` (RFC 9457, appendix B),
and ``application/problem+json`` when the client accepts neither. An app
that offers ``text/html`` (:class:`~flask_api_utils.BrowsableAPIFormatter`)
shows a client that prefers it the problem as that page. A view
raises :class:`Problem` (or a subclass naming its own problem type) for an
error with members of its own; :class:`ValidationFailed` is the ``422`` that
typed bodies and queries raise, with an ``errors`` member.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from flask import Flask, current_app, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import parse_accept_header

from .formatters import JSONFormatter, XMLFormatter
from .formatters.html import RESPONSE_STATUS
from .negotiation import choose_mimetype

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment
    from flask.wrappers import Response

    from .negotiation import FormatterRegistry

__all__ = ["FieldError", "Problem", "ProblemDetails", "ValidationFailed"]


class Problem(HTTPException):
    """An HTTP error that carries RFC 9457 problem members.

    Raise it from a view, or subclass it to name a problem type of your own::

        class OutOfCredit(Problem):
            type = "https://example.com/probs/out-of-credit"
            title = "You do not have enough credit."
            code = 403

        raise OutOfCredit("Your balance is 30, but that costs 50.", balance=30)

    :param detail: the human-readable explanation of this occurrence.
    :param status: the HTTP status code, when not the class's ``code``.
    :param type: the problem type URI, when not the class's ``type``.
    :param title: the short summary of the type, when not the class's ``title``
        (the status code's reason phrase if neither is given).
    :param instance: a URI for this occurrence.
    :param headers: headers the response must carry (``Retry-After``, ...).
    :param extensions: extension members, each a JSON- and XML-writable value.
    """

    #: The problem type: a URI, ``"about:blank"`` for a plain HTTP error.
    type: str = "about:blank"
    #: The short summary of the problem type; ``None`` takes the reason phrase.
    title: str | None = None
    code: int | None = 500

    def __init__(
        self,
        detail: str | None = None,
        *,
        status: int | None = None,
        type: str | None = None,  # the RFC 9457 member's name
        title: str | None = None,
        instance: str | None = None,
        headers: cabc.Mapping[str, str] | None = None,
        **extensions: object,
    ) -> None:
        super().__init__(detail)
        if status is not None:
            self.code = status
        if type is not None:
            self.type = type
        if title is not None:
            self.title = title
        #: A URI for this occurrence of the problem.
        self.instance = instance
        #: Extension members, written next to the standard ones.
        self.extensions: dict[str, object] = dict(extensions)
        self._headers = list((headers or {}).items())

    @property
    def name(self) -> str:
        """The title: the class's, or the status code's reason phrase."""
        return self.title if self.title is not None else super().name

    def get_headers(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> list[tuple[str, str]]:
        """The Content-Type of the plain error page, then the headers given."""
        return [*super().get_headers(environ, scope), *self._headers]


class FieldError(t.TypedDict):
    """One field of a typed body or query that does not fit its type."""

    #: ``"body"`` or ``"query"``.
    source: str
    #: Where the field is, such as ``items[3].price``; ``""`` for the whole value.
    location: str
    #: Why it does not fit, in words.
    reason: str
    #: The validator's error code, such as ``string_type`` or ``missing``.
    code: str


class ValidationFailed(Problem):
    """A ``422``: a well-formed body or query string that does not fit the declared type.

    Its ``errors`` extension member lists every field that does not fit.
    """

    code = 422
    type = "about:blank"

    def __init__(self, errors: list[FieldError]) -> None:
        count = len(errors)
        fields = "field does" if count == 1 else "fields do"
        super().__init__(f"{count} {fields} not fit the declared type.", errors=errors)
        #: Every field that does not fit.
        self.errors = errors


PROBLEM_JSON = "application/problem+json"
PROBLEM_XML = "application/problem+xml"

# What a client may ask for, and the problem type that answers it: a client
# that reads plain JSON or XML reads the problem form of it too.
_OFFERED = (PROBLEM_JSON, PROBLEM_XML, "application/json", "application/xml")
_HTML = "text/html"
_ANSWER = {
    PROBLEM_JSON: PROBLEM_JSON,
    "application/json": PROBLEM_JSON,
    PROBLEM_XML: PROBLEM_XML,
    "application/xml": PROBLEM_XML,
    _HTML: _HTML,
}

# RFC 9457, appendix B: the members in this namespace, array entries as <i>.
_XML_NAMESPACE = b'<problem xmlns="urn:ietf:rfc:7807">'
_xml = XMLFormatter(root="problem", item="i")
_json = JSONFormatter()


def problem_members(error: HTTPException) -> dict[str, object]:
    """Return the RFC 9457 members of an HTTP error, extension members last."""
    status = error.code if error.code is not None else InternalServerError.code
    members: dict[str, object] = {
        "type": error.type if isinstance(error, Problem) else "about:blank",
        "title": error.name,
        "status": status,
    }
    if error.description:
        members["detail"] = error.description
    if isinstance(error, Problem):
        if error.instance is not None:
            members["instance"] = error.instance
        for name, value in error.extensions.items():
            members.setdefault(name, value)
    return members


class ProblemDetails:
    """Render every HTTP error of an app as RFC 9457 problem details, in one line.

    ``ProblemDetails(app)``, or ``problems = ProblemDetails()`` then
    ``problems.init_app(app)``. It registers a handler for every
    :class:`~werkzeug.exceptions.HTTPException` (handlers of your own for a
    code or class still win), so routing's ``404`` and ``405``, Hawk's ``400``,
    ``401`` and ``503``, ``415``, ``422`` and unhandled exceptions as ``500``
    all answer with ``type``, ``title``, ``status``, ``detail`` and, for a
    :class:`Problem`, ``instance`` and its extension members. The exception's
    headers (``WWW-Authenticate``, ``Allow``, ``Retry-After``,
    ``Accept-Post``) are kept. It reads no configuration.

    :param app: the app, when not set up later with :meth:`init_app`.
    """

    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Register the problem handler on ``app``.

        :raise RuntimeError: if ``app`` already has a ProblemDetails.
        """
        if "problem_details" in app.extensions:
            msg = "This app already renders problem details: call init_app once."
            raise RuntimeError(msg)
        app.extensions["problem_details"] = self
        app.register_error_handler(HTTPException, self.render)

    def render(self, error: HTTPException) -> Response:
        """Return the problem response for ``error``, negotiated by the request's Accept."""
        members = problem_members(error)
        status = t.cast(int, members["status"])
        accept = parse_accept_header(request.headers.get("Accept"), MIMEAccept)
        # An app that offers a page for browsers (the browsable API) shows them problems too.
        formatters = t.cast(
            "FormatterRegistry | None", getattr(current_app, "response_formatters", None)
        )
        page = formatters.get(_HTML) if formatters is not None else None
        chosen = choose_mimetype(accept, _OFFERED if page is None else (*_OFFERED, _HTML))
        mimetype = _ANSWER[chosen] if chosen is not None else PROBLEM_JSON
        body: bytes | str
        if page is not None and mimetype == _HTML:
            request.environ[RESPONSE_STATUS] = status
            body = page(members)
        elif mimetype == PROBLEM_XML:
            body = _xml(members).replace(b"<problem>", _XML_NAMESPACE, 1)
        else:
            body = _json(members)
        response = current_app.response_class(body, status=status, mimetype=mimetype)
        response.headers["Vary"] = "Accept"
        for name, value in error.get_headers():
            if name.lower() != "content-type" and name not in response.headers:
                response.headers.add(name, value)
        return response
