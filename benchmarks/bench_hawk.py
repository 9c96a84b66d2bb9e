"""How much Hawk adds to a tiny GET, measured through the app's WSGI callable.

Three requests, timed interleaved in every round (no server, no network):

- a GET to an unprotected view returning ``"ok"``;
- the same GET to a view protected by ``@hawk.auth_required``;
- the same protected GET on an app with ``HAWK_SIGN_RESPONSE``.

It prints protected / unprotected (target at most 1.35) and signed /
unprotected (target at most 1.5). Each round times the three back to back and
takes its ratios; the medians over rounds are printed, so that other work on
the machine slows numerator and denominator alike. Times are CPU time of this
thread.

Replay protection stays on with the default :class:`MemoryNonceStore`:
every request carries a fresh nonce (headers are signed before timing
starts, by the package's own test signer), so each protected request pays for
a real ``remember`` and is never refused as a replay.

For scale it also times a "bare" Hawk check written for this benchmark with
the standard library alone: it splits the header on its quotes, computes the
one HMAC, compares it, checks the timestamp and remembers the nonce in a
dict, and does nothing else (no validation of the header, no per-request
state, no lock, no expiry, no CORS or signing). It runs on an app of its own,
without the extension's ``after_request`` hook, and its ratio is taken
against that app's unprotected GET. It shows what the bare steps of Hawk,
written the obvious way, add to a Flask request on the machine; the
extension's ratio is read against it.

Then, for information, it counts the Python bytecodes each kind of request
runs (``sys.settrace`` with opcode events): a figure no other work on the
machine can move, which says how much of Hawk's cost is interpreted code.

Last, it measures a protected request with the memory store already holding
10 nonces and 1,000,000 nonces: the store's cost per request must not grow
with its size.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_hawk.py``). It
prints, asserts nothing, and takes about a minute.
"""

from __future__ import annotations

import base64
import functools
import hmac
import io
import statistics
import sys
import time
import types
import typing as t

from flask import Flask, abort, request
from werkzeug.test import EnvironBuilder

from flask_api_utils.hawk import Hawk, HawkCredentials, MemoryNonceStore
from flask_api_utils.testing import hawk_authorization

__all__ = ["main"]

CLIENT_ID = "bench-client"
KEY = "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn"
CREDENTIALS = HawkCredentials(CLIENT_ID, KEY)
BASE_URL = "http://localhost"
URL = BASE_URL + "/protected"
#: Requests per measurement, and rounds; each round gives one sample of each.
PER_ROUND = 300
ROUNDS = 25

_Environ: t.TypeAlias = dict[str, t.Any]


def _make_app(*, sign_response: bool = False, nonce_store: MemoryNonceStore | None = None) -> Flask:
    app = Flask(__name__)
    app.config["HAWK_SIGN_RESPONSE"] = sign_response
    hawk = Hawk(app, nonce_store=nonce_store)

    @hawk.client_key_loader
    def load_key(client_id: str) -> str | None:
        return KEY if client_id == CLIENT_ID else None

    @app.get("/protected")
    @hawk.auth_required
    def protected() -> str:
        return "ok"

    @app.get("/protected-async")
    @hawk.auth_required
    async def protected_async() -> str:
        return "ok"

    @app.get("/open")
    def unprotected() -> str:
        return "ok"

    return app


def _bare_hawk(view: t.Callable[[], str]) -> t.Callable[[], str]:
    """Protect ``view`` with the bare minimum of Hawk; see the module docstring."""
    seen: dict[str, float] = {}

    @functools.wraps(view)
    def inner() -> str:
        environ = request.environ
        pieces = environ["HTTP_AUTHORIZATION"][5:].split('"')
        fields = dict(zip([name.strip(", =") for name in pieces[:-1:2]], pieces[1::2], strict=True))
        key = KEY if fields["id"] == CLIENT_ID else ""
        text = (
            f"hawk.1.header\n{fields['ts']}\n{fields['nonce']}\n{environ['REQUEST_METHOD']}\n"
            f"{environ['RAW_URI']}\n{environ['SERVER_NAME']}\n{environ['SERVER_PORT']}\n"
            f"{fields.get('hash', '')}\n{fields.get('ext', '')}\n"
        )
        mac = base64.b64encode(hmac.digest(key.encode(), text.encode(), "sha256"))
        if not hmac.compare_digest(mac, fields["mac"].encode()):
            abort(401)
        now = time.time()
        if abs(int(fields["ts"]) - now) > 60:
            abort(401)
        nonce = f"{fields['id']}\\{fields['ts']}\\{fields['nonce']}"
        if nonce in seen:
            abort(401)
        seen[nonce] = now
        return view()

    return inner


def _make_bare_app() -> Flask:
    app = Flask(__name__)

    @app.get("/protected")
    @_bare_hawk
    def protected() -> str:
        return "ok"

    @app.get("/open")
    def unprotected() -> str:
        return "ok"

    return app


def _environ(path: str, authorization: str | None) -> _Environ:
    headers = [("Authorization", authorization)] if authorization else []
    builder = EnvironBuilder(path, base_url=BASE_URL, headers=headers)
    try:
        return builder.get_environ()
    finally:
        builder.close()


def _headers(path: str, count: int) -> list[str]:
    url = BASE_URL + path
    return [hawk_authorization(CREDENTIALS, "GET", url) for _ in range(count)]


def _start_response(
    status: str, headers: list[tuple[str, str]], exc_info: t.Any = None, /
) -> t.Callable[[bytes], object]:
    if not status.startswith("200"):
        msg = f"benchmark request failed: {status}"
        raise RuntimeError(msg)
    return _ignore_body


def _ignore_body(data: bytes) -> None:
    return None


def _fresh(environs: list[_Environ]) -> list[_Environ]:
    return [{**environ, "wsgi.input": io.BytesIO()} for environ in environs]


def _requests(app: Flask, environs: list[_Environ]) -> float:
    """Seconds per request, CPU time, for the app's WSGI callable."""
    environs = _fresh(environs)
    wsgi = app.wsgi_app
    start = time.thread_time()
    for environ in environs:
        for _ in wsgi(environ, _start_response):
            pass
    return (time.thread_time() - start) / len(environs)


def _bytecodes(app: Flask, environs: list[_Environ]) -> float:
    """Python bytecodes run per request by the app's WSGI callable."""
    environs = _fresh(environs)
    wsgi = app.wsgi_app
    executed = 0

    def trace(frame: types.FrameType, event: str, arg: object) -> t.Any:
        nonlocal executed
        frame.f_trace_opcodes = True
        if event == "opcode":
            executed += 1
        return trace

    sys.settrace(trace)
    try:
        for environ in environs:
            for _ in wsgi(environ, _start_response):
                pass
    finally:
        sys.settrace(None)
    return executed / len(environs)


def _protected(app: Flask, path: str, count: int) -> float:
    # Fresh nonces every time; signing is done before the timing starts.
    return _requests(app, [_environ(path, header) for header in _headers(path, count)])


def _filled_store(held: int) -> MemoryNonceStore:
    store = MemoryNonceStore(max_entries=held + 100_000)
    for i in range(held):
        store.remember(f"filler\n{i}\nnonce", 3600.0)
    return store


def _store_scaling(rounds: int) -> tuple[float, float]:
    """Median seconds per protected request with 10 and with 1,000,000 nonces held."""
    few, many = (
        _make_app(nonce_store=_filled_store(10)),
        _make_app(nonce_store=_filled_store(10**6)),
    )
    samples: tuple[list[float], list[float]] = ([], [])
    _protected(few, "/protected", 100)
    _protected(many, "/protected", 100)
    for _ in range(rounds):
        samples[0].append(_protected(few, "/protected", PER_ROUND))
        samples[1].append(_protected(many, "/protected", PER_ROUND))
    return statistics.median(samples[0]), statistics.median(samples[1])


def main() -> None:
    """Measure and print; see the module docstring."""
    app = _make_app()
    signing_app = _make_app(sign_response=True)
    bare_app = _make_bare_app()
    open_environs = [_environ("/open", None) for _ in range(PER_ROUND)]
    samples: dict[str, list[float]] = {
        name: []
        for name in ("open", "protected", "signed", "async", "ratio", "signed ratio", "bare ratio")
    }
    # Warm up imports, caches and the allocator before the first sample.
    _protected(app, "/protected", 100)
    _protected(signing_app, "/protected", 100)
    _protected(bare_app, "/protected", 100)
    _requests(app, open_environs)

    for _ in range(ROUNDS):
        unprotected = _requests(app, open_environs)
        protected = _protected(app, "/protected", PER_ROUND)
        signed = _protected(signing_app, "/protected", PER_ROUND)
        samples["open"].append(unprotected)
        samples["protected"].append(protected)
        samples["signed"].append(signed)
        samples["ratio"].append(protected / unprotected)
        samples["signed ratio"].append(signed / unprotected)
        samples["async"].append(_protected(app, "/protected-async", PER_ROUND // 10))
        # Against its own app's unprotected GET: that app has no Hawk hook.
        bare_open = _requests(bare_app, open_environs)
        samples["bare ratio"].append(_protected(bare_app, "/protected", PER_ROUND) / bare_open)

    median = {name: statistics.median(values) for name, values in samples.items()}
    us = 1e6
    print(f"{ROUNDS} rounds of {PER_ROUND} requests; medians, CPU microseconds per request:")
    print(f"  unprotected tiny GET                                  {median['open'] * us:7.1f}")
    print(
        f"  Hawk-protected (fresh nonce, memory store)            {median['protected'] * us:7.1f}"
    )
    print(f"  Hawk-protected, HAWK_SIGN_RESPONSE                    {median['signed'] * us:7.1f}")
    print(f"protected / unprotected:        {median['ratio']:.2f}  (target <= 1.35)")
    print(f"signed / unprotected:           {median['signed ratio']:.2f}  (target <= 1.5)")
    print("for information:")
    bare = median["bare ratio"]
    print(f"  bare Hawk check (stdlib, no checks) / its app's unprotected GET: {bare:.2f}")
    print(f"  Hawk-protected async view (asgiref loop per request) {median['async'] * us:7.1f}")
    signed_environs = [_environ("/protected", header) for header in _headers("/protected", 20)]
    counted = {
        "open": _bytecodes(app, open_environs[:20]),
        "protected": _bytecodes(
            app, [_environ("/protected", h) for h in _headers("/protected", 20)]
        ),
        "signed": _bytecodes(signing_app, signed_environs),
    }
    print("Python bytecodes per request (sys.settrace opcode events):")
    print(f"  unprotected      {counted['open']:7.0f}")
    for name in ("protected", "signed"):
        print(f"  {name:16s} {counted[name]:7.0f}  ({counted[name] / counted['open']:.2f}x)")
    few, many = _store_scaling(ROUNDS // 2)
    print("memory nonce store, cost of a protected request by nonces already held:")
    print(f"  10 held          {few * us:7.1f}")
    print(f"  1,000,000 held   {many * us:7.1f}")
    print(f"  ratio            {many / few:7.2f}  (target: about 1)")


if __name__ == "__main__":
    main()
