"""The browsable API: any negotiated value as a readable HTML page, for people with a browser.

``app.response_formatters["text/html"] = BrowsableAPIFormatter()`` offers it.
A browser asks for ``text/html`` first, so it gets the page; a client that
sends ``*/*``, no ``Accept`` or ``application/json`` still gets the app's
default mimetype, which is offered before it (see
:class:`~flask_api_utils.FormatterRegistry`).

The page shows the request's method and URL, the response's status, the
methods the matched URL rule allows, links to the API's documentation when
the app serves it, and the value as the app's JSON provider writes it,
indented, with every string that is an ``http``/``https`` URL or an absolute
path made a link.

Everything on the page that comes from the request or the value is escaped,
and a link is only ever made of a value that starts with ``/`` (and not
``//``), ``http://`` or ``https://`` and holds no whitespace, control
character or backslash, so no value can become markup, a script URL or a
link to another host spelled as a path. The page carries no script at all;
its own ``Content-Security-Policy`` (a ``<meta>`` element ahead of anything
taken from the request) allows only its stylesheet, so even markup that
slipped through could neither run a script nor load anything.

:data:`RESPONSE_STATUS` is how the status reaches a formatter, whose protocol
takes only the value: :class:`~flask_api_utils.ResponsiveFlask` and
:class:`~flask_api_utils.ProblemDetails` put the status they are about to set
in ``request.environ`` under that key before calling the formatter.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import typing as t
from html import escape

from flask import current_app, request, url_for
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.http import HTTP_STATUS_CODES

__all__ = ["RESPONSE_STATUS", "BrowsableAPIFormatter"]

#: The WSGI environ key under which the status of the response being
#: formatted is found while a formatter runs: an ``int``, a status string
#: such as ``"201 CREATED"``, or ``None`` for Flask's default, ``200``.
RESPONSE_STATUS = "flask_api_utils.response_status"

# Conventional order for the Allow line; methods not listed here follow, sorted.
_METHOD_ORDER = {m: i for i, m in enumerate(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"))}
_METHOD_ORDER["OPTIONS"] = len(_METHOD_ORDER)

# A JSON string (key or value), or a literal; everything between is punctuation
# and indentation. A key is a string followed by its colon.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"(?P<colon>:)?|-?\d[\d.eE+-]*|true|false|null')

# Browsers drop tabs and newlines from URLs, strip spaces and controls at their
# ends, and read a backslash as a slash: "/\evil.example" would leave the site.
_NOT_IN_LINKS = re.compile(r"[\x00-\x20\x7f\\]")

_STYLESHEET = """
:root { color-scheme: light dark; --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  --fg: #1b1f24; --bg: #fff; --muted: #57606a;
  --panel: #f6f8fa; --line: #d0d7de; --key: #0550ae; --str: #0a3069; --lit: #8250df;
  --link: #0969da; --ok: #1a7f37; --redirect: #0969da; --client: #9a6700; --server: #cf222e; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #8d96a0; --panel: #161b22; --line: #30363d;
    --key: #79c0ff; --str: #a5d6ff; --lit: #d2a8ff; --link: #4493f8; --ok: #3fb950;
    --redirect: #4493f8; --client: #d29922; --server: #f85149; }
}
body { margin: 0; padding: 1.5rem; color: var(--fg); background: var(--bg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: baseline;
  justify-content: space-between; border-bottom: 1px solid var(--line); padding-bottom: .75rem; }
h1 { font-size: 1.15rem; margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.method { font-family: var(--mono); margin-right: .5rem; }
nav a { margin-left: 1rem; } .api { color: var(--muted); }
a { color: var(--link); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 1rem 0; }
dt { color: var(--muted); }
dd { margin: 0; font-family: var(--mono); }
.s2 { color: var(--ok); } .s3 { color: var(--redirect); } .s4 { color: var(--client); }
.s5 { color: var(--server); }
pre { margin: 0; padding: 1rem; background: var(--panel); border: 1px solid var(--line);
  border-radius: 6px; overflow-x: auto; font: 13px/1.45 var(--mono); }
.k { color: var(--key); } .v { color: var(--str); } .l { color: var(--lit); }
"""

# The page's policy allows this stylesheet by its hash, and nothing else.
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLESHEET.encode()).digest()).decode()
_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; form-action 'none'"
)

_HEAD = (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
)


class BrowsableAPIFormatter:
    """Render a negotiated value as an HTML page a person can read and click through.

    ``app.response_formatters["text/html"] = BrowsableAPIFormatter()``

    It formats whatever the app's JSON provider can write (``app.json``, so
    dates, UUIDs, decimals and dataclasses look as they do in the JSON
    answers) and raises :exc:`TypeError` for the rest, as the JSON formatter
    does. It reads the request and app it runs in, so it only works inside a
    request, as formatters do. The module docstring says what the page shows
    and why it is safe.

    :param title: the API's name, shown on every page and in the window title.
    :param docs_endpoint: the endpoint of the interactive documentation,
        linked when the app has it.
    :param spec_endpoint: the endpoint of the OpenAPI document, linked when
        the app has it.
    """

    __slots__ = ("_docs_endpoint", "_spec_endpoint", "_title")

    def __init__(
        self,
        *,
        title: str | None = None,
        docs_endpoint: str = "openapi.docs",
        spec_endpoint: str = "openapi.spec",
    ) -> None:
        self._title = title
        self._docs_endpoint = docs_endpoint
        self._spec_endpoint = spec_endpoint

    @property
    def title(self) -> str | None:
        """The API's name shown on the page, if any."""
        return self._title

    def __call__(self, data: t.Any, /) -> bytes:
        """Write the page for ``data``, the value a view or error handler returned.

        :param data: the value to show.
        :raise TypeError: for a value the app's JSON provider cannot write.
        """
        body = _highlighted(current_app.json.dumps(data, indent=2))
        status = _status_line(request.environ.get(RESPONSE_STATUS))
        title = f"{request.method} {request.path} · {status}"
        if self._title is not None:
            title = f"{title} · {self._title}"
        # The status class colours it: s2 for 2xx, and so on.
        status_class = f"s{status[0]}" if status[:1] in ("1", "2", "3", "4", "5") else "s5"
        parts = [
            _HEAD,
            f"<title>{escape(title)}</title>\n<style>{_STYLESHEET}</style>\n</head>\n<body>\n",
            "<header>\n<h1>",
            f'<span class="method">{escape(request.method)}</span> ',
            f'<span class="url">{escape(_request_url())}</span></h1>\n',
            self._navigation(),
            "</header>\n<dl>\n",
            f'<dt>Status</dt><dd class="{status_class}">{escape(status)}</dd>\n',
        ]
        allowed = _allowed_methods()
        if allowed:
            parts.append(f"<dt>Allow</dt><dd>{escape(', '.join(allowed))}</dd>\n")
        parts += ["</dl>\n<pre><code>", body, "</code></pre>\n</body>\n</html>\n"]
        return "".join(parts).encode()

    def _navigation(self) -> str:
        links = []
        if self._title is not None:
            links.append(f'<span class="api">{escape(self._title)}</span>')
        functions = current_app.view_functions
        for endpoint, label in (
            (self._docs_endpoint, "API documentation"),
            (self._spec_endpoint, "OpenAPI document"),
        ):
            if endpoint in functions:
                links.append(f'<a href="{escape(url_for(endpoint))}">{label}</a>')
        return f"<nav>{''.join(links)}</nav>\n" if links else ""

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(title={self._title!r},"
            f" docs_endpoint={self._docs_endpoint!r}, spec_endpoint={self._spec_endpoint!r})"
        )


def _request_url() -> str:
    try:
        return request.url
    except ValueError:
        # Werkzeug before 3.1 parses a Host header with a bad port only here;
        # the path and query still say which resource this is.
        query = request.query_string.decode("latin-1")
        return f"{request.path}?{query}" if query else request.path


def _status_line(status: int | str | None) -> str:
    """Return ``"201 Created"`` for a status as a view gives it; ``None`` is ``200``."""
    if status is None:
        status = 200
    if isinstance(status, int):
        return f"{status} {HTTP_STATUS_CODES.get(status, 'Unknown')}"
    code, _, reason = status.strip().partition(" ")
    if reason or not code.isdigit():
        return status.strip()
    return _status_line(int(code))


def _allowed_methods() -> list[str]:
    """The methods of the matched rule; on a 405, those the URL allows; else none."""
    rule = request.url_rule
    if rule is not None and rule.methods is not None:
        methods: t.Iterable[str] = rule.methods
    elif isinstance(request.routing_exception, MethodNotAllowed):
        methods = request.routing_exception.valid_methods or ()
    else:
        return []
    return sorted(methods, key=lambda m: (_METHOD_ORDER.get(m, len(_METHOD_ORDER) + 1), m))


def _highlighted(document: str) -> str:
    """Escape a JSON document for HTML, marking its keys and values and linking its URLs."""
    out: list[str] = []
    position = 0
    for match in _TOKEN.finditer(document):
        out.append(escape(document[position : match.start()]))
        position = match.end()
        token = match.group()
        if match.group("colon"):
            out.append(f'<span class="k">{escape(token[:-1])}</span>:')
        elif token.startswith('"'):
            href = _link(token)
            if href is None:
                out.append(f'<span class="v">{escape(token)}</span>')
            else:
                out.append(f'<a class="v" href="{escape(href)}">{escape(token)}</a>')
        else:
            out.append(f'<span class="l">{escape(token)}</span>')
    out.append(escape(document[position:]))
    return "".join(out)


def _link(token: str) -> str | None:
    """The URL a JSON string token holds, if it is one to link; else ``None``."""
    if not token.startswith(('"/', '"http')):
        return None
    value = t.cast(str, json.loads(token))
    if _NOT_IN_LINKS.search(value):
        return None
    if value.startswith("/"):
        return None if value.startswith("//") else value
    scheme, separator, rest = value.partition("://")
    if separator and scheme in ("http", "https") and rest and not rest.startswith("/"):
        return value
    return None
