"""Helpers for the example's tests: serve the notes app with gunicorn and seed the demo data."""

from __future__ import annotations

import collections.abc as cabc
import contextlib
import dataclasses
import os
import pathlib

from notes import create_app
from notes.credentials import Credentials
from notes.demo import init_demo
from notes.extensions import note_store
from tests.fixtures.gunicorn import GunicornServer, run_gunicorn

__all__ = ["NotesDemo", "example_env", "seed_demo", "start_notes"]


@dataclasses.dataclass(frozen=True)
class NotesDemo:
    """A running notes server and the demo accounts in its database."""

    #: The repository root.
    root: pathlib.Path
    #: The gunicorn server.
    server: GunicornServer
    #: Its base URL.
    url: str
    #: The instance folder: database, secret key, client.json.
    instance_path: pathlib.Path
    #: The demo user's password.
    password: str
    #: The demo API client, its URL set to the server.
    credentials: Credentials


def example_env(root: pathlib.Path, **extra: str) -> dict[str, str]:
    """This process's environment, with ``src`` and ``examples`` on ``PYTHONPATH``, plus ``extra``.

    :param root: the repository root.
    """
    paths = [str(root / "src"), str(root / "examples"), str(root)]
    if os.environ.get("PYTHONPATH"):
        paths.append(os.environ["PYTHONPATH"])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), **extra}


def start_notes(
    root: pathlib.Path,
    instance_path: pathlib.Path,
    *,
    workers: int = 1,
    redis_url: str = "",
    args: cabc.Sequence[str] = (),
    env: cabc.Mapping[str, str] | None = None,
) -> contextlib.AbstractContextManager[GunicornServer]:
    """Serve ``notes:create_app()`` on the given instance folder, as ``python -m notes`` does.

    :param root: the repository root.
    :param instance_path: the instance folder the workers open.
    :param workers: gunicorn workers.
    :param redis_url: the nonce store's Redis; empty for each worker's memory.
    :param args: more gunicorn options.
    :param env: more environment variables for the server.
    """
    return run_gunicorn(
        "notes:create_app()",
        workers=workers,
        # REDIS_URL is always set, so a value in the developer's shell cannot
        # change which store a test gets.
        env={"NOTES_INSTANCE_PATH": str(instance_path), "REDIS_URL": redis_url, **(env or {})},
        args=args,
        pythonpath=[root, root / "src", root / "examples"],
        log_dir=instance_path,
    )


def seed_demo(instance_path: pathlib.Path, url: str) -> tuple[str, Credentials]:
    """Create the demo user and client in the instance's database, as ``python -m notes`` does.

    :return: the demo password and the client's credentials for ``url``.
    """
    app = create_app({"REDIS_URL": None}, instance_path=instance_path)
    with app.app_context():
        setup = init_demo(note_store(), instance_path, url)
    return setup.password, setup.credentials
