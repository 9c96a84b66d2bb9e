"""Typed request bodies and query parameters, read from the view's signature.

A view parameter annotated with a dataclass, a TypedDict or a ``list`` of
them receives the request body, parsed by the parser for its Content-Type
and validated by pydantic; ``Annotated[Q, Query]`` receives the query string
instead. :func:`plan_view` reads the signature once, when the route is
registered, and returns the view wrapped so that each request only parses,
validates and calls.
"""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
import datetime
import decimal
import enum
import functools
import inspect
import math
import types
import typing as t
import uuid

from flask import request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, HTTPException

from ._body import read_body
from ._produces import (
    Negotiation,
    ViewFormats,
    declared_formats,
    negotiated_first,
    returns_data,
)
from .parsers import JSONParser, XMLParser
from .problems import ValidationFailed

if t.TYPE_CHECKING:
    from flask.wrappers import Request
    from pydantic import TypeAdapter
    from pydantic_core import ErrorDetails

    from .responsive import ResponsiveFlask
    from .typing import Parser

__all__ = ["Body", "Query", "plan_view"]


class Body:
    """Marks a view parameter as the request body: ``note: Annotated[NoteIn, Body]``.

    Needed only for a type that is not a dataclass, a TypedDict or a list of
    them; those are bodies unless marked :class:`Query`.
    """


class Query:
    """Marks a view parameter as the query string: ``page: Annotated[Page, Query]``.

    The type is a dataclass or TypedDict of the parameters; a key repeated in
    the query string fills a ``list[...]`` field.
    """


#: The ``app.config`` key that says what to do with fields a type does not declare.
UNKNOWN_FIELDS_KEY = "API_UNKNOWN_FIELDS"
_UNKNOWN_FIELDS_CHOICES = ("forbid", "ignore")

_EXTRA_MESSAGE = (
    "Typed request bodies and query parameters need pydantic:"
    " install the 'typed' extra, pip install 'flask-api-utils[typed]'."
)

# A view wrapped by Hawk's auth_required carries this: called with the typed
# wrapper of the view inside, it protects that instead, so that the body is
# read after authentication, from the bytes the MAC covered.
REPROTECT = "__flask_api_utils_reprotect__"


def _pydantic() -> types.ModuleType:
    try:
        import pydantic
    except ImportError:
        raise ImportError(_EXTRA_MESSAGE) from None
    return pydantic


# One adapter per (type, unknown-fields setting), for the whole process.
_adapters: dict[tuple[object, str], TypeAdapter[t.Any]] = {}


def _adapter(tp: object, unknown_fields: str) -> TypeAdapter[t.Any]:
    key = (tp, unknown_fields)
    adapter = _adapters.get(key)
    if adapter is None:
        pydantic = _pydantic()
        import typing_extensions

        # A TypeAdapter refuses a config for a dataclass or TypedDict itself;
        # behind an alias, the config reaches every nested class that has no
        # config of its own.
        alias = typing_extensions.TypeAliasType("RequestData", tp)  # type: ignore[misc]
        config = pydantic.ConfigDict(extra=unknown_fields)
        adapter = _adapters[key] = pydantic.TypeAdapter(alias, config=config)
    return adapter


def _checked_unknown_fields(value: object) -> str:
    if value not in _UNKNOWN_FIELDS_CHOICES:
        msg = f"{UNKNOWN_FIELDS_KEY} must be 'forbid' or 'ignore', not {value!r}."
        raise ValueError(msg)
    return value


# Inspecting types.


def _strip(tp: object) -> tuple[object, tuple[object, ...]]:
    """Return the type without ``Annotated``, and the metadata it had."""
    if t.get_origin(tp) is t.Annotated:
        args = t.get_args(tp)
        return args[0], tuple(args[1:])
    return tp, ()


def _is_typeddict(tp: object) -> bool:
    try:
        import typing_extensions
    except ImportError:  # comes with pydantic: without it, only typing's TypedDict
        return t.is_typeddict(tp)
    return typing_extensions.is_typeddict(tp) or t.is_typeddict(tp)


def _is_record(tp: object) -> bool:
    return isinstance(tp, type) and (dataclasses.is_dataclass(tp) or _is_typeddict(tp))


def _is_body_type(tp: object) -> bool:
    tp, _ = _strip(tp)
    if _is_record(tp):
        return True
    return t.get_origin(tp) in (list, cabc.Sequence) and all(
        _is_body_type(arg) for arg in t.get_args(tp)
    )


def _without_none(tp: object) -> object:
    tp, _ = _strip(tp)
    if t.get_origin(tp) in (t.Union, types.UnionType):
        rest = [arg for arg in t.get_args(tp) if arg is not type(None)]
        if len(rest) == 1:
            return _strip(rest[0])[0]
    return tp


def _is_list(tp: object) -> bool:
    return t.get_origin(_without_none(tp)) in (list, tuple, set, frozenset, cabc.Sequence)


def _field_types(cls: type) -> dict[str, object]:
    return t.get_type_hints(cls, include_extras=True)


# The deepest JSON a type accepts. Only what pydantic turns into the type
# without code of the user's counts as bounded: a validator in Annotated, a
# pydantic dataclass or a class with a schema of its own may accept anything.

_SCALARS: tuple[type, ...] = (
    str,
    int,
    float,
    bytes,
    decimal.Decimal,
    datetime.date,
    datetime.time,
    datetime.timedelta,
    uuid.UUID,
    type(None),
)
_CONTAINERS = (list, tuple, set, frozenset, cabc.Sequence, cabc.Set, cabc.MutableSequence)
_MAPPINGS = (dict, cabc.Mapping, cabc.MutableMapping)


def _bounded_metadata(metadata: object) -> bool:
    import annotated_types
    from pydantic import AfterValidator
    from pydantic.fields import FieldInfo

    if isinstance(metadata, annotated_types.GroupedMetadata):
        # pydantic's StringConstraints, say: bounded when all its parts are.
        return all(_bounded_metadata(item) for item in metadata)
    return metadata in (Body, Query) or isinstance(
        metadata, annotated_types.BaseMetadata | FieldInfo | AfterValidator
    )


@functools.cache
def _qualifiers() -> frozenset[object]:
    import typing_extensions as te

    # ReadOnly is in typing_extensions 4.9 and later only.
    names = ("Required", "NotRequired", "ReadOnly")
    return frozenset(getattr(m, n) for m in (t, te) for n in names if hasattr(m, n))


def _json_depth(tp: object, seen: frozenset[object] = frozenset()) -> float:
    """Return how deep the arrays and objects of JSON that fits ``tp`` can nest.

    ``math.inf`` for a type that may accept JSON of any depth, or that this
    does not know.
    """
    tp, metadata = _strip(tp)
    if not all(_bounded_metadata(item) for item in metadata):
        return math.inf
    origin = t.get_origin(tp)
    args = [arg for arg in t.get_args(tp) if arg is not Ellipsis]
    if origin is t.Literal:
        return 0 if all(isinstance(arg, str | int | bool | None) for arg in args) else math.inf
    if origin in (t.Union, types.UnionType):
        return max(_json_depth(arg, seen) for arg in args)
    if origin in _qualifiers():
        return _json_depth(args[0], seen)
    if origin in _CONTAINERS:
        return 1 + max((_json_depth(arg, seen) for arg in args), default=math.inf)
    if origin in _MAPPINGS:
        return 1 + _json_depth(args[1], seen) if len(args) == 2 else math.inf
    if not isinstance(tp, type) or tp in seen or hasattr(tp, "__get_pydantic_core_schema__"):
        return math.inf
    if _is_record(tp):
        if hasattr(tp, "__pydantic_validator__"):
            return math.inf
        fields = _field_types(tp)
        if dataclasses.is_dataclass(tp):
            fields = {field.name: fields[field.name] for field in dataclasses.fields(tp)}
        inner = seen | {tp}
        return 1 + max((_json_depth(field, inner) for field in fields.values()), default=0)
    if issubclass(tp, enum.Enum):
        values = [member.value for member in tp]
        return 0 if all(isinstance(value, str | int | float) for value in values) else math.inf
    return 0 if issubclass(tp, _SCALARS) else math.inf


# Reshaping: XML and form fields carry no types, so the declared type decides
# what an empty element or a repeated key means before validation.


def _flatten_multidict(
    fields: MultiDict[str, t.Any], list_fields: frozenset[str]
) -> dict[str, t.Any]:
    return {name: fields.getlist(name) if name in list_fields else fields[name] for name in fields}


def _reshape_xml(value: t.Any, tp: object) -> t.Any:
    """Give XML's ambiguous shapes the meaning the declared type gives them."""
    tp = _without_none(tp)
    if value is None:
        return None
    origin = t.get_origin(tp)
    if origin in (list, tuple, set, frozenset, cabc.Sequence):
        if value == "":
            return []
        args = t.get_args(tp)
        item = args[0] if args else object
        if isinstance(value, list):
            return [_reshape_xml(v, item) for v in value]
        return value
    if _is_record(tp) or origin in (dict, cabc.Mapping):
        if value == "":
            return {}
        if isinstance(value, list) and len(value) == 1:
            # <item> was the record's only child: a field named "item".
            value = {"item": value[0]}
        if isinstance(value, dict):
            value = t.cast(dict[str, t.Any], value)
            if _is_record(tp):
                fields = _field_types(t.cast(type, tp))
                return {k: _reshape_xml(v, fields.get(k, object)) for k, v in value.items()}
            args = t.get_args(tp)
            item = args[1] if len(args) == 2 else object
            return {k: _reshape_xml(v, item) for k, v in value.items()}
    return value


# Errors.


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _failed(source: str, errors: list[ErrorDetails]) -> ValidationFailed:
    return ValidationFailed(
        [
            {
                "source": source,
                "location": _location(tuple(e["loc"])),
                "reason": e["msg"],
                "code": e["type"],
            }
            for e in errors
        ]
    )


# Readers: one per typed parameter, each reading its part of the request.


class _Reader:
    """Reads one typed parameter from each request: the plan's per-request part.

    The app's settings are read on the view's first request, when the app is
    configured: from then on a request only looks up its parser and validates.
    """

    __slots__ = (
        "_app",
        "_fast_parser",
        "_invalid",
        "_json_depth",
        "_validate_json",
        "_validate_python",
        "list_fields",
        "name",
        "tp",
    )

    source: t.ClassVar[str]
    _validate_json: cabc.Callable[[bytes], t.Any]

    def __init__(
        self, app: ResponsiveFlask, name: str, tp: object, list_fields: frozenset[str]
    ) -> None:
        self._app = app
        self.name = name
        self.tp = tp
        self.list_fields = list_fields
        self._invalid: type[Exception] = _pydantic().ValidationError
        # Set by _settle, on the first request.
        self._validate_python: cabc.Callable[[object], t.Any] | None = None
        self._json_depth = math.inf
        # The JSON parser found to need no depth check before validate_json.
        self._fast_parser: JSONParser | None = None

    def read(self, current: Request) -> t.Any:
        """Return the parameter's value, validated, from the current request."""
        raise NotImplementedError

    def _settle(self) -> cabc.Callable[[object], t.Any]:
        unknown = _checked_unknown_fields(self._app.config.get(UNKNOWN_FIELDS_KEY, "forbid"))
        # The adapter's validator itself: the adapter's methods only forward to it.
        validator = _adapter(self.tp, unknown).validator
        self._validate_json = validator.validate_json
        # Refusing undeclared fields, a body that fits the type nests no
        # deeper than the type; an ignored field may nest to any depth.
        self._json_depth = _json_depth(self.tp) if unknown == "forbid" else math.inf
        validate = self._validate_python = validator.validate_python
        return validate

    def _errors(self, error: Exception) -> list[ErrorDetails]:
        return t.cast("list[ErrorDetails]", error.errors(include_url=False, include_input=False))  # type: ignore[attr-defined]


class _QueryReader(_Reader):
    source = "query"

    def read(self, current: Request) -> t.Any:
        validate = self._validate_python or self._settle()
        try:
            return validate(_flatten_multidict(current.args, self.list_fields))
        except self._invalid as e:
            raise _failed(self.source, self._errors(e)) from None


class _BodyReader(_Reader):
    source = "body"

    def read(self, current: Request) -> t.Any:
        validate = self._validate_python or self._settle()
        registry = self._app.request_parsers
        parser = registry.parser_for_header(current.environ.get("CONTENT_TYPE"), current.method)
        fast = self._fast_parser
        if parser is not fast:
            fast = self._fast_json(parser)
        if fast is not None:
            # One pass: pydantic parses and validates the bytes (cached for
            # Hawk's payload hash) itself. No body that fits nests deeper than
            # the parser's limit, so only a body that fails is measured.
            data = current.get_data(cache=True)
            try:
                return self._validate_json(data)
            except self._invalid as e:
                raise self._refused_json(fast, data, self._errors(e)) from None
        value = read_body(registry)
        if isinstance(parser, XMLParser):
            value = _reshape_xml(value, self.tp)
        elif isinstance(value, MultiDict):
            value = _flatten_multidict(t.cast(MultiDict[str, t.Any], value), self.list_fields)
        try:
            return validate(value)
        except self._invalid as e:
            raise _failed(self.source, self._errors(e)) from None

    def _fast_json(self, parser: Parser) -> JSONParser | None:
        if type(parser) is JSONParser and self._json_depth <= parser.max_depth:
            self._fast_parser = parser
            return parser
        return None

    def _refused_json(
        self, parser: JSONParser, data: bytes, errors: list[ErrorDetails]
    ) -> HTTPException:
        # pydantic's parser has a depth limit of its own, past the parser's.
        try:
            parser.check_depth(data)
        except ValueError as e:
            return BadRequest(str(e))
        if errors and errors[0]["type"] == "json_invalid":
            reason = t.cast(dict[str, str], errors[0].get("ctx", {})).get("error", errors[0]["msg"])
            return BadRequest(f"The body is not valid JSON: {reason}")
        return _failed(self.source, errors)


def _list_fields(tp: object) -> frozenset[str]:
    tp = _without_none(tp)
    if not _is_record(tp):
        return frozenset()
    return frozenset(
        name for name, field in _field_types(t.cast(type, tp)).items() if _is_list(field)
    )


def resolved_annotations(function: cabc.Callable[..., t.Any]) -> dict[str, object]:
    """Return the function's annotations that resolve, each on its own.

    A name imported only for type checkers leaves its annotation out, rather
    than every annotation of the function.
    """
    try:
        return t.get_type_hints(function, include_extras=True)
    except (NameError, TypeError):
        pass
    namespace = getattr(function, "__globals__", {})
    hints: dict[str, object] = {}
    for name, annotation in inspect.get_annotations(function).items():
        try:
            if isinstance(annotation, str):
                annotation = eval(annotation, namespace)  # the module's own annotation
            hints[name] = annotation
        except Exception:  # an annotation that does not resolve declares nothing
            continue
    return hints


def _readers(app: ResponsiveFlask, view: cabc.Callable[..., t.Any]) -> list[_Reader]:
    target = inspect.unwrap(view)
    hints = resolved_annotations(target)
    readers: list[_Reader] = []
    for name in inspect.signature(target).parameters:
        if name not in hints:
            continue
        tp, metadata = _strip(hints[name])
        if Query in metadata:
            if not _is_record(_without_none(tp)):
                msg = f"The query parameter {name!r} must be a dataclass or TypedDict."
                raise TypeError(msg)
            readers.append(_QueryReader(app, name, tp, _list_fields(tp)))
        elif Body in metadata or _is_body_type(tp):
            readers.append(_BodyReader(app, name, tp, _list_fields(tp)))
    if sum(reader.source == "body" for reader in readers) > 1:
        msg = f"The view {view.__name__!r} declares more than one request body."
        raise TypeError(msg)
    return readers


def _with_input(
    view: cabc.Callable[..., t.Any], readers: list[_Reader], negotiation: Negotiation | None
) -> cabc.Callable[..., t.Any]:
    # One wrapper negotiates and reads, instead of one wrapper for each.
    reads = tuple((reader.name, reader.read) for reader in readers)
    refusal = negotiation.refusal if negotiation is not None else None

    def prepare(kwargs: dict[str, t.Any]) -> t.Any:
        """Return the ``406`` to answer instead, or ``None`` with the parameters read."""
        current = request._get_current_object()  # type: ignore[attr-defined]
        if refusal is not None:
            refused = refusal(current.environ)
            if refused is not None:
                return refused
        for name, read in reads:
            kwargs[name] = read(current)
        return None

    if inspect.iscoroutinefunction(view):

        @functools.wraps(view)
        async def async_typed(*args: t.Any, **kwargs: t.Any) -> t.Any:
            refused = prepare(kwargs)
            return refused if refused is not None else await view(*args, **kwargs)

        return async_typed

    @functools.wraps(view)
    def typed(*args: t.Any, **kwargs: t.Any) -> t.Any:
        refused = prepare(kwargs)
        return refused if refused is not None else view(*args, **kwargs)

    return typed


def plan_view(
    app: ResponsiveFlask, view: cabc.Callable[..., t.Any], formats: ViewFormats | None = None
) -> cabc.Callable[..., t.Any]:
    """Return ``view`` negotiated first and reading its typed parameters.

    The signature is read here, once. A view that returns negotiable data
    (by its return annotation) or declares formats (``@produces``, or
    ``formats`` from its blueprint) is negotiated before it runs; typed
    parameters are read from each request, after Hawk's authentication when
    the view is under ``auth_required``. Any other view is returned as it is.

    :param app: the app the view is registered on.
    :param formats: the blueprint's formats, for a view without ``@produces``.
    :raise ImportError: naming the ``typed`` extra, when pydantic is missing.
    :raise TypeError: for a view that declares two bodies, or a query type
        that is not a dataclass or TypedDict.
    """
    readers = _readers(app, view)
    formats = declared_formats(view) or formats
    negotiation = (
        Negotiation(app, formats)
        if formats is not None
        or returns_data(resolved_annotations(inspect.unwrap(view)).get("return"))
        else None
    )
    if not readers:
        return view if negotiation is None else negotiated_first(view, negotiation)
    _pydantic()
    reprotect = vars(view).get(REPROTECT)
    if reprotect is None:
        return _with_input(view, readers, negotiation)
    # Negotiated before authentication, the body read after it.
    inner = t.cast(cabc.Callable[..., t.Any], view.__wrapped__)  # type: ignore[attr-defined]
    planned = t.cast(cabc.Callable[..., t.Any], reprotect(_with_input(inner, readers, None)))
    return planned if negotiation is None else negotiated_first(planned, negotiation)
