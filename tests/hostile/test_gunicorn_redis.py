"""gunicorn with four worker processes sharing a real Redis: a replay is refused by every worker.

Each signed request is sent many times at once, each time on a new
connection, so the copies land on different workers: exactly one is accepted,
and workers other than the one that accepted it refuse the rest. After one
worker is killed with SIGKILL, the worker gunicorn starts in its place still
refuses every nonce remembered before the kill.
"""

from __future__ import annotations

import collections
import os
import re
import signal
import time
import typing as t

from tests.hostile.gunicorn_app import REDIS_URL_VARIABLE

from .load import Answer, SignedRequest, replay_storm, send_all, sign_many

if t.TYPE_CHECKING:
    import redis

    from tests.fixtures.gunicorn import GunicornFactory, GunicornServer
    from tests.fixtures.redis_server import RedisServer

APP = "tests.hostile.gunicorn_app:create_app()"
WORKERS = 4
#: Unique requests, and how often each is sent (each time on a new connection).
REQUESTS = 40
COPIES = 8
#: How long to wait for gunicorn to replace a killed worker.
REPLACE_TIMEOUT = 30.0
_BOOTED = re.compile(r"Booting worker with pid: (\d+)")


def _start(gunicorn_server: GunicornFactory, redis_server: RedisServer) -> GunicornServer:
    return gunicorn_server(APP, workers=WORKERS, env={REDIS_URL_VARIABLE: redis_server.url})


def test_replay_to_another_worker_is_refused(
    gunicorn_server: GunicornFactory, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    server = _start(gunicorn_server, redis_server)
    signed = sign_many(server.url, REQUESTS)

    by_request = replay_storm(signed, copies=COPIES, threads=COPIES, new_connection=True)

    refused_elsewhere = 0
    for index, answers in by_request.items():
        statuses = sorted(answer.status for answer in answers)
        assert statuses == [200] + [401] * (COPIES - 1), (index, statuses)
        (accepted,) = (answer for answer in answers if answer.status == 200)
        refusers = {answer.worker for answer in answers if answer.status == 401}
        refused_elsewhere += bool(refusers - {accepted.worker})
    workers = {answer.worker for answers in by_request.values() for answer in answers}
    assert len(workers) >= 2, workers
    assert workers <= {str(pid) for pid in server.worker_pids}
    # Most requests had a copy refused by a worker other than the one that accepted it.
    assert refused_elsewhere >= REQUESTS // 2, refused_elsewhere


def replacement_worker(server: GunicornServer, known: set[int]) -> int:
    """Wait for gunicorn to boot a worker whose pid is not in ``known``; return its pid.

    :param server: the running gunicorn.
    :param known: the pids of every worker booted so far.
    """
    deadline = time.monotonic() + REPLACE_TIMEOUT
    while time.monotonic() < deadline:
        booted = {int(pid) for pid in _BOOTED.findall(server.log())}
        new = booted - known
        if new:
            return new.pop()
        time.sleep(0.05)
    msg = f"gunicorn did not replace the killed worker within {REPLACE_TIMEOUT} s"
    raise AssertionError(msg)


def resend_until_answered_by(
    signed: list[SignedRequest], worker: int, *, rounds: int = 200
) -> list[Answer]:
    """Send every request again, on new connections, until ``worker`` answered five.

    A worker logs that it boots before it has imported the app, and on a busy
    machine it may take seconds more to accept; so this goes on for up to
    ``REPLACE_TIMEOUT`` seconds, and never more than ``rounds`` rounds.

    :param signed: the requests, all sent (and accepted) before.
    :param worker: the pid of the worker that must answer some of them.
    :param rounds: the most times every request is sent.
    :return: every answer.
    """
    answers: list[Answer] = []
    deadline = time.monotonic() + REPLACE_TIMEOUT
    for _ in range(rounds):
        if time.monotonic() > deadline:
            break
        work = [list(enumerate(signed))[i::COPIES] for i in range(COPIES)]
        answers += send_all(work, new_connection=True)
        if sum(answer.worker == str(worker) for answer in answers) >= 5:
            break
    return answers


def test_worker_started_after_a_kill_refuses_nonces_remembered_before(
    gunicorn_server: GunicornFactory, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    server = _start(gunicorn_server, redis_server)
    signed = sign_many(server.url, REQUESTS)
    work = [list(enumerate(signed))[i::COPIES] for i in range(COPIES)]
    first = send_all(work, new_connection=True)
    assert {answer.status for answer in first} == {200}
    victim = int(collections.Counter(answer.worker for answer in first).most_common(1)[0][0] or 0)
    assert victim in server.worker_pids

    os.kill(victim, signal.SIGKILL)
    replacement = replacement_worker(server, set(server.worker_pids))
    replays = resend_until_answered_by(signed, replacement)

    assert collections.Counter(answer.status for answer in replays) == {401: len(replays)}
    answered_by = collections.Counter(answer.worker for answer in replays)
    assert answered_by[str(replacement)] >= 1, answered_by
    assert str(victim) not in answered_by
