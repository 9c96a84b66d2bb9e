"""Test helpers for apps that use flask-api-utils.

Sign requests made with Flask's test client, so tests of Hawk-protected views
need no server and no HTTP client::

    from flask_api_utils.hawk import HawkCredentials
    from flask_api_utils.testing import HawkTestClient

    app.test_client_class = HawkTestClient
    client = app.test_client()
    alice = HawkCredentials("alice", "alice's key")
    response = client.post("/notes", json={"title": "hi"}, hawk=alice)

The method, URL, body and content type are signed; each request gets a fresh
nonce and the current time. For a header of your own making (another ``ext``,
an old timestamp, a replayed nonce), build it with :func:`hawk_authorization`
and pass it in ``headers``.
"""

from __future__ import annotations

import io
import typing as t

from flask.testing import EnvironBuilder, FlaskClient

from .hawk import _client

if t.TYPE_CHECKING:
    from werkzeug.test import TestResponse

    from .hawk.credentials import HawkCredentials

__all__ = ["HawkTestClient", "hawk_authorization"]


def hawk_authorization(
    credentials: HawkCredentials,
    method: str,
    url: str,
    *,
    content: bytes | str = b"",
    content_type: str = "",
    ext: str | None = None,
    app: str | None = None,
    dlg: str | None = None,
    timestamp: int | None = None,
    nonce: str | None = None,
) -> str:
    """Return a Hawk ``Authorization`` header value for one request.

    :param credentials: The client that signs.
    :param method: The request's method.
    :param url: The absolute URL the request goes to, path and query exactly
        as they will be sent (``http://localhost/files/a%2Fb?q=1``).
    :param content: The request body; hashed into the header.
    :param content_type: The request's Content-Type.
    :param ext: An application-specific value to sign into the header.
    :param app: A Hawk ``app`` value to sign into the header.
    :param dlg: A Hawk ``dlg`` value (needs ``app``).
    :param timestamp: Seconds since the epoch; the current time by default.
    :param nonce: The nonce; a random one by default.
    :raises ValueError: If a value has a character Hawk does not allow in a
        header, or the URL's port is not a number from 0 to 65535.
    """
    return _client.request_header(
        {"id": credentials.id, "key": credentials.key, "algorithm": credentials.algorithm},
        method,
        url,
        content=content.encode() if isinstance(content, str) else content,
        content_type=content_type,
        ext=ext,
        app=app,
        dlg=dlg,
        timestamp=timestamp,
        nonce=nonce,
    )


class HawkTestClient(FlaskClient):
    """A Flask test client whose requests take ``hawk=HawkCredentials(...)``.

    Set ``app.test_client_class = HawkTestClient``; every request method
    (``get``, ``post``, ``open``, ...) then accepts ``hawk``, and without it
    behaves exactly as :class:`~flask.testing.FlaskClient`.
    """

    def open(
        self,
        *args: t.Any,
        buffered: bool = False,
        follow_redirects: bool = False,
        hawk: HawkCredentials | None = None,
        **kwargs: t.Any,
    ) -> TestResponse:
        """Make a request, signed for ``hawk`` when it is given.

        :param args: As for :meth:`flask.testing.FlaskClient.open`.
        :param buffered: As for :meth:`flask.testing.FlaskClient.open`.
        :param follow_redirects: As for :meth:`flask.testing.FlaskClient.open`;
            a redirected request is not signed.
        :param hawk: The credentials to sign the request with.
        :param kwargs: As for :class:`werkzeug.test.EnvironBuilder`.
        """
        if hawk is None:
            return super().open(
                *args, buffered=buffered, follow_redirects=follow_redirects, **kwargs
            )
        if args and not isinstance(args[0], str):
            msg = "HawkTestClient signs requests given as a path and keyword arguments only"
            raise TypeError(msg)
        builder = EnvironBuilder(self.application, *args, **kwargs)
        try:
            environ = builder.get_environ()
            # The body is read once and signed as sent: a multipart body gets
            # a new boundary every time one is built.
            body = environ["wsgi.input"].read()
        finally:
            builder.close()
        environ["wsgi.input"] = io.BytesIO(body)
        # A real server puts the whole target in REQUEST_URI; the test
        # builder leaves out the script root and a separately given query.
        query = f"?{builder.query_string}" if builder.query_string else ""
        target = f"{builder.script_root}{builder.path}{query}"
        environ["REQUEST_URI"] = environ["RAW_URI"] = target
        url = f"{environ['wsgi.url_scheme']}://{environ['HTTP_HOST']}{target}"
        environ["HTTP_AUTHORIZATION"] = hawk_authorization(
            hawk,
            environ["REQUEST_METHOD"],
            url,
            content=body,
            content_type=environ.get("CONTENT_TYPE", ""),
        )
        request = self.application.request_class(environ)
        return super().open(request, buffered=buffered, follow_redirects=follow_redirects)
