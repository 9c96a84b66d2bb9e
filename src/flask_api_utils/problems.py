"""RFC 9457 problem details: :class:`Problem` errors and the :class:`ProblemDetails` extension.

A view raises :class:`Problem` (or a subclass naming its own problem type)
for an error with members of its own; :class:`ValidationFailed` is the ``422``
that typed bodies and queries raise, with an ``errors`` member.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from werkzeug.exceptions import HTTPException

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = ["FieldError", "Problem", "ValidationFailed"]


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
