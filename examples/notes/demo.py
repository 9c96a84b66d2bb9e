"""Demo data and the lines ``python -m notes`` prints for you to try.

:func:`init_demo` gives the demo user a new password and the demo API client
a new key (stored in the ``clients`` table and in ``client.json``) on every
run, and adds a first note to an empty database. :func:`demo_lines` writes the
commands to try against the server; a test runs every one of them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import pathlib
import secrets
import shlex
import sys

import click
from flask import current_app

from .credentials import Credentials
from .db import DuplicateTitle, NoteStore
from .models import APIClient

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_USER",
    "DemoSetup",
    "demo_lines",
    "init_demo",
    "init_demo_command",
]

#: The login name of the demo user.
DEMO_USER = "demo"
#: The Hawk id of the demo API client.
DEMO_CLIENT_ID = "demo-client"


@dataclasses.dataclass(frozen=True)
class DemoSetup:
    """What :func:`init_demo` made."""

    #: The demo user's new password (only its hash is stored).
    password: str = dataclasses.field(repr=False)
    #: The demo client's credentials, as written to :attr:`credentials_path`.
    credentials: Credentials
    #: The ``client.json`` that ``python -m notes.client`` reads by default.
    credentials_path: pathlib.Path


def init_demo(store: NoteStore, instance_path: pathlib.Path, url: str) -> DemoSetup:
    """Create or refresh the demo user and API client.

    :param store: the app's database, its tables created.
    :param instance_path: where ``client.json`` goes.
    :param url: the server's base URL, written to ``client.json``.
    """
    password = secrets.token_urlsafe(12)
    store.set_password(DEMO_USER, password)
    client = APIClient(DEMO_CLIENT_ID, secrets.token_urlsafe(32))
    store.save_client(client)
    credentials = Credentials(client.id, client.key, client.algorithm, url)
    path = instance_path / "client.json"
    credentials.save(path)
    if not store.list_notes():
        # Another process may have added it since the check; that is fine.
        with contextlib.suppress(DuplicateTitle):
            store.create_note(
                "Welcome",
                "This note was added by the demo setup. Add more from the CLI or the browser.",
                DEMO_USER,
            )
    return DemoSetup(password, credentials, path)


def _client_command(instance_path: pathlib.Path) -> str:
    """The shell words that run ``python -m notes.client`` from the current directory."""
    examples = pathlib.Path(__file__).resolve().parent.parent
    words = [
        f"PYTHONPATH={shlex.quote(_shown_path(examples))}",
        shlex.quote(_shown_path(pathlib.Path(sys.executable))),
        "-m",
        "notes.client",
    ]
    if os.environ.get("NOTES_INSTANCE_PATH"):
        words.insert(0, f"NOTES_INSTANCE_PATH={shlex.quote(os.fspath(instance_path))}")
    return " ".join(words)


def _shown_path(path: pathlib.Path) -> str:
    # Relative to where the demo was started when that is shorter, as a person
    # would type it; the interpreter path is kept as given (a venv's python is
    # a symlink that must not be resolved).
    absolute = path if path.is_absolute() else path.absolute()
    try:
        return os.fspath(absolute.relative_to(pathlib.Path.cwd()))
    except ValueError:
        return os.fspath(absolute)


def demo_lines(setup: DemoSetup, base_url: str, bewit_url: str, *, workers: int) -> list[str]:
    """Return the text to print: what runs where, and commands to try.

    Each command line starts with ``  $ `` and ends with a comment that
    starts with the HTTP status it gets from a fresh demo, if it makes a
    request; the tests run them all.

    :param setup: what :func:`init_demo` made.
    :param base_url: where the server listens.
    :param bewit_url: a pre-signed link to ``/api/notes``.
    :param workers: how many gunicorn workers will serve.
    """
    hello = f"{base_url}/hello"
    cli = _client_command(setup.credentials_path.parent)
    title = f"Signed at {dt.datetime.now():%H:%M:%S}"

    def curl(*words: str) -> str:
        return shlex.join(["curl", "-i", *words])

    def command(line: str, status: int | None, note: str) -> str:
        return f"  $ {line}  # {status or ''} {note}".replace("#  ", "# ")

    store_name = "Redis" if os.environ.get("REDIS_URL") else "memory (one worker only)"
    return [
        "flask-api-utils example: the notes API",
        f"  database      {current_app.config['DATABASE']}",
        f"  nonce store   {store_name}",
        f"  log in at     {base_url}/login   user {DEMO_USER!r}, password {setup.password!r}",
        f"  API docs      {base_url}/docs   (Swagger UI, offline; the document: /openapi.json)",
        "",
        "The API describes itself, from the views' own types:",
        command(curl(f"{base_url}/api/"), 200, "the public entry point, with its links"),
        command(
            curl("-H", "Accept: text/html", f"{base_url}/api/"), 200, "the same as a browsable page"
        ),
        command(curl(f"{base_url}/openapi.json"), 200, "the OpenAPI 3.1 document"),
        "",
        "Content negotiation on a public endpoint:",
        command(curl(hello), 200, "JSON, the default"),
        command(curl("-H", "Accept: application/xml", hello), 200, "XML"),
        command(curl("-H", "Accept: application/vnd.company+xml", hello), 200, "vendor XML"),
        command(curl("-H", "Accept: blah/*", hello), 406, "problem details listing the mimetypes"),
        "",
        f"Hawk-signed requests from the command-line client ({setup.credentials_path.name}"
        " holds its key; it verifies every Server-Authorization):",
        command(f"{cli} create {shlex.quote(title)} 'Sent by notes.client'", 201, "Created"),
        command(f"{cli} list", 200, "JSON"),
        command(f"{cli} --accept application/xml get 1", 200, "XML"),
        command(f"{cli} me", 200, "via header"),
        command(f"{cli} create ''", 422, "problem details: errors names the title"),
        command(f"{cli} get 999", 404, "no such note"),
        command(f"{cli} bewit /api/notes/1 --ttl 300", None, "prints a pre-signed link"),
        command(curl(f"{base_url}/api/notes"), 401, "unsigned"),
        "",
        "A pre-signed link (bewit) to the list, valid for an hour, that needs no key:",
        command(curl(bewit_url), 200, "via bewit"),
        "",
        f"Serving on {base_url} with {workers} gunicorn worker{'s' if workers > 1 else ''}."
        " Press Ctrl+C to stop.",
        "More than one worker needs REDIS_URL (such as redis://127.0.0.1:6379/0): each",
        "worker's memory nonce store is its own, so a replayed request could reach another.",
        "",
    ]


@click.command("init-demo")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True, help="server base URL")
def init_demo_command(url: str) -> None:
    """Create the demo user and API client, for ``flask --app notes run``."""
    from .extensions import note_store

    setup = init_demo(note_store(), pathlib.Path(current_app.instance_path), url)
    click.echo(f"user {DEMO_USER!r}, password {setup.password!r}")
    click.echo(f"API client {setup.credentials.id!r}, credentials in {setup.credentials_path}")
