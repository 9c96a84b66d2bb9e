"""Build an OpenAPI 3.1 document from an app's routes and its views' types.

Nothing here runs per request: :func:`build_document` walks the URL map once
and reads what the views already declare for the type checkers (typed
bodies and queries, return annotations, ``@produces``, Hawk on the view)
plus what :func:`~flask_api_utils.openapi.doc` added.
"""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
import typing as t

from .._produces import declared_formats
from .._typed_input import resolved_annotations
from ..negotiation import FormatterRegistry
from ..problems import PROBLEM_JSON, PROBLEM_XML
from ._annotate import UNSET, OperationDoc, ResponseDoc, operation_doc
from ._components import (
    BEWIT_SCHEME,
    ERROR_SCHEMAS,
    HAWK_SCHEME,
    PROBLEM_XML_OBJECT,
    SHARED_RESPONSES,
)
from ._formats import is_json, is_xml, json_writer, media_for, set_example, xml_root
from ._schemas import COMPONENTS, QueryParameters, SchemaSet, filled, prune_components
from ._views import (
    MISSING,
    blueprint_formats,
    docstring,
    hawk_protection,
    is_data,
    path_and_parameters,
    phrase,
    results,
    typed_parameters,
    view_handler,
)

if t.TYPE_CHECKING:
    from flask import Flask
    from werkzeug.routing import Rule

    from ..typing import Formatter

__all__ = ["DocumentSettings", "build_document"]

#: The OpenAPI version of the documents built here.
OPENAPI_VERSION = "3.1.0"

# The order Swagger UI and most documents list an operation's methods in.
_METHOD_ORDER = ("GET", "PUT", "POST", "DELETE", "PATCH", "TRACE")
_METHOD_KEYS = tuple(method.lower() for method in _METHOD_ORDER)

_HTML = "text/html"
_UNDOCUMENTED: t.Final = OperationDoc()


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
        self.view_formats = blueprint_formats(app)
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
            path, path_parameters = path_and_parameters(self.app.url_map, rule.rule)
            methods = [m for m in _METHOD_ORDER if m in (rule.methods or ())]
            item = paths.setdefault(path, {})
            for method in methods:
                handler = view_handler(view, method)
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
            for path, item in filled(paths, self.schemas).items()
            if item
        }
        components: dict[str, t.Any] = {"schemas": {**self.schemas.components, **ERROR_SCHEMAS}}
        if self.responses:
            components["responses"] = self.responses
        if self.security:
            components["securitySchemes"] = self.security
        document["components"] = components
        prune_components(document)
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
        summary, description = docstring(target)
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
        readers = typed_parameters(self.app, view)
        # The query types' parameters are expanded once their schemas are known.
        parameters: list[t.Any] = list(path_parameters)
        body_type: object = None
        for source, tp in readers:
            if source == "query":
                parameters.append(QueryParameters(self.schemas.ref(tp)))
            else:
                body_type = tp
        if parameters:
            operation["parameters"] = parameters
        if body_type is not None:
            operation["requestBody"] = {
                "required": True,
                "content": self._request_content(body_type, recorded.request_example),
            }

        returned = results(resolved_annotations(target).get("return", MISSING), recorded.status)
        bodies = [body for _, body in returned]
        responses = self._success_responses(returned, registry, recorded)
        negotiated = registry is not None and (
            declared_formats(view) is not None
            or view in self.view_formats
            or any(is_data(body) for body in bodies)
        )
        protection = hawk_protection(view)
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
                set_example(media, writer, mimetype, example)
            content[mimetype] = media
        return content

    def _example_writer(self, mimetype: str) -> Formatter | None:
        if self.formatters is not None and mimetype in self.formatters:
            return self.formatters[mimetype]
        if is_json(mimetype):
            return json_writer(self.app)
        return None

    # Responses.

    def _success_responses(
        self,
        returned: list[tuple[int, object]],
        registry: FormatterRegistry | None,
        recorded: OperationDoc,
    ) -> dict[str, dict[str, t.Any]]:
        by_status: dict[int, list[object]] = {}
        for status, body in returned:
            by_status.setdefault(status, []).append(body)
        responses: dict[str, dict[str, t.Any]] = {}
        for status, bodies in sorted(by_status.items()):
            response: dict[str, t.Any] = {"description": phrase(status)}
            texts = [body for body in bodies if body in (str, bytes)]
            records = [body for body in bodies if is_data(body)]
            content: dict[str, t.Any] = {}
            if records:
                body_type = records[0] if len(records) == 1 else t.Union[tuple(records)]  # noqa: UP007
                example = recorded.response_example if status == min(by_status) else UNSET
                content.update(self._response_content(body_type, registry, example))
            if texts:
                content.setdefault("text/html", {"schema": {"type": "string"}})
            if content:
                response["content"] = content
            responses[str(status)] = response
        return responses

    def _response_content(
        self, tp: object, registry: FormatterRegistry | None, example: object
    ) -> dict[str, t.Any]:
        offered = registry.offered if registry is not None else ("application/json",)
        content: dict[str, t.Any] = {}
        for mimetype in offered:
            formatter = registry[mimetype] if registry is not None else json_writer(self.app)
            media = media_for(self.schemas, tp, mimetype, formatter)
            if example is not UNSET:
                set_example(media, formatter, mimetype, example)
            content[mimetype] = media
        return content

    def _shared_response(self, code: int) -> dict[str, t.Any]:
        name, response_doc = SHARED_RESPONSES[code]
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
                PROBLEM_XML: {"schema": {**reference, "xml": PROBLEM_XML_OBJECT}},
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
            if is_json(mimetype):
                media["schema"] = {"$ref": COMPONENTS + name}
            elif is_xml(mimetype):
                root = xml_root(self.formatters[mimetype])
                media["schema"] = {"$ref": COMPONENTS + name, "xml": {"name": root}}
            elif mimetype.startswith("text/"):
                media["schema"] = {"type": "string"}
            content[mimetype] = media
        return content

    def _security(self, *, allow_bewit: bool) -> list[dict[str, list[str]]]:
        self.security["hawk"] = HAWK_SCHEME
        requirements: list[dict[str, list[str]]] = [{"hawk": []}]
        if allow_bewit:
            self.security["bewit"] = BEWIT_SCHEME
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
