"""The app factory: one :class:`~flask_api_utils.ResponsiveFlask` app, two ways in.

API clients sign requests with Hawk (keys in the ``clients`` table); people
log in with a form and their browser calls the same API with the session
cookie. See ``examples/notes/README.md``.
"""

from __future__ import annotations

import collections.abc as cabc
import contextlib
import os
import pathlib
import secrets
import typing as t

from werkzeug.middleware.proxy_fix import ProxyFix

from flask_api_utils import (
    BrowsableAPIFormatter,
    ClientKey,
    MemoryNonceStore,
    OpenAPI,
    ProblemDetails,
    RedisNonceStore,
    ResponsiveFlask,
    XMLFormatter,
)

from .aiodb import AsyncNoteStore
from .api import api
from .db import NoteStore
from .demo import init_demo_command
from .extensions import ASYNC_NOTES, NONCE_STORE, async_note_store, hawk, login_manager, note_store
from .models import User
from .web import web

if t.TYPE_CHECKING:
    from flask_api_utils.typing import NonceStore

__all__ = ["VENDOR_XML", "create_app", "default_instance_path", "load_client_key", "load_user"]

#: The vendor mimetype of the original README's curl examples.
VENDOR_XML = "application/vnd.company+xml"


def default_instance_path() -> pathlib.Path:
    """Where the database, the secret key and ``client.json`` live.

    ``$NOTES_INSTANCE_PATH`` if set, else ``instance`` next to the ``notes``
    package (``examples/instance``), which Git ignores.
    """
    configured = os.environ.get("NOTES_INSTANCE_PATH")
    if configured:
        return pathlib.Path(configured).resolve()
    return pathlib.Path(__file__).resolve().parent.parent / "instance"


def _secret_key(path: pathlib.Path) -> str:
    """Read the session signing key, creating it on first run.

    Every gunicorn worker must sign sessions with the same key, so it lives in
    a file, not in memory. Two workers starting at once may both create one:
    each writes its own temporary file and links it into place, so exactly one
    wins and both read the winner.
    """
    with contextlib.suppress(FileNotFoundError):
        return path.read_text(encoding="ascii").strip()
    candidate = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(descriptor, "w", encoding="ascii") as f:
        f.write(secrets.token_hex(32))
    try:
        os.link(candidate, path)
    except FileExistsError:
        pass
    finally:
        candidate.unlink()
    return path.read_text(encoding="ascii").strip()


def _nonce_store(redis_url: str | None) -> NonceStore:
    if redis_url:
        # A hung Redis holds each request this long before the 503.
        return RedisNonceStore.from_url(redis_url, socket_timeout=2.0)
    return MemoryNonceStore()


@hawk.client_key_loader
async def load_client_key(client_id: str) -> ClientKey | None:
    """Look a Hawk client up in the ``clients`` table, on the loop's own connection."""
    client = await async_note_store().get_client(client_id)
    return None if client is None else ClientKey(client.key, client.algorithm)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the user whose id Flask-Login kept in the session."""
    return note_store().get_user(int(user_id)) if user_id.isdigit() else None


_DESCRIPTION = """\
Notes that Hawk clients and signed-in browsers share. Every resource is JSON or
XML, by `Accept`; errors are RFC 9457 problem details.

Sign requests with Hawk (the `hawk` scheme). From this page, sign in at `/login`
first: the docs' calls then carry the session cookie.
"""


def _hello() -> dict[str, str]:
    return {"hello": "world"}


def create_app(
    config: cabc.Mapping[str, t.Any] | None = None,
    *,
    instance_path: str | os.PathLike[str] | None = None,
) -> ResponsiveFlask:
    """Make the notes app.

    The database, tables included, and the session key are created in the
    instance folder on first run.

    :param config: overrides for the defaults below, such as ``{"TESTING": True}``.
    :param instance_path: the instance folder (default: :func:`default_instance_path`).

    Configuration, beyond Flask's and Hawk's:

    ``DATABASE``
        The SQLite file (default: ``notes.sqlite3`` in the instance folder).
    ``REDIS_URL``
        Keep Hawk nonces in Redis instead of this process's memory, so that a
        request replayed to another worker is refused too (default: the
        ``REDIS_URL`` environment variable, else unset).
    ``TRUSTED_PROXIES``
        How many reverse proxies in front of the app set ``X-Forwarded-*``
        headers; they are believed only that many hops deep (default: the
        ``NOTES_TRUSTED_PROXIES`` environment variable, else 0: none).
    """
    folder = pathlib.Path(instance_path).resolve() if instance_path else default_instance_path()
    folder.mkdir(parents=True, exist_ok=True)
    app = ResponsiveFlask(__name__, instance_path=os.fspath(folder))
    app.config.from_mapping(
        DATABASE=os.fspath(folder / "notes.sqlite3"),
        REDIS_URL=os.environ.get("REDIS_URL") or None,
        TRUSTED_PROXIES=int(os.environ.get("NOTES_TRUSTED_PROXIES") or 0),
        HAWK_SIGN_RESPONSE=True,
        HAWK_ALLOW_COOKIE_AUTH=True,
        SESSION_COOKIE_SAMESITE="Lax",
        OPENAPI_TITLE="Notes API",
        OPENAPI_DESCRIPTION=_DESCRIPTION,
        OPENAPI_BLUEPRINTS=["api"],
    )
    if config is not None:
        app.config.from_mapping(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(folder / "secret_key")

    store = NoteStore(app.config["DATABASE"])
    store.create_schema()
    app.extensions["notes"] = store
    app.extensions[ASYNC_NOTES] = AsyncNoteStore(app.config["DATABASE"])
    app.extensions[NONCE_STORE] = _nonce_store(app.config["REDIS_URL"])

    app.response_formatters["application/xml"] = XMLFormatter(pretty=True)
    app.response_formatters[VENDOR_XML] = XMLFormatter(root="company", pretty=True)
    # A browser opening an API URL gets a readable page; other clients are unchanged.
    app.response_formatters["text/html"] = BrowsableAPIFormatter(title="Notes API")
    # Bodies in the formats the API answers in; the browser page sends JSON.
    for form_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        del app.request_parsers[form_type]
    ProblemDetails(app)
    OpenAPI(app)
    app.add_url_rule("/hello", view_func=_hello)

    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        # A Hawk MAC covers the scheme, host, port and path the client used:
        # behind a proxy only the X-Forwarded-* headers still carry them.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )

    hawk.init_app(app)
    login_manager.init_app(app)
    app.register_blueprint(api)
    app.register_blueprint(web)
    app.cli.add_command(init_demo_command)
    return app
