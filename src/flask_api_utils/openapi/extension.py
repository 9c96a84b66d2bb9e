"""The :class:`OpenAPI` extension: ``/openapi.json`` and interactive docs at ``/docs``."""

from __future__ import annotations

import dataclasses
import hashlib
import html
import pathlib
import threading
import typing as t

import orjson
from flask import Blueprint, Flask, Response, current_app, request, send_from_directory, url_for

from ._document import DocumentSettings, build_document

__all__ = ["OpenAPI"]

_EXTRA_MESSAGE = (
    "The OpenAPI document and its docs page need pydantic and flask-swagger-ui:"
    " install the 'openapi' extra, pip install 'flask-api-utils[openapi]'."
)

#: The settings :meth:`OpenAPI.init_app` reads, with their defaults.
DEFAULT_CONFIG: dict[str, t.Any] = {
    "OPENAPI_PATH": "/openapi.json",
    "OPENAPI_DOCS_PATH": "/docs",
    "OPENAPI_TITLE": None,
    "OPENAPI_VERSION": "1.0.0",
    "OPENAPI_DESCRIPTION": None,
    "OPENAPI_BLUEPRINTS": None,
}

_ASSETS = pathlib.Path(__file__).parent / "assets"

# The docs page loads nothing but its own assets and the document, and runs no
# inline script; Swagger UI sets inline styles and shows data: images.
_DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
    " img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none';"
    " form-action 'self'; frame-ancestors 'none'"
)


@dataclasses.dataclass
class _AppState:
    """The document of one app, built by the first request that needs it."""

    settings: DocumentSettings
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    document: dict[str, t.Any] | None = None
    body: bytes = b""
    etag: str = ""


class OpenAPI:
    """Describe an app's API in an OpenAPI 3.1 document, and serve it with its docs.

    ``OpenAPI(app)``, or ``openapi = OpenAPI()`` then ``openapi.init_app(app)``.
    The document comes from what the views already declare: typed bodies and
    queries, return annotations, ``@produces`` and Hawk. It is built once,
    on the first request for it, and served from memory after that; no other
    request pays for it. Add what types cannot say with
    :func:`~flask_api_utils.doc`.

    Needs the ``openapi`` extra.

    :param app: the app, when not set up later with :meth:`init_app`.
    """

    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Register ``/openapi.json`` and ``/docs`` on ``app``, under the ``openapi`` blueprint.

        Read here, so set them before calling it:

        ``OPENAPI_PATH`` (``"/openapi.json"``)
            Where the document is served (endpoint ``openapi.spec``); ``None``
            serves neither the document nor the docs.
        ``OPENAPI_DOCS_PATH`` (``"/docs"``)
            Where Swagger UI shows the document (endpoint ``openapi.docs``),
            from assets installed with the package, never a CDN; ``None``
            turns the docs page off.
        ``OPENAPI_TITLE`` (``None``)
            The API's title; the app's name when ``None``.
        ``OPENAPI_VERSION`` (``"1.0.0"``)
            The version of the API (not of OpenAPI).
        ``OPENAPI_DESCRIPTION`` (``None``)
            A description of the whole API, in CommonMark.
        ``OPENAPI_BLUEPRINTS`` (``None``)
            Document only the routes of these blueprints (and of blueprints
            nested in them); ``None`` documents every route.

        :raise RuntimeError: if ``app`` already has an OpenAPI extension.
        :raise ImportError: naming the ``openapi`` extra, when it is missing.
        """
        if "openapi" in app.extensions:
            msg = "This app already has an OpenAPI document: call init_app once."
            raise RuntimeError(msg)
        for name, value in DEFAULT_CONFIG.items():
            app.config.setdefault(name, value)
        config = app.config
        spec_path: str | None = config["OPENAPI_PATH"]
        docs_path: str | None = config["OPENAPI_DOCS_PATH"] if spec_path is not None else None
        _require_extra(docs=docs_path is not None)
        blueprints = config["OPENAPI_BLUEPRINTS"]
        settings = DocumentSettings(
            title=config["OPENAPI_TITLE"] or app.name,
            version=str(config["OPENAPI_VERSION"]),
            description=config["OPENAPI_DESCRIPTION"],
            blueprints=tuple(blueprints) if blueprints is not None else None,
            skip_endpoints=frozenset(
                {"static", "openapi.spec", "openapi.docs", "openapi.docs_asset"}
            ),
        )
        app.extensions["openapi"] = _AppState(settings)
        blueprint = Blueprint("openapi", __name__)
        if spec_path is not None:
            blueprint.add_url_rule(spec_path, "spec", self._serve_document)
        if docs_path is not None:
            blueprint.add_url_rule(docs_path, "docs", self._serve_docs)
            blueprint.add_url_rule(
                docs_path.rstrip("/") + "/assets/<path:filename>", "docs_asset", _serve_asset
            )
        app.register_blueprint(blueprint)

    def document(self, app: Flask | None = None) -> dict[str, t.Any]:
        """Return the app's OpenAPI document, building it on the first call.

        The same object is returned to every caller: do not change it.

        :param app: the app; the current app when ``None``.
        """
        return _built(app if app is not None else current_app._get_current_object())[0]  # type: ignore[attr-defined]

    def _serve_document(self) -> Response:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        _, state = _built(app)
        response = app.response_class(state.body, mimetype="application/json")
        response.set_etag(state.etag)
        response.headers["Cache-Control"] = "no-cache"
        return t.cast(Response, response.make_conditional(request))

    def _serve_docs(self) -> Response:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        state: _AppState = app.extensions["openapi"]
        page = _DOCS_PAGE.format(
            title=html.escape(state.settings.title),
            assets=html.escape(
                url_for("openapi.docs_asset", filename="docs.js").rpartition("/")[0]
            ),
            spec_url=html.escape(url_for("openapi.spec")),
        )
        response = app.response_class(page, mimetype="text/html")
        response.headers["Content-Security-Policy"] = _DOCS_POLICY
        return t.cast(Response, response)


def _built(app: Flask) -> tuple[dict[str, t.Any], _AppState]:
    state: _AppState = app.extensions["openapi"]
    if state.document is None:
        with state.lock:
            if state.document is None:
                document = build_document(app, state.settings)
                state.body = orjson.dumps(document)
                state.etag = hashlib.sha256(state.body).hexdigest()[:32]
                state.document = document
    return state.document, state


def _serve_asset(filename: str) -> Response:
    # Our own script first, then Swagger UI's files as the package ships them.
    directory = _ASSETS if (_ASSETS / filename).is_file() else _swagger_ui_dist()
    return send_from_directory(directory, filename, max_age=86400)


def _swagger_ui_dist() -> pathlib.Path:
    import flask_swagger_ui

    return pathlib.Path(flask_swagger_ui.__file__).parent / "dist"


def _require_extra(*, docs: bool) -> None:
    try:
        import pydantic  # noqa: F401

        if docs:
            import flask_swagger_ui  # noqa: F401
    except ImportError:
        raise ImportError(_EXTRA_MESSAGE) from None


_DOCS_PAGE = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: API docs</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-spec-url="{spec_url}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/docs.js"></script>
</body>
</html>
"""
