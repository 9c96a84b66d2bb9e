"""Content negotiation: which registered mimetype answers a request.

:func:`choose_mimetype` applies RFC 9110, section 12.5.1 to an ``Accept``
header that Werkzeug has parsed, and :class:`FormatterRegistry` holds the
formatters an app offers, in the server's order of preference, and remembers
the choice made for each ``Accept`` value it has seen.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header, parse_options_header
from werkzeug.utils import get_content_type

if t.TYPE_CHECKING:
    from .typing import Formatter

__all__ = ["FormatterRegistry", "choose_mimetype"]

# A charset parameter does not tell two representations apart when every
# formatter writes UTF-8 (JSON has no other encoding), so a media range that
# asks for UTF-8 applies to each offered type, with its own specificity; any
# other charset names a representation that is not offered.
_UTF8_SPELLINGS = (";charset=utf-8", ";charset=utf8")

# Distinct Accept values are few in practice (one or two per client library
# and browser), so the choice is cached per raw header. The bounds keep a
# client that invents headers from growing the cache.
_CACHE_MAX_ENTRIES = 512
_CACHE_MAX_HEADER_LENGTH = 512


def _quality(accept: MIMEAccept, mimetype: str) -> float:
    # accept lists its ranges most specific first; the first range that
    # matches the type, as it is or in UTF-8, decides (RFC 9110, 12.5.1).
    positions = [accept.find(mimetype)]
    positions += [accept.find(mimetype + spelling) for spelling in _UTF8_SPELLINGS]
    found = [position for position in positions if position >= 0]
    return accept[min(found)][1] if found else 0.0


def choose_mimetype(accept: MIMEAccept, offered: cabc.Sequence[str]) -> str | None:
    """Choose the mimetype, of those ``offered``, that the client prefers.

    Each offered type gets the quality of the most specific media range that
    matches it (``application/xml`` before ``application/*`` before ``*/*``);
    the highest quality wins, and ties go to the earlier offered type. A type
    whose quality is 0 is never chosen. An absent or empty ``Accept``, or one
    without a single media range (``Accept: ,;``), states no preference, so
    the first offered type is chosen, as RFC 9110 allows a server to disregard
    a header it cannot use.

    :param accept: the parsed header, as ``request.accept_mimetypes`` gives it.
    :param offered: the server's types, most preferred first.
    :return: the chosen type, or ``None`` when none is acceptable (a 406).
    """
    if not any("/" in value for value, _ in accept):
        return offered[0] if offered else None
    best: str | None = None
    best_quality = 0.0
    for mimetype in offered:
        quality = _quality(accept, mimetype)
        if quality > best_quality:
            best, best_quality = mimetype, quality
    return best


class FormatterRegistry(cabc.MutableMapping[str, "Formatter"]):
    """The formatters an app offers, keyed by mimetype, in registration order.

    This is ``app.response_formatters``. Assigning a formatter to a mimetype
    offers it; deleting one withdraws it. The :attr:`default_mimetype` is
    offered first and answers requests that accept anything.
    """

    def __init__(self) -> None:
        self._formatters: dict[str, Formatter] = {}
        self._content_types: dict[str, str] = {}
        self._default: str | None = None
        self._offered: tuple[str, ...] = ()
        self._choices: dict[str | None, str | None] = {}
        self._version = 0

    @property
    def version(self) -> int:
        """A number that grows with every change: registries built from this one compare it."""
        return self._version

    @property
    def default_mimetype(self) -> str:
        """The mimetype of answers to ``*/*``, and of errors no client type fits."""
        if self._default is None:
            msg = "No formatter is registered; assign one to 'app.response_formatters' first."
            raise RuntimeError(msg)
        return self._default

    @default_mimetype.setter
    def default_mimetype(self, mimetype: str) -> None:
        key = mimetype.lower()
        if key not in self._formatters:
            msg = (
                f"No formatter is registered for {mimetype!r};"
                " register it before making it the default."
            )
            raise ValueError(msg)
        self._default = key
        self._changed()

    @property
    def offered(self) -> tuple[str, ...]:
        """The registered mimetypes in the server's order: the default, then the rest."""
        return self._offered

    def choose(self, accept_header: str | None) -> str | None:
        """Return the mimetype to answer a request with this ``Accept`` header.

        :param accept_header: the raw header value, or ``None`` when absent.
        :return: a registered mimetype, or ``None`` when none is acceptable.
        """
        try:
            return self._choices[accept_header]
        except KeyError:
            pass
        choice = choose_mimetype(parse_accept_header(accept_header, MIMEAccept), self._offered)
        if accept_header is None or len(accept_header) <= _CACHE_MAX_HEADER_LENGTH:
            if len(self._choices) >= _CACHE_MAX_ENTRIES:
                self._choices.clear()
            self._choices[accept_header] = choice
        return choice

    def formatter_for(self, mimetype: str) -> tuple[Formatter, str]:
        """Return the formatter of a registered mimetype and its ``Content-Type``."""
        return self._formatters[mimetype], self._content_types[mimetype]

    def __getitem__(self, mimetype: str) -> Formatter:
        return self._formatters[mimetype.lower()]

    def __setitem__(self, mimetype: str, formatter: Formatter) -> None:
        key = _validated_mimetype(mimetype)
        # Checked at run time too: registration is where a mistake is cheap to see.
        if not callable(t.cast(object, formatter)):
            kind = type(formatter).__name__
            msg = f"The formatter for {mimetype!r} must be callable, not {kind!r}."
            raise TypeError(msg)
        self._formatters[key] = formatter
        # Werkzeug's rule: a charset parameter for text/*, XML and the other
        # types that carry one, none for application/json.
        self._content_types[key] = get_content_type(key, "utf-8")
        if self._default is None:
            self._default = key
        self._changed()

    def __delitem__(self, mimetype: str) -> None:
        key = mimetype.lower()
        if key == self._default:
            msg = (
                f"{mimetype!r} is the default mimetype;"
                " make another the default before removing it."
            )
            raise ValueError(msg)
        del self._formatters[key]
        del self._content_types[key]
        self._changed()

    def __iter__(self) -> cabc.Iterator[str]:
        return iter(self._formatters)

    def __len__(self) -> int:
        return len(self._formatters)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {list(self._offered)!r}>"

    def _changed(self) -> None:
        default = self._default
        rest = tuple(m for m in self._formatters if m != default)
        self._offered = (default, *rest) if default is not None else rest
        self._choices = {}
        self._version += 1


def _validated_mimetype(mimetype: str) -> str:
    if not isinstance(t.cast(object, mimetype), str):
        msg = f"A mimetype must be a str, not {type(mimetype).__name__!r}."
        raise TypeError(msg)
    base, options = parse_options_header(mimetype)
    type_, _, subtype = base.partition("/")
    if not type_ or not subtype or "*" in base or "/" in subtype:
        msg = f"{mimetype!r} is not a concrete mimetype such as 'application/xml'."
        raise ValueError(msg)
    if "q" in options or "charset" in options:
        msg = f"{mimetype!r}: register the mimetype without 'q' or 'charset' parameters."
        raise ValueError(msg)
    return mimetype.lower().replace(" ", "")
