"""Named types for code that uses flask-api-utils.

Everything here is public: annotate your views, error handlers, formatters,
key loaders and nonce stores with these names and ``mypy --strict`` checks
them against what the extension calls.

The callables a user registers come in a sync and an async form; each has a
name per form and a union of both, as in :mod:`flask.typing`.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from flask.typing import HeadersValue, ResponseReturnValue

if t.TYPE_CHECKING:
    from .hawk.credentials import ClientKey

__all__ = [
    "APIErrorHandlerCallable",
    "APIResponseReturnValue",
    "APIRouteCallable",
    "AsyncKeyLoader",
    "AsyncNonceStore",
    "DataclassInstance",
    "Formatter",
    "KeyLoader",
    "KeyLoaderResult",
    "NegotiableValue",
    "NonceStore",
    "Parser",
    "SyncKeyLoader",
]


class DataclassInstance(t.Protocol):
    """Any instance of a class decorated with :func:`dataclasses.dataclass`."""

    __dataclass_fields__: t.ClassVar[dict[str, t.Any]]


#: A value that :class:`~flask_api_utils.ResponsiveFlask` serialises with the
#: formatter the client's ``Accept`` header chooses.
NegotiableValue: t.TypeAlias = cabc.Mapping[str, t.Any] | list[t.Any] | DataclassInstance

#: What a view or error handler of a ResponsiveFlask app may return: anything
#: Flask accepts, plus negotiable values alone or in Flask's tuple forms.
APIResponseReturnValue: t.TypeAlias = (
    ResponseReturnValue
    | NegotiableValue
    | tuple[NegotiableValue, int]
    | tuple[NegotiableValue, HeadersValue]
    | tuple[NegotiableValue, int, HeadersValue]
)

#: A view function, sync or ``async def``.
APIRouteCallable: t.TypeAlias = (
    cabc.Callable[..., APIResponseReturnValue]
    | cabc.Callable[..., cabc.Awaitable[APIResponseReturnValue]]
)

# The argument is Any for the reason flask.typing.ErrorHandlerCallable gives:
# handlers annotate it with the exact exception class they handle.
#: An error handler, sync or ``async def``.
APIErrorHandlerCallable: t.TypeAlias = (
    cabc.Callable[[t.Any], APIResponseReturnValue]
    | cabc.Callable[[t.Any], cabc.Awaitable[APIResponseReturnValue]]
)


class Formatter(t.Protocol):
    """Serialises a view's return value into one mimetype.

    Implement this to register a representation of your own:
    ``app.response_formatters["text/csv"] = my_formatter``. A plain function
    of one positional argument fits, and so does an object with ``__call__``.
    Return ``bytes`` (sent as they are) or ``str`` (sent as UTF-8). Raise
    :exc:`TypeError` or :exc:`ValueError` for a value you cannot represent:
    the response becomes a 500 and the log names the type and the mimetype.
    A formatter that shows the status reads it from ``request.environ`` under
    :data:`flask_api_utils.formatters.html.RESPONSE_STATUS`.
    """

    def __call__(self, data: t.Any, /) -> bytes | str: ...


class Parser(t.Protocol):
    """Parses a request body of one mimetype into data.

    Implement this to accept a representation of your own:
    ``app.request_parsers["text/csv"] = my_parser``. A plain function of two
    positional arguments fits: the body's bytes and its ``Content-Type``
    parameters (such as ``charset`` or ``boundary``). Raise :exc:`ValueError`
    for a body you cannot read, with a message saying where reading stopped:
    the request becomes a ``400`` that shows it.
    """

    def __call__(self, data: bytes, options: cabc.Mapping[str, str], /) -> t.Any: ...


#: What a key loader returns for a client id: the key alone (the app's
#: ``HAWK_ALGORITHM`` applies), a :class:`~flask_api_utils.ClientKey` naming
#: its own algorithm, or ``None`` for an unknown client.
KeyLoaderResult: t.TypeAlias = t.Union["ClientKey", str, None]

#: A key loader that returns the key directly.
SyncKeyLoader: t.TypeAlias = cabc.Callable[[str], KeyLoaderResult]
#: A key loader defined with ``async def``.
AsyncKeyLoader: t.TypeAlias = cabc.Callable[[str], cabc.Awaitable[KeyLoaderResult]]
#: Either form of key loader, as :meth:`Hawk.client_key_loader` accepts it.
KeyLoader: t.TypeAlias = SyncKeyLoader | AsyncKeyLoader


class NonceStore(t.Protocol):
    """Remembers the nonces of accepted Hawk requests, so none is accepted twice.

    Implement this to keep nonces in storage of your own. ``remember`` must be
    atomic: of two concurrent calls with one key, exactly one returns ``True``.
    Raise :exc:`~flask_api_utils.NonceStoreUnavailable` when the storage cannot
    be reached; the request then fails closed with 503.
    """

    def remember(self, key: str, ttl: float, /) -> bool:
        """Remember ``key`` for ``ttl`` seconds; ``True`` if it was not known yet."""
        ...


class AsyncNonceStore(t.Protocol):
    """The ``async def`` form of :class:`NonceStore`, for asyncio clients."""

    async def remember(self, key: str, ttl: float, /) -> bool:
        """Remember ``key`` for ``ttl`` seconds; ``True`` if it was not known yet."""
        ...
