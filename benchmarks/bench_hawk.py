"""How much a Hawk-authenticated request costs over the work it cannot avoid.

Measures, through the app's WSGI callable (no server, no network):

- A: a GET to a view protected by ``@hawk.auth_required``;
- B: the same GET to an unprotected view;
- C: a bare ``mohawk.Receiver`` verifying an Authorization header like A's;

and prints A / (B + C), whose target is at most 1.15.

B + C is measured two ways. "Interleaved" runs B then C for each request, as
A does within one request: the Flask and mohawk code evict each other from
the CPU caches, in A and here alike. "Separate loops" runs B and C in loops of
their own, where each stays cache-warm; both run faster that way than they do
together (by about a third on the machine this was written on), so that ratio
overstates the extension's cost. Each round measures A and both baselines
back to back, and the ratio is taken per round, then the median over rounds,
so that other work on the machine affects numerator and denominator alike.
Times are CPU time of this thread.

Replay protection stays on with the default :class:`MemoryNonceStore`:
every request carries a fresh nonce (headers are signed before timing
starts), so A pays for a real ``remember`` each time and is never refused as
a replay. C gets the no-op ``seen_nonce`` callback the extension gives
mohawk, which also keeps mohawk from logging a warning on every call.

Last, it measures A with the memory store already holding 10 nonces and
1,000,000 nonces: the store's cost per request must not grow with its size.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_hawk.py``). It
prints, asserts nothing, and takes about a minute.
"""

from __future__ import annotations

import io
import statistics
import time
import typing as t

from flask import Flask
from mohawk import Receiver, Sender
from werkzeug.test import EnvironBuilder

from flask_api_utils.hawk import Hawk, MemoryNonceStore

__all__ = ["main"]

CLIENT_ID = "bench-client"
KEY = "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn"
CREDENTIALS = {"id": CLIENT_ID, "key": KEY, "algorithm": "sha256"}
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


def _environ(path: str, authorization: str | None) -> _Environ:
    headers = [("Authorization", authorization)] if authorization else []
    builder = EnvironBuilder(path, base_url=BASE_URL, headers=headers)
    try:
        return builder.get_environ()
    finally:
        builder.close()


def _headers(path: str, count: int) -> list[str]:
    url = BASE_URL + path
    return [
        Sender(CREDENTIALS, url, "GET", content=b"", content_type="").request_header
        for _ in range(count)
    ]


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


def _verify(header: str) -> None:
    Receiver(
        lambda _: CREDENTIALS,
        header,
        URL,
        "GET",
        content=b"",
        content_type="",
        seen_nonce=lambda *_: False,
    )


def _receivers(headers: list[str]) -> float:
    """Seconds per bare mohawk verification, CPU time."""
    start = time.thread_time()
    for header in headers:
        _verify(header)
    return (time.thread_time() - start) / len(headers)


def _interleaved(app: Flask, environs: list[_Environ], headers: list[str]) -> float:
    """Seconds per unprotected request followed by a bare verification."""
    environs = _fresh(environs)
    wsgi = app.wsgi_app
    start = time.thread_time()
    for environ, header in zip(environs, headers, strict=True):
        for _ in wsgi(environ, _start_response):
            pass
        _verify(header)
    return (time.thread_time() - start) / len(environs)


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
    open_environs = [_environ("/open", None) for _ in range(PER_ROUND)]
    samples: dict[str, list[float]] = {
        name: [] for name in ("A", "B", "C", "B+C", "ratio", "separate", "signed", "async")
    }
    # Warm up imports, caches and the allocator before the first sample.
    _protected(app, "/protected", 100)
    _requests(app, open_environs)

    for _ in range(ROUNDS):
        a = _protected(app, "/protected", PER_ROUND)
        unit = _interleaved(app, open_environs, _headers("/protected", PER_ROUND))
        b = _requests(app, open_environs)
        c = _receivers(_headers("/protected", PER_ROUND))
        samples["A"].append(a)
        samples["B"].append(b)
        samples["C"].append(c)
        samples["B+C"].append(unit)
        samples["ratio"].append(a / unit)
        samples["separate"].append(a / (b + c))
        samples["signed"].append(_protected(signing_app, "/protected", PER_ROUND // 3))
        samples["async"].append(_protected(app, "/protected-async", PER_ROUND // 10))

    median = {name: statistics.median(values) for name, values in samples.items()}
    us = 1e6
    print(f"{ROUNDS} rounds of {PER_ROUND} requests; medians, CPU microseconds per request:")
    print(f"  A      Hawk-protected sync view (fresh nonce, memory store) {median['A'] * us:7.1f}")
    print(f"  B      unprotected view, its own loop                      {median['B'] * us:7.1f}")
    print(f"  C      bare mohawk.Receiver, its own loop                  {median['C'] * us:7.1f}")
    print(f"  B + C  interleaved, one of each per request                {median['B+C'] * us:7.1f}")
    print(f"A / (B + C), interleaved:    {median['ratio']:.3f}  (target <= 1.15)")
    print(f"A / (B + C), separate loops: {median['separate']:.3f}")
    print("for information:")
    print(
        f"  A with HAWK_SIGN_RESPONSE                                  {median['signed'] * us:7.1f}"
    )
    print(
        f"  Hawk-protected async view (asgiref loop per request)      {median['async'] * us:7.1f}"
    )
    few, many = _store_scaling(ROUNDS // 2)
    print("memory nonce store, cost of a protected request by nonces already held:")
    print(f"  10 held          {few * us:7.1f}")
    print(f"  1,000,000 held   {many * us:7.1f}")
    print(f"  ratio            {many / few:7.2f}  (target: about 1)")


if __name__ == "__main__":
    main()
