"""A command-line client for the notes API that signs its requests with Hawk.

Run ``python -m notes.client --help``. It reads the client id, key and server
URL from ``client.json`` in the instance folder (``python -m notes`` writes it),
signs every request with :class:`mohawk.Sender`, and verifies the server's
``Server-Authorization`` header on the way back, so a response that was
changed in transit, or that came from a server without the key, is rejected.
Bewit links come from :func:`flask_api_utils.hawk.make_bewit_url`.

The functions are importable too: :func:`send` and :func:`bewit_url`.

Exit status: 0 for a 2xx answer, 1 for an HTTP error answer, 2 for a usage
error, 3 when the response could not be trusted or the server not reached.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import pathlib
import sys
import typing as t

import mohawk
import mohawk.exc
import requests

from flask_api_utils import HawkCredentials, make_bewit_url

from .credentials import Credentials

if t.TYPE_CHECKING:
    import collections.abc as cabc

__all__ = [
    "DEFAULT_ACCEPT",
    "Credentials",
    "ResponseNotTrusted",
    "bewit_url",
    "default_credentials_path",
    "main",
    "send",
]

#: What the client asks for unless told otherwise.
DEFAULT_ACCEPT = "application/json"

# Seconds to wait for the server; a demo on 127.0.0.1 answers in milliseconds.
_TIMEOUT_SECONDS = 10.0


def default_credentials_path() -> pathlib.Path:
    """Where ``python -m notes`` writes the demo client's credentials.

    ``client.json`` in ``$NOTES_INSTANCE_PATH`` if that is set, else in the
    ``instance`` folder next to the ``notes`` package.
    """
    from .app import default_instance_path

    return default_instance_path() / "client.json"


class ResponseNotTrusted(Exception):
    """The response's ``Server-Authorization`` was missing or did not verify."""


def send(
    credentials: Credentials,
    method: str,
    path: str,
    *,
    json_body: object = None,
    data: bytes | None = None,
    content_type: str = "",
    accept: str = DEFAULT_ACCEPT,
    session: requests.Session | None = None,
) -> requests.Response:
    """Send one Hawk-signed request and verify the signed response.

    :param credentials: who signs.
    :param method: the HTTP method.
    :param path: the path and query, resolved against ``credentials.url``.
    :param json_body: a value to send as JSON (exclusive with ``data``).
    :param data: raw bytes to send, with ``content_type``; the bytes are signed
        as they are, malformed or not.
    :param content_type: the ``Content-Type`` of ``data``.
    :param accept: the ``Accept`` header.
    :param session: a :class:`requests.Session` to reuse connections.
    :return: the response, whatever its status.
    :raises ResponseNotTrusted: a 2xx response was not signed, or any signed
        response did not verify.
    """
    if json_body is not None:
        if data is not None:
            msg = "Pass either 'json_body' or 'data', not both."
            raise TypeError(msg)
        data = json.dumps(json_body).encode()
        content_type = "application/json"
    body = data if data is not None else b""
    url = credentials.absolute(path)
    sender = mohawk.Sender(
        credentials.for_mohawk(), url, method, content=body, content_type=content_type
    )
    headers = {"Authorization": sender.request_header, "Accept": accept}
    if content_type:
        headers["Content-Type"] = content_type
    response = (session or requests).request(
        method, url, data=body or None, headers=headers, timeout=_TIMEOUT_SECONDS
    )
    _verify(sender, response)
    return response


def _verify(sender: mohawk.Sender, response: requests.Response) -> None:
    header = response.headers.get("Server-Authorization")
    if header is None:
        # A failed authentication is answered by a server that could not
        # sign (it does not know the key), so only success must be signed.
        if response.ok:
            msg = f"The {response.status_code} response carries no Server-Authorization header."
            raise ResponseNotTrusted(msg)
        return
    try:
        sender.accept_response(
            header,
            content=response.content,
            content_type=response.headers.get("Content-Type", ""),
        )
    except mohawk.exc.HawkFail as e:
        msg = f"The response's Server-Authorization did not verify: {type(e).__name__}."
        raise ResponseNotTrusted(msg) from e


def bewit_url(credentials: Credentials, path: str, ttl: int) -> str:
    """Return a URL for ``path`` that anyone can GET for ``ttl`` seconds without a key.

    :param credentials: who signs; the link acts as this client.
    :param path: the path, with any query, of a resource that allows bewits.
    :param ttl: seconds until the link expires.
    :raises ValueError: ``ttl`` is not positive.
    """
    hawk_credentials = HawkCredentials(credentials.id, credentials.key, credentials.algorithm)
    return make_bewit_url(credentials.absolute(path), hawk_credentials, ttl=ttl)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m notes.client",
        description="Call the notes API with Hawk-signed requests.",
    )
    parser.add_argument(
        "--credentials",
        type=pathlib.Path,
        default=None,
        help="client.json to read (default: the demo's instance folder)",
    )
    parser.add_argument("--url", help="server base URL (default: the one in client.json)")
    parser.add_argument(
        "--accept", default=DEFAULT_ACCEPT, help=f"Accept header (default: {DEFAULT_ACCEPT})"
    )
    parser.add_argument(
        "-i", "--include", action="store_true", help="print the status line and headers too"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("list", help="list the notes")
    commands.add_parser("me", help="show who the server thinks you are")
    get = commands.add_parser("get", help="show one note")
    get.add_argument("note_id", type=int, metavar="ID")
    create = commands.add_parser("create", help="add a note")
    create.add_argument("title")
    create.add_argument("body", nargs="?", default="")
    update = commands.add_parser("update", help="replace a note's title and body")
    update.add_argument("note_id", type=int, metavar="ID")
    update.add_argument("version", type=int, help="the version you read (409 if stale)")
    update.add_argument("title")
    update.add_argument("body", nargs="?", default="")
    delete = commands.add_parser("delete", help="delete a note")
    delete.add_argument("note_id", type=int, metavar="ID")
    bewit = commands.add_parser("bewit", help="print a pre-signed GET link")
    bewit.add_argument("path", help="such as /api/notes/1")
    bewit.add_argument("--ttl", type=int, default=300, help="seconds the link lives (default 300)")
    return parser


def _request_for(args: argparse.Namespace) -> tuple[str, str, object]:
    match args.command:
        case "list":
            return "GET", "/api/notes", None
        case "me":
            return "GET", "/api/me", None
        case "get":
            return "GET", f"/api/notes/{args.note_id}", None
        case "create":
            return "POST", "/api/notes", {"title": args.title, "body": args.body}
        case "update":
            body = {"title": args.title, "body": args.body, "version": args.version}
            return "PUT", f"/api/notes/{args.note_id}", body
        case "delete":
            return "DELETE", f"/api/notes/{args.note_id}", None
    msg = f"Unknown command {args.command!r}; argparse should have refused it."
    raise RuntimeError(msg)


def _print_response(response: requests.Response, *, include: bool) -> None:
    if include:
        print(f"HTTP/1.1 {response.status_code} {response.reason}")
        for name, value in response.headers.items():
            print(f"{name}: {value}")
        print()
    if response.content:
        text = response.text
        print(text, end="" if text.endswith("\n") else "\n")


def main(argv: cabc.Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    :param argv: the arguments after the program name (default: ``sys.argv[1:]``).
    """
    parser = _parser()
    args = parser.parse_args(argv)
    # mohawk warns "vulnerable to replay attacks" for every response it
    # verifies without a nonce checker, but a response is bound to this
    # request's own fresh nonce and timestamp, so it cannot be replayed to us.
    logging.getLogger("mohawk").setLevel(logging.ERROR)
    path = args.credentials or default_credentials_path()
    try:
        credentials = Credentials.load(path)
    except (OSError, ValueError) as e:
        parser.error(f"cannot read credentials from {os.fspath(path)!r}: {e}")
    if args.url:
        credentials = dataclasses.replace(credentials, url=args.url)

    if args.command == "bewit":
        try:
            print(bewit_url(credentials, args.path, args.ttl))
        except ValueError as e:
            parser.error(str(e))
        return 0

    method, api_path, body = _request_for(args)
    try:
        response = send(credentials, method, api_path, json_body=body, accept=args.accept)
    except ResponseNotTrusted as e:
        print(f"error: {e}", file=sys.stderr)
        return 3
    except requests.RequestException as e:
        print(f"error: cannot reach {credentials.url}: {e}", file=sys.stderr)
        return 3
    _print_response(response, include=args.include)
    signed = "verified" if "Server-Authorization" in response.headers else "not signed"
    print(f"{response.status_code} {response.reason} (response {signed})", file=sys.stderr)
    return 0 if response.ok else 1


if __name__ == "__main__":
    sys.exit(main())
