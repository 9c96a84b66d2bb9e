"""Why ``python -m notes`` wants ``REDIS_URL`` for more than one worker, shown on gunicorn.

One signed request is replayed, a few at a time so that both workers take some,
and gunicorn's access log names the worker that answered each. With the
memory nonce store each worker accepts the request once; with Redis the
whole server accepts it once.
"""

from __future__ import annotations

import concurrent.futures
import re
import time
import typing as t

import mohawk
import requests

from tests.example.notes_server import seed_demo, start_notes

if t.TYPE_CHECKING:
    import pathlib

    import pytest
    import redis

    from tests.fixtures.redis_server import RedisServer

# gunicorn's %(p)s is "<pid>".
_ACCESS_LOG = ["--access-logfile", "-", "--access-logformat", "access %(p)s %(U)s %(s)s"]
_REPLAY_LINE = re.compile(r"^access <(\d+)> /api/notes/1 (\d{3})$", re.MULTILINE)
_MAX_ROUNDS = 200
# A round is a few concurrent requests, so that a worker busy with one leaves
# the next to the other; fast answers let one worker take a small round alone.
_PER_ROUND = 4
_MAX_SECONDS = 30.0


def _replay_until_both_workers_answered(
    root: pathlib.Path, instance_path: pathlib.Path, redis_url: str
) -> tuple[list[int], set[int]]:
    """Serve with two workers and replay one request; return the statuses and answering pids."""
    with start_notes(
        root, instance_path, workers=2, redis_url=redis_url, args=_ACCESS_LOG
    ) as server:
        _, credentials = seed_demo(instance_path, server.url)
        url = f"{server.url}/api/notes/1"
        sender = mohawk.Sender(credentials.for_mohawk(), url, "GET", content=b"", content_type="")
        headers = {"Authorization": sender.request_header, "Connection": "close"}
        statuses: list[int] = []
        pids: set[int] = set()
        deadline = time.monotonic() + _MAX_SECONDS
        with concurrent.futures.ThreadPoolExecutor(_PER_ROUND) as pool:
            for _ in range(_MAX_ROUNDS):
                if time.monotonic() > deadline:
                    break
                answers = pool.map(
                    lambda _: requests.get(url, headers=headers, timeout=10), range(_PER_ROUND)
                )
                statuses.extend(response.status_code for response in answers)
                answered = {int(pid) for pid, _ in _REPLAY_LINE.findall(server.log())}
                pids = answered & set(server.worker_pids)
                if len(pids) == 2:
                    break
        return statuses, pids


def test_memory_store_lets_a_replay_through_on_the_other_worker(
    pytestconfig: pytest.Config, tmp_path: pathlib.Path
) -> None:
    statuses, pids = _replay_until_both_workers_answered(pytestconfig.rootpath, tmp_path, "")
    assert len(pids) == 2
    assert statuses.count(200) == 2
    assert set(statuses) <= {200, 401}


def test_redis_store_refuses_the_replay_on_every_worker(
    pytestconfig: pytest.Config,
    tmp_path: pathlib.Path,
    redis_server: RedisServer,
    redis_client: redis.Redis,
) -> None:
    statuses, pids = _replay_until_both_workers_answered(
        pytestconfig.rootpath, tmp_path, redis_server.url
    )
    assert len(pids) == 2
    assert statuses.count(200) == 1
    assert statuses.count(401) == len(statuses) - 1
    assert redis_client.keys("hawk:nonce:*") != []
