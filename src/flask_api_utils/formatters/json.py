"""JSON with orjson: the app's JSON provider and a formatter for other mimetypes.

:class:`OrjsonProvider` replaces Flask's ``app.json``, so :func:`flask.jsonify`,
``app.json.dumps``, ``app.json.response`` and negotiated ``application/json``
answers all write the same bytes. :class:`JSONFormatter` writes JSON under a
mimetype of your own, such as ``application/vnd.company+json``. Both follow
one set of rules:

- ``dict``, ``list``, ``tuple``, ``str``, ``int`` (within 64 bits), ``float``,
  ``bool`` and ``None``;
- dataclasses, as objects of their fields (fields whose names start with ``_``
  are left out), and ``Enum`` members, by value;
- :class:`datetime.datetime`, :class:`~datetime.date` and
  :class:`~datetime.time` in ISO 8601 form (``isoformat()``), such as
  ``"2024-05-01T12:00:00+00:00"`` (Flask's default provider writes HTTP dates
  instead), and :class:`uuid.UUID` in its hyphenated form;
- :class:`decimal.Decimal` as a JSON *string* holding every digit, such as
  ``"0.10"``: most clients read a JSON number as a binary float, which would
  silently change an amount such as ``0.1`` or drop digits beyond the 17th;
- any other :class:`~collections.abc.Mapping`, as a dict, and subclasses of
  the types above, as their base type;
- dict keys that are not strings (``int``, ``float``, ``bool``, ``None``,
  dates, times, ``UUID``, ``Enum``), as strings spelled as their values are;
- ``NaN`` and the infinities, as ``null``: JSON has no spelling for them.

Anything else (a ``set``, ``bytes``, an arbitrary object) raises
:exc:`TypeError` naming the type, and so does an integer beyond 64 bits;
nothing is ever written in part. orjson always writes UTF-8 without escaping
non-ASCII characters, and pretty output is indented by two spaces.
"""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
import datetime
import enum
import typing as t
import uuid
from decimal import Decimal

import orjson
from flask.json.provider import JSONProvider

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.sansio.app import App
    from werkzeug.sansio.response import Response

__all__ = ["JSONFormatter", "OrjsonProvider"]

# orjson 3.13.0 writes a datetime.time with 10,000 to 99,999 microseconds one
# digit short ("00:00:00.10000" for 0.01 s), silently a different time; the
# only switch that routes times to _default routes dates and datetimes with
# them, so all three are written by isoformat() there. This costs about
# 0.6 microseconds a value; drop the flag once orjson writes times correctly
# (test_json's time cases will say so). A time used as a dict key is still
# written by orjson itself: no option reaches keys.
_OPTION_BASE = orjson.OPT_PASSTHROUGH_DATETIME
# Dict keys that are not strings need OPT_NON_STR_KEYS, which makes orjson
# about 70% slower on every dict (measured on 10,000 records). Such keys are
# rare, so that option is the second attempt, made only after the first failed.
_OPTION_ANY_KEYS = orjson.OPT_NON_STR_KEYS
_OPTION_PRETTY = orjson.OPT_INDENT_2
_OPTION_SORTED = orjson.OPT_SORT_KEYS

# The keyword arguments of json.dumps that Flask and Jinja pass to app.json.dumps
# (sessions pass separators, the tojson filter sort_keys and indent), and ours.
_DUMPS_KEYWORDS = frozenset({"compact", "indent", "separators", "sort_keys"})

# orjson writes these as dict keys with OPT_NON_STR_KEYS; any other key type fails.
_KEY_TYPES = (str, int, float, bool, type(None), datetime.date, datetime.time, uuid.UUID, enum.Enum)

# orjson stops at this nesting depth, so the search for a bad key stops there too.
_MAX_DEPTH = 254


def _options(*, pretty: bool, sort_keys: bool) -> int:
    option = _OPTION_BASE
    if pretty:
        option |= _OPTION_PRETTY
    if sort_keys:
        option |= _OPTION_SORTED
    return option


def _type_name(cls: type) -> str:
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


# Exact type -> JSON form, for the values orjson hands to _default.
_CONVERTERS: dict[type, cabc.Callable[[t.Any], t.Any]] = {
    datetime.datetime: datetime.datetime.isoformat,
    datetime.date: datetime.date.isoformat,
    datetime.time: datetime.time.isoformat,
    Decimal: Decimal.__str__,
}


def _default(value: t.Any) -> t.Any:
    """Convert what orjson does not write itself; orjson calls this for those values only."""
    convert = _CONVERTERS.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, cabc.Mapping):
        return dict(value)
    # orjson takes exact floats, tuples and UUIDs only; their subclasses, and
    # those of dates and Decimal, are written as the base type is, as
    # XMLFormatter writes them.
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, uuid.UUID):
        return uuid.UUID.__str__(value)
    if isinstance(value, Decimal):
        return Decimal.__str__(value)
    if isinstance(value, datetime.datetime):
        return datetime.datetime.isoformat(value)
    if isinstance(value, datetime.date):
        return datetime.date.isoformat(value)
    if isinstance(value, datetime.time):
        return datetime.time.isoformat(value)
    msg = f"Type is not JSON serializable: {_type_name(type(value))}"
    raise TypeError(msg)


def _dumps(value: t.Any, option: int) -> bytes:
    """Serialise ``value`` with the orjson ``option`` bits (dumps_bytes inlines this)."""
    try:
        return orjson.dumps(value, _default, option)
    except orjson.JSONEncodeError:
        return _dumps_any_keys(value, option)


def _dumps_any_keys(value: t.Any, option: int) -> bytes:
    """The second attempt, for values with dict keys that are not strings."""
    try:
        return orjson.dumps(value, _default, option | _OPTION_ANY_KEYS)
    except orjson.JSONEncodeError as error:
        raise _explained(error, value) from None


def _explained(error: orjson.JSONEncodeError, value: t.Any) -> TypeError:
    # orjson replaces the message _default raised with its own, which names the
    # class without its module; _default's own error is the cause.
    if isinstance(error.__cause__, TypeError):
        return error.__cause__
    # orjson's message for a bad dict key does not say which type it was, so
    # find the key (the data is walked only on this failure path).
    if str(error).startswith("Dict key must"):
        bad_key = _find_bad_key(value, 0)
        if bad_key is not None:
            msg = f"Dict key type is not JSON serializable: {_type_name(bad_key)}"
            return TypeError(msg)
    return error


def _find_bad_key(value: t.Any, depth: int) -> type | None:
    if depth > _MAX_DEPTH:
        return None
    children: cabc.Iterable[t.Any]
    if isinstance(value, cabc.Mapping):
        for key in value:
            if not isinstance(key, _KEY_TYPES):
                return type(key)
        children = value.values()
    elif isinstance(value, list | tuple):
        children = value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        children = (getattr(value, f.name) for f in dataclasses.fields(value))
    elif isinstance(value, enum.Enum):
        children = (value.value,)
    else:
        return None
    for child in children:
        found = _find_bad_key(child, depth + 1)
        if found is not None:
            return found
    return None


class OrjsonProvider(JSONProvider):
    """The app's JSON provider, on orjson: ``app.json = OrjsonProvider(app)``.

    ``jsonify``, ``app.json.dumps``, ``app.json.response`` and
    :meth:`dumps_bytes` (the negotiated ``application/json`` formatter)
    write identical bytes for a value, without a trailing newline. The module
    docstring lists the types it writes.

    :param app: the application whose ``DEBUG`` setting decides ``compact=None``.
    """

    #: ``True`` writes compact JSON, ``False`` pretty JSON indented by two
    #: spaces, ``None`` pretty in debug mode and compact otherwise.
    compact: bool | None = None

    #: The mimetype of :meth:`response`.
    mimetype = "application/json"

    _sort_keys: bool = False

    def __init__(self, app: App) -> None:
        super().__init__(app)
        # The hot path reads DEBUG from the config dict itself, which is what
        # Flask's app.debug property reads, without going through the weak proxy.
        self._config = app.config
        self._compact_option = _OPTION_BASE
        self._pretty_option = _OPTION_BASE | _OPTION_PRETTY
        self.sort_keys = self._sort_keys

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        # Flask documents overriding provider attributes in a subclass body;
        # a plain ``sort_keys = True`` there would hide the property that keeps
        # the precomputed option bits in step, so it becomes the default instead.
        value = cls.__dict__.get("sort_keys")
        if isinstance(value, bool):
            cls._sort_keys = value
            delattr(cls, "sort_keys")

    @property
    def sort_keys(self) -> bool:
        """Write dict keys in sorted order; ``False`` (insertion order) by default."""
        return self._sort_keys

    @sort_keys.setter
    def sort_keys(self, value: bool) -> None:
        self._sort_keys = value
        self._compact_option = _options(pretty=False, sort_keys=value)
        self._pretty_option = _options(pretty=True, sort_keys=value)

    def dumps_bytes(self, obj: t.Any, /) -> bytes:
        """Serialise ``obj`` to UTF-8 JSON bytes, as :attr:`compact` and :attr:`sort_keys` say.

        This is the ``application/json`` formatter of a ResponsiveFlask app.

        :param obj: the value to write.
        :raise TypeError: for a value of a type the module docstring does not list.
        """
        compact = self.compact
        if compact is None:
            compact = not self._config["DEBUG"]
        # _dumps inlined: this runs for every negotiated JSON response.
        try:
            return orjson.dumps(
                obj, _default, self._compact_option if compact else self._pretty_option
            )
        except orjson.JSONEncodeError:
            return _dumps_any_keys(obj, self._compact_option if compact else self._pretty_option)

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Serialise ``obj`` to a JSON string.

        Without keyword arguments the result is :meth:`dumps_bytes` decoded.
        The keyword arguments of :func:`json.dumps` that Flask and Jinja pass
        are understood: ``sort_keys``; ``indent`` (``None`` for compact output,
        anything else for orjson's two-space indent); ``separators`` (compact
        output); and ``compact`` (as the attribute). Others raise
        :exc:`TypeError`, rather than being ignored.

        :param obj: the value to write.
        :param kwargs: the options above.
        """
        if not kwargs:
            return self.dumps_bytes(obj).decode()
        unknown = kwargs.keys() - _DUMPS_KEYWORDS
        if unknown:
            names = ", ".join(repr(name) for name in sorted(unknown))
            msg = f"OrjsonProvider.dumps() does not support the keyword arguments {names}."
            raise TypeError(msg)
        compact = kwargs.get("compact", self.compact)
        if "indent" in kwargs:
            compact = kwargs["indent"] is None
        elif "separators" in kwargs:
            compact = True
        if compact is None:
            compact = not self._config["DEBUG"]
        sort_keys = bool(kwargs.get("sort_keys", self._sort_keys))
        return _dumps(obj, _options(pretty=not compact, sort_keys=sort_keys)).decode()

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Parse JSON text or UTF-8 bytes.

        :param s: the document.
        :param kwargs: ``object_hook``, as :func:`json.loads` takes it: called
            with every object decoded, innermost first, and its result used in
            the object's place (Flask 3.0's session serializer passes one).
            Others raise :exc:`TypeError`, rather than being ignored.
        :raise ValueError: (:class:`json.JSONDecodeError`) for a malformed
            document, which Flask's ``request.get_json`` turns into a 400.
        """
        if not kwargs:
            return orjson.loads(s)
        unknown = kwargs.keys() - {"object_hook"}
        if unknown:
            names = ", ".join(repr(name) for name in sorted(unknown))
            msg = f"OrjsonProvider.loads() does not support the keyword arguments {names}."
            raise TypeError(msg)
        return _with_object_hook(orjson.loads(s), kwargs["object_hook"])

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Return a response holding the arguments as JSON, as :func:`flask.jsonify` does.

        One positional argument is the value; several make a list; keyword
        arguments make a dict; none write ``null``. The body is
        :meth:`dumps_bytes` of that value and the mimetype :attr:`mimetype`.

        :param args: a single value, or the items of a list.
        :param kwargs: the items of a dict.
        """
        obj = self._prepare_response_obj(args, kwargs)
        # JSONProvider types its app as Flask's sans-I/O base, whose response
        # class takes no body; a provider only ever serves a flask.Flask.
        app = t.cast("Flask", self._app)
        return app.response_class(self.dumps_bytes(obj), mimetype=self.mimetype)


class JSONFormatter:
    """Write JSON for a mimetype of your own, by the rules of :class:`OrjsonProvider`.

    ``app.response_formatters["application/vnd.company+json"] = JSONFormatter()``

    :param pretty: indent by two spaces instead of writing compact JSON.
    :param sort_keys: write dict keys in sorted order.
    """

    __slots__ = ("_option", "_pretty", "_sort_keys")

    def __init__(self, *, pretty: bool = False, sort_keys: bool = False) -> None:
        self._pretty = pretty
        self._sort_keys = sort_keys
        self._option = _options(pretty=pretty, sort_keys=sort_keys)

    @property
    def pretty(self) -> bool:
        """Whether the output is indented."""
        return self._pretty

    @property
    def sort_keys(self) -> bool:
        """Whether dict keys are written in sorted order."""
        return self._sort_keys

    def __call__(self, data: t.Any, /) -> bytes:
        """Serialise ``data`` to UTF-8 JSON bytes.

        :param data: the value to write.
        :raise TypeError: for a value of a type the module docstring does not list.
        """
        return _dumps(data, self._option)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(pretty={self._pretty!r}, sort_keys={self._sort_keys!r})"


def _with_object_hook(value: t.Any, hook: cabc.Callable[[dict[str, t.Any]], t.Any]) -> t.Any:
    """Apply ``hook`` to every object of a parsed document, innermost first.

    orjson caps nesting at 1024 levels, so the recursion is bounded.
    """
    if type(value) is dict:
        return hook({key: _with_object_hook(item, hook) for key, item in value.items()})
    if type(value) is list:
        return [_with_object_hook(item, hook) for item in value]
    return value
