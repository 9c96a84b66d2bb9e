"""Load helpers: sign many Hawk requests with mohawk and send them from many threads.

Real HTTP through :mod:`requests`, each thread with its own session, to a
real server (Werkzeug's threaded one, or gunicorn). The default tests and the
``soak`` ones share these and differ only in their numbers.
"""

from __future__ import annotations

import collections.abc as cabc
import concurrent.futures
import dataclasses
import itertools
import threading

import requests
from mohawk import Sender

from flask_api_utils.hawk import HawkCredentials
from tests.fixtures.hawk import ALICE

__all__ = ["Answer", "SignedRequest", "replay_storm", "send", "send_all", "sign_many"]

#: Seconds a client waits for one answer: far above any answer's time, and
#: bounded, so a hung server fails the test instead of hanging it.
_TIMEOUT = 30.0


@dataclasses.dataclass(frozen=True)
class SignedRequest:
    """One request signed by mohawk, ready to be sent (and sent again)."""

    method: str
    url: str
    body: bytes
    content_type: str
    authorization: str
    #: The nonce mohawk signed in, unique to this request.
    nonce: str


@dataclasses.dataclass(frozen=True)
class Answer:
    """What came back for one sending of a request."""

    #: Its index in the list of requests sent.
    index: int
    status: int
    #: The ``X-Worker-Pid`` header, when the app sets it.
    worker: str | None
    www_authenticate: str | None
    body: bytes


def sign_many(
    base_url: str,
    count: int,
    *,
    paths: cabc.Sequence[str] = ("/sync", "/async"),
    credentials: HawkCredentials = ALICE,
) -> list[SignedRequest]:
    """Sign ``count`` requests, alternating GET and a POST with a body, over ``paths``.

    :param base_url: ``http://127.0.0.1:PORT`` of the server.
    :param count: how many requests.
    :param paths: the protected paths, used in turn.
    :param credentials: the client that signs.
    """
    signed = []
    for index, path in zip(range(count), itertools.cycle(paths), strict=False):
        method = "POST" if index % 2 else "GET"
        body = f'{{"n": {index}}}'.encode() if method == "POST" else b""
        content_type = "application/json" if body else ""
        sender = Sender(
            {"id": credentials.id, "key": credentials.key, "algorithm": credentials.algorithm},
            base_url + path,
            method,
            content=body,
            content_type=content_type,
        )
        nonce = sender.req_resource.nonce
        signed.append(
            SignedRequest(
                method=method,
                url=base_url + path,
                body=body,
                content_type=content_type,
                authorization=sender.request_header,
                nonce=nonce if isinstance(nonce, str) else nonce.decode("ascii"),
            )
        )
    return signed


def send(
    session: requests.Session,
    request: SignedRequest,
    index: int = 0,
    *,
    new_connection: bool = False,
) -> Answer:
    """Send ``request`` once and return what came back.

    :param session: the sending thread's session.
    :param request: what to send.
    :param index: recorded in the answer.
    :param new_connection: ask the server to close the connection afterwards,
        so the next request opens a new one (and may reach another worker).
    """
    headers = {"Authorization": request.authorization}
    if request.content_type:
        headers["Content-Type"] = request.content_type
    if new_connection:
        headers["Connection"] = "close"
    response = session.request(
        request.method, request.url, data=request.body, headers=headers, timeout=_TIMEOUT
    )
    return Answer(
        index=index,
        status=response.status_code,
        worker=response.headers.get("X-Worker-Pid"),
        www_authenticate=response.headers.get("WWW-Authenticate"),
        body=response.content,
    )


def send_all(
    work: cabc.Sequence[cabc.Sequence[tuple[int, SignedRequest]]],
    *,
    new_connection: bool = False,
    after_each: cabc.Callable[[Answer], None] | None = None,
) -> list[Answer]:
    """Send each thread's list of ``(index, request)`` from a thread of its own, all at once.

    The threads wait on a barrier so they start together.

    :param work: one list per thread.
    :param new_connection: see :func:`send`.
    :param after_each: called in the sending thread with each answer.
    :return: every answer, in no particular order.
    """
    barrier = threading.Barrier(len(work))

    def run(items: cabc.Sequence[tuple[int, SignedRequest]]) -> list[Answer]:
        answers = []
        with requests.Session() as session:
            barrier.wait(timeout=_TIMEOUT)
            for index, request in items:
                answer = send(session, request, index, new_connection=new_connection)
                if after_each is not None:
                    after_each(answer)
                answers.append(answer)
        return answers

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(work)) as pool:
        futures = [pool.submit(run, items) for items in work]
        return [answer for future in futures for answer in future.result()]


def replay_storm(
    requests_: cabc.Sequence[SignedRequest],
    *,
    copies: int,
    threads: int,
    new_connection: bool = False,
) -> dict[int, list[Answer]]:
    """Send every request ``copies`` times, each copy from a different thread, concurrently.

    Threads walk the requests in the same order, so the copies of one
    request race each other.

    :param requests_: what to send.
    :param copies: how many times each request is sent; at most ``threads``.
    :param threads: how many sending threads.
    :param new_connection: see :func:`send`.
    :return: the answers for each request's index.
    """
    if not 1 <= copies <= threads:
        msg = f"'copies' must be between 1 and threads ({threads}), got {copies!r}"
        raise ValueError(msg)
    work: list[list[tuple[int, SignedRequest]]] = [[] for _ in range(threads)]
    stride = threads // copies
    for index, request in enumerate(requests_):
        for copy in range(copies):
            # Distinct offsets modulo ``threads``: every copy goes to another thread.
            work[(index + copy * stride) % threads].append((index, request))
    by_request: dict[int, list[Answer]] = {index: [] for index in range(len(requests_))}
    for answer in send_all(work, new_connection=new_connection):
        by_request[answer.index].append(answer)
    return by_request
