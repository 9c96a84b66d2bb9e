"""``python -m notes``: set up the demo, print what to try, and serve it with gunicorn.

This is what ``make demo`` runs. The listening socket is bound here, before
anything is printed, so the URLs printed are the ones that answer (``--port 0``
picks a free port); gunicorn then takes the socket over with ``fd://``.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import socket
import sys
import typing as t

from .app import create_app
from .demo import DEMO_CLIENT_ID, demo_lines, init_demo
from .extensions import hawk, note_store

if t.TYPE_CHECKING:
    import collections.abc as cabc

__all__ = ["main"]

# A bewit printed at startup should still work while someone reads the output.
_PRINTED_BEWIT_TTL_SECONDS = 3600


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m notes",
        description="Serve the flask-api-utils example notes API with gunicorn.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=5000, help="port to bind, 0 for any free one (default 5000)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="gunicorn worker processes (default 1; more need REDIS_URL)",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    return parser


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def main(argv: cabc.Sequence[str] | None = None) -> int:
    """Set the demo up and replace this process with gunicorn; return only on errors.

    :param argv: the arguments after the program name (default: ``sys.argv[1:]``).
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.workers < 1 or args.threads < 1:
        parser.error("--workers and --threads must be at least 1")
    if args.workers > 1 and not os.environ.get("REDIS_URL"):
        parser.error(
            f"--workers {args.workers} needs REDIS_URL: without it each worker keeps its own"
            " nonces in memory, and a replayed request that reaches another worker is accepted"
        )
    try:
        sock = _bind(args.host, args.port)
    except OSError as e:
        parser.error(f"cannot listen on {args.host}:{args.port}: {e.strerror}")
    base_url = _url(args.host, sock.getsockname()[1])

    app = create_app()
    with app.app_context():
        setup = init_demo(note_store(), pathlib.Path(app.instance_path), base_url)
        bewit = hawk.bewit_url(
            f"{base_url}/api/notes", DEMO_CLIENT_ID, ttl=_PRINTED_BEWIT_TTL_SECONDS
        )
        lines = demo_lines(setup, base_url, bewit, workers=args.workers)
    print("\n".join(lines), flush=True)

    examples = os.fspath(pathlib.Path(__file__).resolve().parent.parent)
    pythonpath = [examples, *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(pythonpath),
        # The workers must open the database this process set up.
        "NOTES_INSTANCE_PATH": app.instance_path,
    }
    os.set_inheritable(sock.fileno(), True)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"fd://{sock.fileno()}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--no-control-socket",
        "--access-logfile",
        "-",
        "notes:create_app()",
    ]
    sys.stderr.flush()
    os.execve(sys.executable, command, env)


if __name__ == "__main__":
    sys.exit(main())
