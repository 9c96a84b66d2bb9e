"""Build an OpenAPI 3.1 document from an app's routes and its views' types.

Nothing here runs per request: :func:`build_document` walks the URL map once
and reads what the views already declare for the type checkers (typed
bodies and queries, return annotations, ``@produces``, Hawk on the view)
plus what :func:`~flask_api_utils.openapi.doc` added.
"""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
import functools
import http
import inspect
import logging
import re
import types
import typing as t

import orjson
from werkzeug.routing import (
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    PathConverter,
    UUIDConverter,
    parse_converter_args,
)

from .._produces import ViewFormats, declared_formats
from .._typed_input import REPROTECT, resolved_annotations
from ..negotiation import FormatterRegistry
from ..problems import PROBLEM_JSON, PROBLEM_XML
from ._annotate import UNSET, OperationDoc, ResponseDoc, operation_doc
from ._schemas import COMPONENTS, SchemaRef, SchemaSet, walk_schemas

if t.TYPE_CHECKING:
    from flask import Flask
    from werkzeug.routing import Rule

    from ..typing import Formatter

__all__ = ["DocumentSettings", "build_document"]

log = logging.getLogger("flask_api_utils.openapi")

#: The OpenAPI version of the documents built here.
OPENAPI_VERSION = "3.1.0"

# The order Swagger UI and most documents list an operation's methods in.
_METHOD_ORDER = ("GET", "PUT", "POST", "DELETE", "PATCH", "TRACE")
_METHOD_KEYS = tuple(method.lower() for method in _METHOD_ORDER)

# <converter(arguments):name>, as Werkzeug's rule syntax spells a variable.
_VARIABLE = re.compile(
    r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?P<arguments>.*?)\))?:)?"
    r"(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>"
)


@dataclasses.dataclass(frozen=True)
class DocumentSettings:
    """What the document says about the API as a whole, and which routes it covers."""

    title: str
    version: str
    description: str | None = None
    #: Only routes of these blueprints; ``None`` for every route.
    blueprints: tuple[str, ...] | None = None
    #: Endpoints never documented: the document's own, Flask's static files.
    skip_endpoints: frozenset[str] = frozenset()


def build_document(app: Flask, settings: DocumentSettings) -> dict[str, t.Any]:
    """Return the OpenAPI 3.1 document of ``app``'s routes, as JSON-ready data.

    :raise ImportError: naming the ``openapi`` extra, when pydantic is missing.
    """
    return _Builder(app, settings).build()


class _Builder:
    def __init__(self, app: Flask, settings: DocumentSettings) -> None:
        self.app = app
        self.settings = settings
        self.schemas = SchemaSet(
            forbid_unknown_fields=app.config.get("API_UNKNOWN_FIELDS", "forbid") == "forbid"
        )
        self.problems = "problem_details" in app.extensions
        self.formatters: FormatterRegistry | None = getattr(app, "response_formatters", None)
        self.parsers: tuple[str, ...] = tuple(
            getattr(getattr(app, "request_parsers", None), "accepted", ("application/json",))
        )
        self.view_formats = _blueprint_formats(app)
        self.security: dict[str, dict[str, t.Any]] = {}
        self.responses: dict[str, dict[str, t.Any]] = {}
        self.tags: dict[str, None] = {}
        self.operation_ids: set[str] = set()

    def build(self) -> dict[str, t.Any]:
        paths: dict[str, dict[str, t.Any]] = {}
        for rule in sorted(self.app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
            if not self._documented(rule.endpoint):
                continue
            view = self.app.view_functions[rule.endpoint]
            path, path_parameters = self._path(rule, view)
            methods = [m for m in _METHOD_ORDER if m in (rule.methods or ())]
            item = paths.setdefault(path, {})
            for method in methods:
                handler = _handler(view, method)
                recorded = operation_doc(handler) or operation_doc(view) or _UNDOCUMENTED
                if recorded.hidden:
                    continue
                item[method.lower()] = self._operation(
                    rule, view, handler, method, recorded, path_parameters, several=len(methods) > 1
                )
        self.schemas.resolve()
        document: dict[str, t.Any] = {
            "openapi": OPENAPI_VERSION,
            "info": {"title": self.settings.title, "version": self.settings.version},
        }
        if self.settings.description:
            document["info"]["description"] = self.settings.description
        if self.tags:
            document["tags"] = [{"name": tag} for tag in self.tags]
        document["paths"] = {
            path: {method: item[method] for method in _METHOD_KEYS if method in item}
            for path, item in _filled(paths, self.schemas).items()
            if item
        }
        components: dict[str, t.Any] = {"schemas": {**self.schemas.components, **_ERROR_SCHEMAS}}
        if self.responses:
            components["responses"] = self.responses
        if self.security:
            components["securitySchemes"] = self.security
        document["components"] = components
        _prune_components(document)
        return document

    def _documented(self, endpoint: str) -> bool:
        if endpoint in self.settings.skip_endpoints:
            return False
        if self.settings.blueprints is None:
            return True
        blueprint, _, _ = endpoint.rpartition(".")
        return any(
            blueprint == name or blueprint.startswith(name + ".")
            for name in self.settings.blueprints
        )

    # Paths.

    def _path(
        self, rule: Rule, view: cabc.Callable[..., t.Any]
    ) -> tuple[str, list[dict[str, t.Any]]]:
        parameters: list[dict[str, t.Any]] = []
        for match in _VARIABLE.finditer(rule.rule):
            name = match["name"]
            schema, note = self._converter_schema(match["converter"], match["arguments"])
            parameter: dict[str, t.Any] = {
                "name": name,
                "in": "path",
                "required": True,
                "schema": schema,
            }
            if note:
                parameter["description"] = note
            parameters.append(parameter)
        return _VARIABLE.sub(r"{\g<name>}", rule.rule), parameters

    def _converter_schema(
        self, name: str | None, arguments: str | None
    ) -> tuple[dict[str, t.Any], str | None]:
        cls = self.app.url_map.converters.get(name or "default", BaseConverter)
        args, kwargs = parse_converter_args(arguments) if arguments else ((), {})
        converter = cls(self.app.url_map, *args, **kwargs)
        if isinstance(converter, IntegerConverter | FloatConverter):
            schema: dict[str, t.Any] = {
                "type": "integer" if isinstance(converter, IntegerConverter) else "number"
            }
            minimum = converter.min if converter.min is not None else None
            if minimum is None and not converter.signed:
                minimum = 0
            if minimum is not None:
                schema["minimum"] = minimum
            if converter.max is not None:
                schema["maximum"] = converter.max
            return schema, None
        if isinstance(converter, UUIDConverter):
            return {"type": "string", "format": "uuid"}, None
        if isinstance(converter, PathConverter):
            return {"type": "string"}, "May contain slashes."
        if isinstance(converter, AnyConverter):
            return {"type": "string", "enum": [str(item) for item in args]}, None
        schema = {"type": "string"}
        if "length" in kwargs:
            schema["minLength"] = schema["maxLength"] = int(kwargs["length"])
        else:
            schema["minLength"] = int(kwargs.get("minlength", 1))
            if kwargs.get("maxlength") is not None:
                schema["maxLength"] = int(kwargs["maxlength"])
        return schema, None

    # Operations.

    def _operation(
        self,
        rule: Rule,
        view: cabc.Callable[..., t.Any],
        target: cabc.Callable[..., t.Any],
        method: str,
        recorded: OperationDoc,
        path_parameters: list[dict[str, t.Any]],
        *,
        several: bool,
    ) -> dict[str, t.Any]:
        operation: dict[str, t.Any] = {}
        tags = recorded.tags
        if tags is None:
            blueprint = rule.endpoint.rpartition(".")[0]
            tags = (blueprint,) if blueprint else ()
        if tags:
            operation["tags"] = list(tags)
            self.tags.update(dict.fromkeys(tags))
        summary, description = _docstring(target)
        if recorded.summary is not None:
            summary = recorded.summary
        if recorded.description is not None:
            description = recorded.description
        if summary:
            operation["summary"] = summary
        if description:
            operation["description"] = description
        operation["operationId"] = self._operation_id(rule, method, recorded, several=several)

        registry = self._registry(view)
        readers = _typed_parameters(self.app, view)
        # The query types' parameters are expanded once their schemas are known.
        parameters: list[t.Any] = list(path_parameters)
        body_type: object = None
        for source, tp in readers:
            if source == "query":
                parameters.append(_QueryParameters(self.schemas.ref(tp)))
            else:
                body_type = tp
        if parameters:
            operation["parameters"] = parameters
        if body_type is not None:
            operation["requestBody"] = {
                "required": True,
                "content": self._request_content(body_type, recorded.request_example),
            }

        hints = resolved_annotations(target)
        responses = self._success_responses(hints.get("return", _MISSING), registry, recorded)
        negotiated = registry is not None and (
            declared_formats(view) is not None
            or view in self.view_formats
            or any(_is_data(body) for body in _bodies(responses))
        )
        protection = _hawk_protection(view)
        errors: list[int] = []
        if protection is not None or body_type is not None:
            errors.append(400)
        if protection is not None:
            errors.append(401)
        if negotiated:
            errors.append(406)
        if body_type is not None:
            errors.append(415)
        if body_type is not None or any(source == "query" for source, _ in readers):
            errors.append(422)
        for code in errors:
            responses[str(code)] = self._shared_response(code)
        for code, response_doc in recorded.responses.items():
            responses[str(code)] = self._described_response(code, response_doc, registry)
        operation["responses"] = dict(sorted(responses.items()))
        if protection is not None:
            operation["security"] = self._security(allow_bewit=protection)
        if recorded.deprecated:
            operation["deprecated"] = True
        return operation

    def _operation_id(
        self, rule: Rule, method: str, recorded: OperationDoc, *, several: bool
    ) -> str:
        if recorded.operation_id is not None:
            candidates = [recorded.operation_id]
        else:
            # The view's own name, else one qualified by its blueprints.
            suffix = "_" + method.lower() if several else ""
            candidates = [
                rule.endpoint.rpartition(".")[2] + suffix,
                rule.endpoint.replace(".", "_") + suffix,
            ]
        operation_id = next((c for c in candidates if c not in self.operation_ids), None)
        counter = 2
        while operation_id is None:
            candidate = f"{candidates[-1]}_{counter}"
            operation_id = candidate if candidate not in self.operation_ids else None
            counter += 1
        self.operation_ids.add(operation_id)
        return operation_id

    def _registry(self, view: cabc.Callable[..., t.Any]) -> FormatterRegistry | None:
        if self.formatters is None:
            return None
        formats = declared_formats(view) or self.view_formats.get(view)
        if formats is None:
            return self.formatters
        return formats.registry(self.formatters)

    def _request_content(self, tp: object, example: object) -> dict[str, t.Any]:
        content: dict[str, t.Any] = {}
        for mimetype in self.parsers:
            media: dict[str, t.Any] = {"schema": self.schemas.ref(tp)}
            writer = self._example_writer(mimetype)
            if example is not UNSET and writer is not None:
                _set_example(media, writer, mimetype, example)
            content[mimetype] = media
        return content

    def _example_writer(self, mimetype: str) -> Formatter | None:
        if self.formatters is not None and mimetype in self.formatters:
            return self.formatters[mimetype]
        if _is_json(mimetype):
            return _json_writer(self.app)
        return None

    # Responses.

    def _success_responses(
        self, annotation: object, registry: FormatterRegistry | None, recorded: OperationDoc
    ) -> dict[str, dict[str, t.Any]]:
        if annotation is _MISSING:
            return {"200": {"description": "OK"}}
        by_status: dict[int, list[object]] = {}
        for status, body in _results(annotation, recorded.status):
            by_status.setdefault(status, []).append(body)
        responses: dict[str, dict[str, t.Any]] = {}
        for status, bodies in sorted(by_status.items()):
            response: dict[str, t.Any] = {"description": _phrase(status)}
            texts = [body for body in bodies if body in (str, bytes)]
            records = [body for body in bodies if _is_data(body)]
            content: dict[str, t.Any] = {}
            if records:
                body_type = records[0] if len(records) == 1 else t.Union[tuple(records)]  # noqa: UP007
                example = recorded.response_example if status == min(by_status) else UNSET
                content.update(self._response_content(body_type, registry, example))
            if texts:
                content.setdefault("text/html", {"schema": {"type": "string"}})
            if content:
                response["content"] = content
            response[_BODIES] = bodies
            responses[str(status)] = response
        return responses

    def _response_content(
        self, tp: object, registry: FormatterRegistry | None, example: object
    ) -> dict[str, t.Any]:
        offered = registry.offered if registry is not None else ("application/json",)
        content: dict[str, t.Any] = {}
        for mimetype in offered:
            formatter = registry[mimetype] if registry is not None else _json_writer(self.app)
            media = _media(self.schemas, tp, mimetype, formatter)
            if example is not UNSET:
                _set_example(media, formatter, mimetype, example)
            content[mimetype] = media
        return content

    def _shared_response(self, code: int) -> dict[str, t.Any]:
        name, response_doc = _SHARED_RESPONSES[code]
        if name not in self.responses:
            self.responses[name] = self._described_response(code, response_doc, None)
        return {"$ref": "#/components/responses/" + name}

    def _described_response(
        self, code: int, response_doc: ResponseDoc, registry: FormatterRegistry | None
    ) -> dict[str, t.Any]:
        response: dict[str, t.Any] = {"description": response_doc.description}
        if response_doc.headers:
            response["headers"] = {
                name: {"description": text, "schema": {"type": "string"}}
                for name, text in response_doc.headers.items()
            }
        if response_doc.body is not None:
            response["content"] = self._response_content(response_doc.body, registry, UNSET)
        elif code >= 400:
            response["content"] = self._error_content(code)
        return response

    def _error_content(self, code: int) -> dict[str, t.Any]:
        if self.problems:
            name = "ValidationProblem" if code == 422 else "Problem"
            reference = {"$ref": COMPONENTS + name}
            problems: dict[str, t.Any] = {
                PROBLEM_JSON: {"schema": reference},
                PROBLEM_XML: {"schema": {**reference, "xml": _PROBLEM_XML}},
            }
            if self.formatters is not None and _HTML in self.formatters:
                # The browsable API shows browsers the problem as a page.
                problems[_HTML] = {"schema": {"type": "string"}}
            return problems
        if self.formatters is None:
            return {"text/html": {"schema": {"type": "string"}}}
        name = "NotAcceptable" if code == 406 else "Error"
        content: dict[str, t.Any] = {}
        for mimetype in self.formatters.offered:
            media: dict[str, t.Any] = {}
            if _is_json(mimetype):
                media["schema"] = {"$ref": COMPONENTS + name}
            elif _is_xml(mimetype):
                root = _xml_root(self.formatters[mimetype])
                media["schema"] = {"$ref": COMPONENTS + name, "xml": {"name": root}}
            elif mimetype.startswith("text/"):
                media["schema"] = {"type": "string"}
            content[mimetype] = media
        return content

    def _security(self, *, allow_bewit: bool) -> list[dict[str, list[str]]]:
        self.security["hawk"] = _HAWK_SCHEME
        requirements: list[dict[str, list[str]]] = [{"hawk": []}]
        if allow_bewit:
            self.security["bewit"] = _BEWIT_SCHEME
            requirements.append({"bewit": []})
        if self.app.config.get("HAWK_ALLOW_COOKIE_AUTH"):
            self.security["session"] = {
                "type": "apiKey",
                "in": "cookie",
                "name": self.app.config.get("SESSION_COOKIE_NAME", "session"),
                "description": "The Flask-Login session of a signed-in browser.",
            }
            requirements.append({"session": []})
        return requirements


# Reading the views.

_HTML = "text/html"
_MISSING: t.Final = object()
_UNDOCUMENTED: t.Final = OperationDoc()
# A response without a body (204), and one whose body the annotation does not
# describe (a Response object, an iterator).
_NO_CONTENT: t.Final = object()
_OPAQUE: t.Final = object()
# Where a success response keeps the body types it was built from, until the
# document is filled in.
_BODIES = "x-flask-api-utils-bodies"


def _is_data(body: object) -> bool:
    """Whether a response body type is negotiated data, not text or nothing."""
    return body not in (_NO_CONTENT, _OPAQUE, str, bytes)


def _bodies(responses: dict[str, dict[str, t.Any]]) -> list[object]:
    return [body for response in responses.values() for body in response.get(_BODIES, ())]


def _typed_parameters(app: Flask, view: cabc.Callable[..., t.Any]) -> list[tuple[str, object]]:
    """The (source, type) of each typed parameter: ``"body"`` or ``"query"``."""
    from .._typed_input import _readers

    return [(reader.source, reader.tp) for reader in _readers(app, view)]


def _blueprint_formats(app: Flask) -> dict[cabc.Callable[..., t.Any], ViewFormats]:
    # ResponsiveFlask keeps each planned view by the formats it was planned
    # with; a blueprint's formats are known only there.
    planned: dict[tuple[t.Any, ViewFormats | None], cabc.Callable[..., t.Any]] = getattr(
        app, "_planned_views", {}
    )
    return {view: formats for (_, formats), view in planned.items() if formats is not None}


def _hawk_protection(view: cabc.Callable[..., t.Any]) -> bool | None:
    """``None`` for a view Hawk does not protect, else whether it takes a bewit."""
    reprotect = getattr(view, "__dict__", {}).get(REPROTECT)
    if reprotect is None:
        return None
    keywords: dict[str, object] = getattr(reprotect, "keywords", {})
    return bool(keywords.get("allow_bewit", False))


def _handler(view: cabc.Callable[..., t.Any], method: str) -> cabc.Callable[..., t.Any]:
    """The function that answers ``method``: a MethodView's method, else the view itself."""
    view_class = getattr(inspect.unwrap(view), "view_class", None)
    handler: object = getattr(view_class, method.lower(), None) if view_class else None
    target = handler if callable(handler) else view
    return t.cast(cabc.Callable[..., t.Any], inspect.unwrap(target))


def _docstring(function: cabc.Callable[..., t.Any]) -> tuple[str | None, str | None]:
    text = inspect.getdoc(function)
    if not text:
        return None, None
    first, _, rest = text.partition("\n")
    return first.strip() or None, rest.strip() or None


def _strip_annotated(tp: object) -> object:
    while t.get_origin(tp) is t.Annotated:
        tp = t.get_args(tp)[0]
    return tp


def _statuses(tp: object) -> list[int] | None:
    """The status codes a tuple member allows.

    A ``Literal``'s codes, ``[]`` for any ``int``, ``None`` for no status type.
    """
    tp = _strip_annotated(tp)
    if tp is int:
        return []
    if t.get_origin(tp) is t.Literal:
        literal = [a for a in t.get_args(tp) if isinstance(a, int) and not isinstance(a, bool)]
        return literal or None
    if t.get_origin(tp) in (t.Union, types.UnionType):
        codes: list[int] = []
        for arg in t.get_args(tp):
            found = _statuses(arg)
            if found is None:
                return None
            codes.extend(found)
        return codes
    return None


def _results(annotation: object, default_status: int | None) -> list[tuple[int, object]]:
    """The (status, body type) pairs a return annotation allows."""
    tp = _strip_annotated(annotation)
    if tp is t.NoReturn or tp is getattr(t, "Never", None):
        return []
    if t.get_origin(tp) in (t.Union, types.UnionType):
        return [
            result
            for arg in t.get_args(tp)
            if arg is not type(None)
            for result in _results(arg, default_status)
        ]
    statuses: list[int] = []
    if t.get_origin(tp) is tuple:
        args = t.get_args(tp)
        if not args:
            return [(default_status or 200, _OPAQUE)]
        tp = _strip_annotated(args[0])
        if len(args) >= 2:
            statuses = _statuses(args[1]) or []
    codes = statuses or [default_status or 200]
    body: object
    body = tp if tp in (str, bytes) or _describable(tp) else _OPAQUE
    return [(code, _NO_CONTENT if code == 204 or code == 304 else body) for code in codes]


def _describable(tp: object) -> bool:
    from .._produces import _is_negotiable_type

    return _is_negotiable_type(tp)


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return f"Status {status}"


# Formats.


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or mimetype.endswith("+json")


def _is_xml(mimetype: str) -> bool:
    return mimetype in ("application/xml", "text/xml") or mimetype.endswith("+xml")


def _xml_root(formatter: object) -> str:
    root = getattr(formatter, "root", "response")
    return root if isinstance(root, str) else "response"


def _json_writer(app: Flask) -> Formatter:
    def write(value: object, /) -> str:
        return app.json.dumps(value)

    return write


def _media(schemas: SchemaSet, tp: object, mimetype: str, formatter: object) -> dict[str, t.Any]:
    if _is_json(mimetype):
        return {"schema": schemas.ref(tp)}
    if _is_xml(mimetype):
        return {"schema": schemas.ref(tp, xml={"name": _xml_root(formatter)})}
    if mimetype == "text/csv":
        return {
            "schema": {
                "type": "string",
                "description": "RFC 4180 CSV: a header row of field names, then one row"
                " per record.",
            }
        }
    if mimetype.startswith("text/"):
        return {"schema": {"type": "string"}}
    return {}


def _set_example(
    media: dict[str, t.Any], formatter: Formatter, mimetype: str, value: object
) -> None:
    written = _example(formatter, mimetype, value)
    if written is not UNSET:
        media["example"] = written


def _example(formatter: Formatter, mimetype: str, value: object) -> object:
    """Return ``value`` as the formatter writes it; ``UNSET`` if it cannot."""
    try:
        written = formatter(value)
    except (TypeError, ValueError) as e:
        # The view offers a format its own data does not fit: the document
        # still builds, and the log says what a client asking for it will get.
        log.warning("OpenAPI: the %r formatter cannot write an example: %s", mimetype, e)
        return UNSET
    if _is_json(mimetype):
        return orjson.loads(written)
    return written.decode() if isinstance(written, bytes) else written


# Filling the placeholders in, once every schema is known.


class _QueryParameters:
    """The parameters of one query type, expanded once its schema is known."""

    __slots__ = ("ref",)

    def __init__(self, ref: SchemaRef) -> None:
        self.ref = ref


def _filled(value: t.Any, schemas: SchemaSet) -> t.Any:
    if isinstance(value, SchemaRef):
        return schemas.schema(value)
    if isinstance(value, dict):
        return {
            key: _filled(item, schemas)
            for key, item in t.cast(dict[str, t.Any], value).items()
            if key != _BODIES
        }
    if isinstance(value, list):
        filled: list[t.Any] = []
        for item in value:
            if isinstance(item, _QueryParameters):
                filled.extend(_query_parameters(schemas, item.ref))
            else:
                filled.append(_filled(item, schemas))
        return filled
    return value


def _query_parameters(schemas: SchemaSet, ref: SchemaRef) -> list[dict[str, t.Any]]:
    schema = schemas.component(ref) or schemas.schema(ref)
    required = set(schema.get("required", ()))
    parameters: list[dict[str, t.Any]] = []
    for name, field in schema.get("properties", {}).items():
        # A query string is no XML document.
        field = orjson.loads(orjson.dumps(field))
        walk_schemas(field, lambda nested: nested.pop("xml", None))
        parameter: dict[str, t.Any] = {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": field,
        }
        description = field.get("description")
        if description:
            parameter["description"] = description
        if field.get("type") == "array":
            parameter["style"] = "form"
            parameter["explode"] = True
        parameters.append(parameter)
    return parameters


def _collect_refs(used: set[str], schema: dict[str, t.Any]) -> None:
    target = schema.get("$ref")
    if isinstance(target, str) and target.startswith(COMPONENTS):
        used.add(target.removeprefix(COMPONENTS))


def _prune_components(document: dict[str, t.Any]) -> None:
    """Drop named schemas nothing refers to, such as a query type's, once expanded."""
    schemas: dict[str, t.Any] = document["components"]["schemas"]
    while True:
        used: set[str] = set()
        walk_schemas(document["paths"], functools.partial(_collect_refs, used))
        walk_schemas(
            document["components"].get("responses", {}), functools.partial(_collect_refs, used)
        )
        for schema in schemas.values():
            walk_schemas(schema, functools.partial(_collect_refs, used))
        unused = [name for name in schemas if name not in used]
        if not unused:
            return
        for name in unused:
            del schemas[name]


# The error bodies: RFC 9457 problems, or ResponsiveFlask's default error body.

_PROBLEM_XML = {"name": "problem", "namespace": "urn:ietf:rfc:7807"}

_ERROR_SCHEMAS: dict[str, t.Any] = {
    "Problem": {
        "title": "Problem",
        "description": "RFC 9457 problem details.",
        "type": "object",
        "properties": {
            "type": {"type": "string", "format": "uri-reference", "default": "about:blank"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 100, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string", "format": "uri-reference"},
        },
        "required": ["type", "title", "status"],
    },
    "ValidationProblem": {
        "title": "ValidationProblem",
        "description": "A problem whose errors member lists every field that does not fit.",
        "allOf": [
            {"$ref": COMPONENTS + "Problem"},
            {
                "type": "object",
                "properties": {
                    "errors": {
                        "type": "array",
                        "xml": {"wrapped": True},
                        "items": {"$ref": COMPONENTS + "FieldError", "xml": {"name": "i"}},
                    }
                },
                "required": ["errors"],
            },
        ],
    },
    "FieldError": {
        "title": "FieldError",
        "type": "object",
        "properties": {
            "source": {"type": "string", "enum": ["body", "query"]},
            "location": {"type": "string", "description": "Such as items[3].price."},
            "reason": {"type": "string"},
            "code": {"type": "string"},
        },
        "required": ["source", "location", "reason", "code"],
    },
    "Error": {
        "title": "Error",
        "description": "An HTTP error.",
        "type": "object",
        "properties": {
            "code": {"type": "integer"},
            "name": {"type": "string"},
            "description": {"type": "string"},
        },
        "required": ["code", "name", "description"],
    },
    "NotAcceptable": {
        "title": "NotAcceptable",
        "description": "The types the resource offers.",
        "type": "object",
        "properties": {
            "mimetypes": {
                "type": "array",
                "xml": {"wrapped": True},
                "items": {"type": "string", "xml": {"name": "item"}},
            }
        },
        "required": ["mimetypes"],
    },
}

# The error responses many operations share, kept once under components/responses.
_SHARED_RESPONSES: dict[int, tuple[str, ResponseDoc]] = {
    400: (
        "BadRequest",
        ResponseDoc(
            "The request is malformed: a body that does not parse, or a malformed"
            " Authorization header."
        ),
    ),
    401: (
        "Unauthorized",
        ResponseDoc(
            "No valid Hawk credentials.",
            headers={"WWW-Authenticate": "The Hawk challenge, with an error message."},
        ),
    ),
    406: ("NotAcceptable", ResponseDoc("None of the types the operation offers is acceptable.")),
    415: (
        "UnsupportedMediaType",
        ResponseDoc(
            "The body's Content-Type is not one the operation reads.",
            headers={
                "Accept-Post": "On POST: the accepted types.",
                "Accept-Patch": "On PATCH: the accepted types.",
            },
        ),
    ),
    422: (
        "UnprocessableContent",
        ResponseDoc("A well-formed body or query that does not fit the declared type."),
    ),
}

_HAWK_SCHEME: dict[str, t.Any] = {
    "type": "http",
    "scheme": "hawk",
    "description": "Hawk: an Authorization header with a MAC of the request, made with the"
    " client's key (https://github.com/mozilla/hawk).",
}

_BEWIT_SCHEME: dict[str, t.Any] = {
    "type": "apiKey",
    "in": "query",
    "name": "bewit",
    "description": "A Hawk bewit: a signed, expiring grant to GET this URL.",
}
