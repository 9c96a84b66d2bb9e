"""The Hawk extension: authenticate requests to the views that ask for it.

A request to a view decorated with :meth:`Hawk.auth_required` goes through
these steps, each of which may end it:

1. Pass through when ``HAWK_ENABLED`` is false or the method is OPTIONS.
2. Find the credentials: an ``Authorization`` header, else a ``bewit``
   parameter (views that allow one), else a Flask-Login session (with
   ``HAWK_ALLOW_COOKIE_AUTH``), else 401.
3. Parse them; anything malformed is a 400.
4. Load the client's key through the key loader; an unknown client is a 401.
5. Check the MAC, the payload hash and the timestamp; a mismatch is a
   401, a stale timestamp a 401 carrying the server's time for the client.
6. Remember the nonce; a replay is a 401, a store that cannot answer a 503.
7. Record who was authenticated for :func:`current_hawk_auth`, and keep the
   verification to sign the response (``HAWK_SIGN_RESPONSE``).
"""

from __future__ import annotations

import collections.abc as cabc
import datetime
import functools
import inspect
import logging
import time
import typing as t

from flask import current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, ServiceUnavailable, Unauthorized

from .._typed_input import REPROTECT as _REPROTECT
from . import _bewit, _client, _protocol
from ._state import STATE, HawkAuth, RequestState, finish_response
from .credentials import ClientKey, HawkCredentials
from .nonces import MemoryNonceStore, NonceStoreUnavailable

if t.TYPE_CHECKING:
    from flask import Config, Flask
    from flask.wrappers import Request
    from werkzeug.local import LocalProxy

    from ..typing import (
        AsyncKeyLoader,
        AsyncNonceStore,
        KeyLoader,
        KeyLoaderResult,
        NonceStore,
        SyncKeyLoader,
    )

__all__ = ["Hawk", "make_bewit_url"]

log = logging.getLogger("flask_api_utils.hawk")

P = t.ParamSpec("P")
R = t.TypeVar("R")
T_key_loader = t.TypeVar("T_key_loader", bound="KeyLoader")

_LOGIN_EXTRA = "pip install 'flask-api-utils[login]'"
_ALGORITHMS = frozenset({"sha256", "sha1"})

# The objects behind Flask's proxies, bound once: every access through a
# proxy resolves it again, and costs as much as a whole step of the flow.
_current_app = t.cast("LocalProxy[Flask]", current_app)._get_current_object
_current_request = t.cast("LocalProxy[Request]", request)._get_current_object

_DEFAULT_CONFIG: dict[str, object] = {
    "HAWK_ENABLED": True,
    "HAWK_SIGN_RESPONSE": False,
    "HAWK_ALLOW_COOKIE_AUTH": False,
    "HAWK_ALGORITHM": "sha256",
    "HAWK_ACCEPT_UNTRUSTED_CONTENT": False,
    "HAWK_LOCALTIME_OFFSET_IN_SECONDS": 0,
    "HAWK_TIMESTAMP_SKEW_IN_SECONDS": 60,
}


def make_bewit_url(
    url: str,
    credentials: HawkCredentials,
    *,
    ttl: float | datetime.timedelta,
    ext: str | None = None,
) -> str:
    """Return ``url`` with a bewit that lets anyone GET it until ``ttl`` passes.

    Use this where the client's key is at hand (a command-line client); in a
    Flask app :meth:`Hawk.bewit_url` looks the key up through the key loader.

    :param url: The absolute URL to authorise, as the client will request it.
    :param credentials: The client the bewit speaks for.
    :param ttl: How long the bewit stays valid, in seconds or as a timedelta.
    :param ext: An application-specific value to sign into the bewit.
    :raises ValueError: If ``url`` is not absolute or already has a bewit, or
        ``ttl`` is not positive.
    """
    as_mapping = {"id": credentials.id, "key": credentials.key, "algorithm": credentials.algorithm}
    return _bewit_url(url, as_mapping, ttl=ttl, ext=ext)


def _bewit_url(
    url: str,
    credentials: dict[str, str],
    *,
    ttl: float | datetime.timedelta,
    ext: str | None,
    offset: float = 0,
) -> str:
    seconds = ttl.total_seconds() if isinstance(ttl, datetime.timedelta) else float(ttl)
    if not seconds > 0:
        msg = f"bewit 'ttl' must be positive, got {ttl!r}"
        raise ValueError(msg)
    expiry = int(time.time() + offset + seconds)
    return _client.bewit_url(url, credentials, expiry=expiry, ext=ext)


class Hawk:
    """Hawk authentication for a Flask app.

    ::

        hawk = Hawk(app)  # or Hawk() and, later, hawk.init_app(app)

        @hawk.client_key_loader
        def get_client_key(client_id: str) -> str:
            return keys[client_id]  # a LookupError means an unknown client

        @app.get("/")
        @hawk.auth_required
        def index() -> str:
            return f"hello {current_hawk_auth().client_id}"

    The MAC covers the method, the host, the port and the request target
    exactly as the client sent them (``REQUEST_URI`` or ``RAW_URI`` where the
    server provides it, so ``/a%2Fb`` verifies). Behind a reverse proxy, let
    Werkzeug's ``ProxyFix`` restore what the client saw, trusting only as many
    proxies as there are::

        app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1, x_port=1, x_prefix=1)

    :param app: The app to set up now; see :meth:`init_app`.
    :param nonce_store: Where the nonces of accepted requests are kept against
        replays: a :class:`~flask_api_utils.typing.NonceStore` or
        :class:`~flask_api_utils.typing.AsyncNonceStore`. Defaults to a
        :class:`~flask_api_utils.MemoryNonceStore`, which one process holds;
        give every worker of a multi-process server one shared store (Redis).
    """

    def __init__(
        self,
        app: Flask | None = None,
        *,
        nonce_store: NonceStore | AsyncNonceStore | None = None,
    ) -> None:
        if nonce_store is None:
            nonce_store = MemoryNonceStore()
        if not callable(getattr(nonce_store, "remember", None)):
            msg = f"'nonce_store' must have a remember(key, ttl) method, got {nonce_store!r}"
            raise TypeError(msg)
        self._sync_store: NonceStore | None = None
        self._async_store: AsyncNonceStore | None = None
        if inspect.iscoroutinefunction(nonce_store.remember):
            self._async_store = t.cast("AsyncNonceStore", nonce_store)
        else:
            self._sync_store = t.cast("NonceStore", nonce_store)
        self._sync_loader: SyncKeyLoader | None = None
        self._async_loader: AsyncKeyLoader | None = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Set ``app`` up: default configuration, response signing, ``app.extensions``.

        Configuration is read on every request, so it may change after this call:

        ``HAWK_ENABLED`` (``True``)
            ``False`` lets every request through unauthenticated, for the
            app's own tests; :func:`current_hawk_auth` then raises.
        ``HAWK_SIGN_RESPONSE`` (``False``)
            Sign every response to a request authenticated by a Hawk header
            with a ``Server-Authorization`` header. A streamed response is
            signed without a payload hash (it is never buffered), so its
            client must accept untrusted content to verify it.
        ``HAWK_ALLOW_COOKIE_AUTH`` (``False``)
            Let a request without an Authorization header through when
            Flask-Login's ``current_user.is_authenticated`` (needs the
            ``login`` extra and a ``LoginManager`` on the app).
        ``HAWK_ALGORITHM`` (``"sha256"``)
            The MAC algorithm of clients whose key loader returns a plain key:
            ``"sha256"`` or ``"sha1"``.
        ``HAWK_ACCEPT_UNTRUSTED_CONTENT`` (``False``)
            Accept a request with a body whose header has no payload ``hash``.
        ``HAWK_LOCALTIME_OFFSET_IN_SECONDS`` (``0``)
            Seconds added to this server's clock before comparing timestamps.
        ``HAWK_TIMESTAMP_SKEW_IN_SECONDS`` (``60``)
            How far a request's timestamp may be from the server's time, either
            way; a nonce is remembered until its timestamp leaves this window.

        Every response of a protected view to a CORS request (one with an
        ``Origin`` header) lists ``WWW-Authenticate`` and
        ``Server-Authorization`` in ``Access-Control-Expose-Headers`` (merged
        with the value other hooks set), so that browser scripts can read them.
        Responses to bewit and session requests are not signed: there is no
        request MAC to answer.

        :param app: The app to authenticate requests of.
        :raises RuntimeError: If ``init_app`` already ran for ``app``.
        """
        if "hawk" in app.extensions:
            msg = f"A Hawk extension is already registered on the app {app.name!r}"
            raise RuntimeError(msg)
        for name, value in _DEFAULT_CONFIG.items():
            app.config.setdefault(name, value)
        app.extensions["hawk"] = self
        # An app-wide hook, not one per request: it runs after the hooks
        # registered later (Flask-CORS, say), so it merges with their headers.
        app.after_request(finish_response)

    def client_key_loader(self, loader: T_key_loader) -> T_key_loader:
        """Register the function that returns a client's key from its id.

        The function may be ``async def``. It returns the key (a ``str``, used
        with ``HAWK_ALGORITHM``) or a :class:`~flask_api_utils.ClientKey`
        naming the client's algorithm; for an unknown client it raises
        :exc:`LookupError` or returns ``None``. Any other exception is a
        server error (500).

        :param loader: The key loader; returned unchanged.
        """
        if inspect.iscoroutinefunction(loader):
            self._async_loader = t.cast("AsyncKeyLoader", loader)
            self._sync_loader = None
        else:
            self._sync_loader = t.cast("SyncKeyLoader", loader)
            self._async_loader = None
        return loader

    @t.overload
    def auth_required(self, view: cabc.Callable[P, R], /) -> cabc.Callable[P, R]: ...

    @t.overload
    def auth_required(
        self, /, *, bewit: bool = False
    ) -> cabc.Callable[[cabc.Callable[P, R]], cabc.Callable[P, R]]: ...

    def auth_required(
        self, view: cabc.Callable[..., t.Any] | None = None, /, *, bewit: bool = False
    ) -> t.Any:
        """Require Hawk authentication for a view, sync or ``async def``.

        Use it bare (``@hawk.auth_required``) or with arguments
        (``@hawk.auth_required(bewit=True)``), under the route decorator.

        :param view: The view to protect, when used bare.
        :param bewit: Also accept a ``bewit`` query parameter on GET and HEAD
            (see :meth:`bewit_url`).
        """
        if view is not None:
            return self._protect(view, allow_bewit=bewit)
        return functools.partial(self._protect, allow_bewit=bewit)

    def bewit_url(
        self,
        url: str,
        client_id: str,
        *,
        ttl: float | datetime.timedelta,
        ext: str | None = None,
    ) -> str:
        """Return ``url`` with a bewit for ``client_id``, its key from the key loader.

        A sync call: from an ``async def`` view use :meth:`bewit_url_async`.
        Needs an app context (an ``async def`` loader runs through
        ``current_app.async_to_sync``).

        :param url: The absolute URL to authorise (``url_for(..., _external=True)``).
        :param client_id: The client the bewit speaks for.
        :param ttl: How long the bewit stays valid, in seconds or as a timedelta.
        :param ext: An application-specific value to sign into the bewit.
        :raises LookupError: If the key loader does not know ``client_id``.
        """
        result = self._load_key_sync(client_id)
        return self._bewit_url_with(url, client_id, result, ttl=ttl, ext=ext)

    async def bewit_url_async(
        self,
        url: str,
        client_id: str,
        *,
        ttl: float | datetime.timedelta,
        ext: str | None = None,
    ) -> str:
        """Do what :meth:`bewit_url` does, awaiting an ``async def`` key loader.

        :param url: The absolute URL to authorise.
        :param client_id: The client the bewit speaks for.
        :param ttl: How long the bewit stays valid, in seconds or as a timedelta.
        :param ext: An application-specific value to sign into the bewit.
        :raises LookupError: If the key loader does not know ``client_id``.
        """
        result = await self._load_key_async(client_id)
        return self._bewit_url_with(url, client_id, result, ttl=ttl, ext=ext)

    def _bewit_url_with(
        self,
        url: str,
        client_id: str,
        result: KeyLoaderResult,
        *,
        ttl: float | datetime.timedelta,
        ext: str | None,
    ) -> str:
        if result is None:
            raise _unknown_client(client_id)
        config = current_app.config
        credentials = self._credentials(client_id, result, config)
        offset = config["HAWK_LOCALTIME_OFFSET_IN_SECONDS"]
        return _bewit_url(url, credentials, ttl=ttl, ext=ext, offset=offset)

    # The flow, once for sync views and once for async ones.

    def _protect(self, view: cabc.Callable[P, R], allow_bewit: bool) -> cabc.Callable[P, R]:
        if inspect.iscoroutinefunction(view):

            @functools.wraps(view)
            async def async_inner(*args: P.args, **kwargs: P.kwargs) -> t.Any:
                await self._authenticate_async(allow_bewit)
                return await view(*args, **kwargs)

            vars(async_inner)[_REPROTECT] = functools.partial(
                self._protect, allow_bewit=allow_bewit
            )
            return t.cast("cabc.Callable[P, R]", async_inner)

        @functools.wraps(view)
        def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            self._authenticate_sync(allow_bewit)
            return view(*args, **kwargs)

        vars(inner)[_REPROTECT] = functools.partial(self._protect, allow_bewit=allow_bewit)
        return inner

    def _authenticate_sync(self, allow_bewit: bool) -> None:
        state = self._begin(allow_bewit)
        if state is None:
            return
        client_id = state.client_id
        credentials = self._credentials(client_id, self._load_key_sync(client_id), state.config)
        nonce = self._verify(state, credentials)
        if nonce is not None:
            try:
                fresh = self._remember_sync(*nonce)
            except NonceStoreUnavailable:
                raise self._store_unavailable(client_id) from None
            if not fresh:
                raise _replayed(client_id)
        state.accepted = True

    async def _authenticate_async(self, allow_bewit: bool) -> None:
        state = self._begin(allow_bewit)
        if state is None:
            return
        client_id = state.client_id
        result = await self._load_key_async(client_id)
        credentials = self._credentials(client_id, result, state.config)
        nonce = self._verify(state, credentials)
        if nonce is not None:
            try:
                fresh = await self._remember_async(*nonce)
            except NonceStoreUnavailable:
                raise self._store_unavailable(client_id) from None
            if not fresh:
                raise _replayed(client_id)
        state.accepted = True

    # The steps, in the order the flow takes them.

    def _begin(self, allow_bewit: bool) -> RequestState | None:
        """Return the request's state with its credentials parsed, or ``None`` to let it pass.

        A request passes when Hawk is off, for a CORS preflight, and for a
        Flask-Login session (``HAWK_ALLOW_COOKIE_AUTH``); one that presents
        nothing is a 401, and malformed credentials a 400.
        """
        app = _current_app()
        if app.extensions.get("hawk") is not self:
            msg = "This Hawk extension is not set up on the app: did you forget to call init_app?"
            raise RuntimeError(msg)
        config = app.config
        current_request = _current_request()
        environ = current_request.environ
        method = current_request.method
        # A CORS preflight never carries credentials: refusing it would stop
        # the browser before it sends the authenticated request itself.
        if method == "OPTIONS" or not config["HAWK_ENABLED"]:
            return None
        state = RequestState(current_request, config, "HTTP_ORIGIN" in environ)
        setattr(current_request, STATE, state)
        target = _protocol.request_target(environ)
        # Flask has checked the Host header (TRUSTED_HOSTS) before any view runs.
        origin = (
            f"{environ['wsgi.url_scheme']}://{environ.get('HTTP_HOST') or current_request.host}"
        )
        header = environ.get("HTTP_AUTHORIZATION")
        bewit = _bewit.find_bewit(target) if allow_bewit else None
        if bewit is not None:
            if header is not None:
                raise BadRequest("A request takes a bewit or an Authorization header, not both")
            if method not in {"GET", "HEAD"}:
                log.info("Hawk: bewit refused on a %s request", method)
                raise _protocol.unauthorized("Invalid method")
            value, stripped = bewit
            if not value:
                log.info("Hawk: empty bewit")
                raise _protocol.unauthorized("Empty bewit")
            state.bewit = _bewit.parse_bewit(value, origin + stripped)
            state.client_id = state.bewit.client_id
            return state
        if header is not None:
            attributes = state.attributes = _protocol.parse_header(header)
            state.client_id = attributes["id"]
            state.target = _protocol.split_url(origin + target)
            return state
        if config["HAWK_ALLOW_COOKIE_AUTH"]:
            user_id = _session_user_id()
            if user_id is not None:
                state.auth = HawkAuth(client_id=user_id, via="session")
                return None
        raise _protocol.unauthorized()

    def _load_key_sync(self, client_id: str) -> KeyLoaderResult:
        try:
            if self._sync_loader is not None:
                return self._sync_loader(client_id)
            if self._async_loader is not None:
                # async_to_sync, not ensure_sync: client_key_loader has checked
                # it is a coroutine function; ensure_sync would ask again, and
                # resolve current_app, on every request.
                coroutine_function = t.cast(
                    "cabc.Callable[[str], cabc.Coroutine[t.Any, t.Any, KeyLoaderResult]]",
                    self._async_loader,
                )
                loader = _current_app().async_to_sync(coroutine_function)
                result: KeyLoaderResult = loader(client_id)
                return result
        except LookupError:
            return None
        raise _no_key_loader()

    async def _load_key_async(self, client_id: str) -> KeyLoaderResult:
        try:
            if self._async_loader is not None:
                return await self._async_loader(client_id)
            if self._sync_loader is not None:
                return self._sync_loader(client_id)
        except LookupError:
            return None
        raise _no_key_loader()

    def _credentials(
        self, client_id: str, result: KeyLoaderResult, config: Config
    ) -> dict[str, str]:
        """Turn the key loader's answer into the client's credentials; unknown is a 401."""
        if isinstance(result, str):
            key, algorithm = result, config["HAWK_ALGORITHM"]
        elif isinstance(result, ClientKey):
            key, algorithm = result.key, result.algorithm
        elif result is None:
            log.info("Hawk: unknown client %r", client_id)
            raise _protocol.unauthorized("Invalid credentials")
        else:
            # Only an untyped key loader gets here.
            msg = (  # type: ignore[unreachable]
                f"The key loader returned a {type(result).__name__!r} for client"
                f" {client_id!r}; expected a str, a ClientKey or None"
            )
            raise TypeError(msg)
        if algorithm not in _ALGORITHMS:
            msg = f"Hawk algorithm {algorithm!r} for client {client_id!r} is not sha256 or sha1"
            raise ValueError(msg)
        if not key or not key.isascii():
            msg = f"The Hawk key of client {client_id!r} is empty or not ASCII"
            raise ValueError(msg)
        return {"id": client_id, "key": key, "algorithm": algorithm}

    def _verify(self, state: RequestState, credentials: dict[str, str]) -> tuple[str, float] | None:
        """Check the MAC, payload and timestamp; return the nonce's store key and ttl.

        A bewit has no nonce. The credentials a header verified with stay on
        the state, to sign the response with.
        """
        config = state.config
        offset = config["HAWK_LOCALTIME_OFFSET_IN_SECONDS"]
        attributes = state.attributes
        if attributes is None:
            assert state.bewit is not None
            _bewit.verify_bewit(state.bewit, credentials, offset=offset)
            return None
        assert state.target is not None
        current_request = state.request
        environ = current_request.environ
        # The MAC must cover every byte the view can read. Werkzeug reads a
        # body when there is a length, chunked encoding, or a server that
        # terminates the stream itself (wsgi.input_terminated, as HTTP/2
        # servers and gunicorn set); otherwise the body is empty, and skipping
        # the read saves a stream set-up per GET.
        content = b""
        if (
            "CONTENT_LENGTH" in environ
            or "HTTP_TRANSFER_ENCODING" in environ
            or "wsgi.input_terminated" in environ
        ):
            content = current_request.get_data(cache=True)
            # Werkzeug stops reading a body without a length at the limit and
            # says nothing; hashing the first part would verify a truncation.
            if current_request.content_length is None:
                limit = current_request.max_content_length
                if limit is not None and len(content) >= limit and environ["wsgi.input"].read(1):
                    raise RequestEntityTooLarge()
        skew = config["HAWK_TIMESTAMP_SKEW_IN_SECONDS"]
        _protocol.verify_header(
            attributes,
            state.target,
            credentials,
            method=current_request.method,
            content=content,
            content_type=environ.get("CONTENT_TYPE", ""),
            skew=skew,
            offset=offset,
            accept_untrusted_content=config["HAWK_ACCEPT_UNTRUSTED_CONTENT"],
        )
        state.credentials = credentials
        return _nonce_key(attributes, skew, time.time() + offset)

    def _remember_sync(self, key: str, ttl: float) -> bool:
        if self._sync_store is not None:
            return self._sync_store.remember(key, ttl)
        assert self._async_store is not None
        remember = _current_app().async_to_sync(self._async_store.remember)
        fresh: bool = remember(key, ttl)
        return fresh

    async def _remember_async(self, key: str, ttl: float) -> bool:
        if self._async_store is not None:
            return await self._async_store.remember(key, ttl)
        assert self._sync_store is not None
        return self._sync_store.remember(key, ttl)

    def _store_unavailable(self, client_id: str) -> ServiceUnavailable:
        log.error(
            "Hawk: nonce store unavailable; refusing the request of client %r",
            client_id,
            exc_info=True,
        )
        return ServiceUnavailable()


def _nonce_key(attributes: dict[str, str], skew: float, now: float) -> tuple[str, float]:
    """Return the nonce's store key and how long it must be kept.

    The key is never built from the client's key. ``\\`` cannot occur in a
    Hawk attribute, so the key is unambiguous. The request stays acceptable
    while the server's (whole-second) time ``now`` is within the ``skew`` of
    its timestamp; the nonce is kept exactly that long.
    """
    ts = int(attributes["ts"])
    return f"{attributes['id']}\\{ts}\\{attributes['nonce']}", max(ts + skew + 1 - now, 1.0)


def _session_user_id() -> str | None:
    try:
        from flask_login import current_user
    except ImportError:
        msg = f"HAWK_ALLOW_COOKIE_AUTH needs Flask-Login: {_LOGIN_EXTRA}"
        raise ImportError(msg) from None
    if not hasattr(current_app, "login_manager"):
        msg = "HAWK_ALLOW_COOKIE_AUTH needs a flask_login.LoginManager set up on the app"
        raise RuntimeError(msg)
    if current_user.is_authenticated:
        return str(current_user.get_id())
    return None


def _replayed(client_id: str) -> Unauthorized:
    log.warning("Hawk: replayed nonce from client %r", client_id)
    return _protocol.unauthorized("Invalid nonce")


def _unknown_client(client_id: str) -> LookupError:
    msg = f"The Hawk key loader knows no client {client_id!r}"
    return LookupError(msg)


def _no_key_loader() -> RuntimeError:
    msg = "No Hawk key loader: decorate a function with @hawk.client_key_loader"
    return RuntimeError(msg)
