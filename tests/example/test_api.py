"""The notes API end to end: gunicorn on 127.0.0.1, the example's own Hawk client.

Every signed request goes through :func:`notes.client.send`, which signs with
mohawk's ``Sender`` and raises unless the response's ``Server-Authorization``
verifies; so each status asserted here is also a verified, signed answer.
"""

from __future__ import annotations

import dataclasses
import pathlib
import subprocess
import sys
import typing as t

import mohawk
import pytest
import requests
from lxml import etree

from notes.client import ResponseNotTrusted, bewit_url, send
from tests.example.notes_server import example_env, seed_demo, start_notes

if t.TYPE_CHECKING:
    from tests.example.notes_server import NotesDemo
    from tests.fixtures.gunicorn import GunicornFactory


def _error(response: requests.Response, code: int, name: str) -> str:
    """Assert the API's RFC 9457 problem shape; return its detail and field errors as text."""
    assert response.status_code == code, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["type"] == "about:blank"
    assert body["status"] == code
    assert body["title"] == name
    detail = body["detail"]
    assert isinstance(detail, str)
    assert detail
    fields = [f"{error['location']}: {error['reason']}" for error in body.get("errors", [])]
    return "\n".join([detail, *fields])


@pytest.mark.parametrize(
    ("accept", "content_type", "root"),
    [
        pytest.param(None, "application/json", None, id="no-accept-json"),
        pytest.param("application/json", "application/json", None, id="json"),
        pytest.param("application/xml", "application/xml; charset=utf-8", "response", id="xml"),
        pytest.param(
            "application/vnd.company+xml",
            "application/vnd.company+xml; charset=utf-8",
            "company",
            id="vendor-xml",
        ),
        pytest.param(
            "text/html, application/xml;q=0.9, */*;q=0.8",
            "text/html; charset=utf-8",
            "html",
            id="browser-gets-the-browsable-page",
        ),
        pytest.param(
            "application/xml, */*;q=0.8",
            "application/xml; charset=utf-8",
            "response",
            id="xml-first-with-a-fallback",
        ),
    ],
)
def test_hello_is_negotiated_from_accept(
    notes_demo: NotesDemo, accept: str | None, content_type: str, root: str | None
) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = requests.get(f"{notes_demo.url}/hello", headers=headers, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert "Accept" in response.headers["Vary"]
    if root is None:
        assert response.json() == {"hello": "world"}
    elif root == "html":
        assert response.text.startswith("<!DOCTYPE html>")
        assert '<span class="v">&quot;world&quot;</span>' in response.text
    else:
        document = etree.fromstring(response.content)
        assert document.tag == root
        assert document.findtext("hello") == "world"


def test_unacceptable_accept_is_406_listing_the_offered_mimetypes(notes_demo: NotesDemo) -> None:
    response = requests.get(f"{notes_demo.url}/hello", headers={"Accept": "blah/*"}, timeout=10)
    _error(response, 406, "Not Acceptable")
    assert response.json()["mimetypes"] == [
        "application/json",
        "application/xml",
        "application/vnd.company+xml",
        "text/html",
    ]


def test_unsigned_api_request_is_401_with_hawk_challenge(notes_demo: NotesDemo) -> None:
    response = requests.get(f"{notes_demo.url}/api/notes", timeout=10)
    _error(response, 401, "Unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Hawk")
    assert "Server-Authorization" not in response.headers


def test_request_signed_with_a_wrong_key_is_401(notes_demo: NotesDemo) -> None:
    forged = dataclasses.replace(notes_demo.credentials, key="not-the-key")
    response = send(forged, "GET", "/api/notes")
    _error(response, 401, "Unauthorized")


def test_unknown_client_is_401(notes_demo: NotesDemo) -> None:
    stranger = dataclasses.replace(notes_demo.credentials, id="stranger")
    response = send(stranger, "GET", "/api/notes")
    _error(response, 401, "Unauthorized")


def test_signed_list_is_json_with_verified_server_authorization(notes_demo: NotesDemo) -> None:
    response = send(notes_demo.credentials, "GET", "/api/notes")
    assert response.status_code == 200
    assert response.headers["Server-Authorization"].startswith("Hawk ")
    notes = response.json()
    assert notes[0]["id"] == 1
    assert notes[0]["title"] == "Welcome"
    assert notes[0]["author"] == "demo"


def test_signed_note_is_xml_when_asked(notes_demo: NotesDemo) -> None:
    response = send(notes_demo.credentials, "GET", "/api/notes/1", accept="application/xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    note = etree.fromstring(response.content)
    assert note.tag == "response"
    assert note.findtext("title") == "Welcome"
    assert note.findtext("version") == "1"
    assert note.findtext("created_at", "").endswith("+00:00")


def test_whoami_names_the_hawk_client(notes_demo: NotesDemo) -> None:
    response = send(notes_demo.credentials, "GET", "/api/me")
    assert response.json() == {"client_id": "demo-client", "via": "header"}


def test_note_lifecycle_create_read_update_delete(notes_demo: NotesDemo) -> None:
    credentials = notes_demo.credentials
    created = send(
        credentials, "POST", "/api/notes", json_body={"title": " Lifecycle ", "body": "a"}
    )
    assert created.status_code == 201
    note = created.json()
    assert note["title"] == "Lifecycle"
    assert note["author"] == "demo-client"
    assert note["version"] == 1
    assert created.headers["Location"] == f"/api/notes/{note['id']}"

    read = send(credentials, "GET", created.headers["Location"])
    assert read.json() == note

    updated = send(
        credentials,
        "PUT",
        created.headers["Location"],
        json_body={"title": "Lifecycle", "body": "b", "version": 1},
    )
    assert updated.status_code == 200
    assert updated.json()["version"] == 2
    assert updated.json()["body"] == "b"

    deleted = send(credentials, "DELETE", created.headers["Location"])
    assert deleted.status_code == 204
    assert deleted.content == b""
    gone = send(credentials, "GET", created.headers["Location"])
    _error(gone, 404, "Not Found")


def test_update_based_on_an_old_version_is_409(notes_demo: NotesDemo) -> None:
    credentials = notes_demo.credentials
    note = send(credentials, "POST", "/api/notes", json_body={"title": "Contested"}).json()
    path = f"/api/notes/{note['id']}"
    first = send(
        credentials, "PUT", path, json_body={"title": "Contested", "body": "mine", "version": 1}
    )
    assert first.status_code == 200
    second = send(
        credentials, "PUT", path, json_body={"title": "Contested", "body": "theirs", "version": 1}
    )
    message = _error(second, 409, "Conflict")
    assert "version 2, not 1" in message
    assert send(credentials, "GET", path).json()["body"] == "mine"


@pytest.mark.parametrize(
    ("method", "path", "payload", "code", "name", "message"),
    [
        pytest.param("GET", "/api/notes/999", None, 404, "Not Found", "no note 999", id="404-get"),
        pytest.param(
            "PUT",
            "/api/notes/999",
            b'{"title": "x", "version": 1}',
            404,
            "Not Found",
            "no note 999",
            id="404-put",
        ),
        pytest.param("DELETE", "/api/notes/999", None, 404, "Not Found", "999", id="404-delete"),
        pytest.param("GET", "/api/nothing", None, 404, "Not Found", "", id="404-no-route"),
        pytest.param(
            "POST", "/api/notes", b'{"title": ', 400, "Bad Request", "", id="400-malformed-json"
        ),
        pytest.param(
            "POST",
            "/api/notes",
            b'{"title": "welcome"}',
            409,
            "Conflict",
            "titled 'welcome' already",
            id="409-dup",
        ),
        pytest.param(
            "POST",
            "/api/notes",
            b'{"title": "   "}',
            422,
            "Unprocessable Entity",
            "title: String should have at least 1 character",
            id="422-blank-title",
        ),
        pytest.param(
            "POST",
            "/api/notes",
            b'{"title": "' + b"x" * 101 + b'"}',
            422,
            "Unprocessable Entity",
            "title: String should have at most 100 characters",
            id="422-long-title",
        ),
        pytest.param(
            "POST",
            "/api/notes",
            b'{"body": "no title"}',
            422,
            "Unprocessable Entity",
            "title: Field required",
            id="422-missing-title",
        ),
        pytest.param(
            "POST",
            "/api/notes",
            b'{"title": "t", "body": 5}',
            422,
            "Unprocessable Entity",
            "body: Input should be a valid string",
            id="422-body-not-text",
        ),
        pytest.param(
            "POST",
            "/api/notes",
            b'{"title": "t", "colour": "red"}',
            422,
            "Unprocessable Entity",
            "colour: Unexpected keyword argument",
            id="422-unknown-field",
        ),
        pytest.param(
            "POST",
            "/api/notes",
            b'["a list"]',
            422,
            "Unprocessable Entity",
            ": Input should be an object",
            id="422-not-an-object",
        ),
        pytest.param(
            "PUT",
            "/api/notes/1",
            b'{"title": "Welcome"}',
            422,
            "Unprocessable Entity",
            "version: Field required",
            id="422-update-without-version",
        ),
        pytest.param(
            "PUT",
            "/api/notes/1",
            b'{"title": "Welcome", "version": true}',
            422,
            "Unprocessable Entity",
            "version: Value error, the version must be the integer version",
            id="422-version-not-a-number",
        ),
        pytest.param("PATCH", "/api/notes/1", b"{}", 405, "Method Not Allowed", "", id="405-patch"),
    ],
)
def test_error_paths_share_one_error_body(
    notes_demo: NotesDemo,
    method: str,
    path: str,
    payload: bytes | None,
    code: int,
    name: str,
    message: str,
) -> None:
    content_type = "application/json" if payload is not None else ""
    response = send(notes_demo.credentials, method, path, data=payload, content_type=content_type)
    assert message in _error(response, code, name)


def test_method_not_allowed_keeps_its_allow_header(notes_demo: NotesDemo) -> None:
    response = send(notes_demo.credentials, "PATCH", "/api/notes/1", json_body={})
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "PUT", "DELETE"}


def test_signed_note_with_a_title_that_is_not_text_is_422_naming_title(
    notes_demo: NotesDemo,
) -> None:
    response = send(notes_demo.credentials, "POST", "/api/notes", json_body={"title": 5})
    _error(response, 422, "Unprocessable Entity")
    assert [error["location"] for error in response.json()["errors"]] == ["title"]


def test_signed_note_as_text_is_415_with_accept_post_listing_json_and_xml(
    notes_demo: NotesDemo,
) -> None:
    response = send(
        notes_demo.credentials, "POST", "/api/notes", data=b"title=x", content_type="text/plain"
    )
    _error(response, 415, "Unsupported Media Type")
    assert response.headers["Accept-Post"] == "application/json, application/xml"


def test_signed_note_as_xml_is_201(notes_demo: NotesDemo) -> None:
    data = b"<note><title>Sent as XML</title><body>  read back by XMLParser </body></note>"
    response = send(
        notes_demo.credentials, "POST", "/api/notes", data=data, content_type="application/xml"
    )
    assert response.status_code == 201, response.text
    note = response.json()
    assert (note["title"], note["body"]) == ("Sent as XML", "read back by XMLParser")


def test_signed_note_with_an_unacceptable_accept_is_406_and_adds_nothing(
    notes_demo: NotesDemo,
) -> None:
    before = send(notes_demo.credentials, "GET", "/api/notes").json()
    response = send(
        notes_demo.credentials,
        "POST",
        "/api/notes",
        json_body={"title": "Never stored"},
        accept="image/png",
    )
    assert response.status_code == 406
    assert response.json()["mimetypes"] == [
        "application/json",
        "application/xml",
        "application/vnd.company+xml",
        "text/html",
    ]
    assert send(notes_demo.credentials, "GET", "/api/notes").json() == before


def test_errors_follow_accept_too(notes_demo: NotesDemo) -> None:
    response = send(notes_demo.credentials, "GET", "/api/notes/999", accept="application/xml")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+xml; charset=utf-8"
    problem = etree.fromstring(response.content)
    assert problem.tag == "{urn:ietf:rfc:7807}problem"
    assert problem.findtext("{urn:ietf:rfc:7807}status") == "404"
    assert problem.findtext("{urn:ietf:rfc:7807}detail") == "There is no note 999."


def test_replayed_request_is_401(notes_demo: NotesDemo) -> None:
    url = f"{notes_demo.url}/api/notes/1"
    sender = mohawk.Sender(
        notes_demo.credentials.for_mohawk(), url, "GET", content=b"", content_type=""
    )
    headers = {"Authorization": sender.request_header}
    first = requests.get(url, headers=headers, timeout=10)
    replay = requests.get(url, headers=headers, timeout=10)
    assert first.status_code == 200
    _error(replay, 401, "Unauthorized")


def test_bewit_link_downloads_without_a_key(notes_demo: NotesDemo) -> None:
    link = bewit_url(notes_demo.credentials, "/api/notes/1", ttl=300)
    assert "?bewit=" in link
    response = requests.get(link, headers={"Accept": "application/xml"}, timeout=10)
    assert response.status_code == 200
    assert etree.fromstring(response.content).findtext("title") == "Welcome"


def test_bewit_link_for_one_note_does_not_open_another(notes_demo: NotesDemo) -> None:
    link = bewit_url(notes_demo.credentials, "/api/notes/1", ttl=300)
    other = link.replace("/api/notes/1?", "/api/notes?")
    _error(requests.get(other, timeout=10), 401, "Unauthorized")


def test_bewit_is_refused_where_the_view_does_not_allow_it(notes_demo: NotesDemo) -> None:
    link = bewit_url(notes_demo.credentials, "/api/me", ttl=300)
    _error(requests.get(link, timeout=10), 401, "Unauthorized")


def _client(notes_demo: NotesDemo, *args: str) -> subprocess.CompletedProcess[str]:
    credentials_path = notes_demo.instance_path / "client.json"
    return subprocess.run(
        [sys.executable, "-m", "notes.client", "--credentials", str(credentials_path), *args],
        env=example_env(notes_demo.root),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_creates_and_reads_notes_with_verified_responses(notes_demo: NotesDemo) -> None:
    created = _client(notes_demo, "create", "From the CLI", "hello")
    assert created.returncode == 0, created.stderr
    assert created.stderr.strip().endswith("201 CREATED (response verified)")
    assert '"title":"From the CLI"' in created.stdout

    shown = _client(notes_demo, "--accept", "application/xml", "-i", "list")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("HTTP/1.1 200 OK\n")
    assert "Server-Authorization: Hawk " in shown.stdout
    assert "<title>From the CLI</title>" in shown.stdout


def test_cli_exits_1_on_an_http_error_and_prints_the_error(notes_demo: NotesDemo) -> None:
    result = _client(notes_demo, "create", "")
    assert result.returncode == 1
    assert '"status":422' in result.stdout
    assert "422 UNPROCESSABLE ENTITY (response verified)" in result.stderr


def test_cli_bewit_prints_a_link_that_works(notes_demo: NotesDemo) -> None:
    result = _client(notes_demo, "bewit", "/api/notes/1", "--ttl", "300")
    assert result.returncode == 0, result.stderr
    link = result.stdout.strip()
    assert link.startswith(f"{notes_demo.url}/api/notes/1?bewit=")
    response = requests.get(link, timeout=10)
    assert response.status_code == 200
    assert response.json()["title"] == "Welcome"


@pytest.mark.parametrize(
    ("mode", "complaint"),
    [
        pytest.param("tamper", "did not verify", id="body-changed-in-transit"),
        pytest.param("strip", "carries no Server-Authorization", id="signature-removed"),
    ],
)
def test_client_rejects_a_response_spoiled_in_transit(
    notes_demo: NotesDemo, gunicorn_server: GunicornFactory, mode: str, complaint: str
) -> None:
    proxy = gunicorn_server(f"tests.example.tamper_proxy:create_app({notes_demo.url!r}, {mode!r})")
    via_proxy = dataclasses.replace(notes_demo.credentials, url=proxy.url)
    with pytest.raises(ResponseNotTrusted, match=complaint):
        send(via_proxy, "GET", "/api/notes/1")


def test_client_accepts_a_response_relayed_unchanged(
    notes_demo: NotesDemo, gunicorn_server: GunicornFactory
) -> None:
    proxy = gunicorn_server(f"tests.example.tamper_proxy:create_app({notes_demo.url!r}, 'relay')")
    via_proxy = dataclasses.replace(notes_demo.credentials, url=proxy.url)
    response = send(via_proxy, "GET", "/api/notes/1")
    assert response.json()["title"] == "Welcome"


@pytest.mark.parametrize(
    ("trusted_proxies", "status"),
    [
        pytest.param("1", 200, id="proxy-fix-on"),
        pytest.param("0", 401, id="proxy-fix-off"),
    ],
)
def test_behind_a_proxy_the_mac_covers_the_url_the_client_signed(
    pytestconfig: pytest.Config, tmp_path: pathlib.Path, trusted_proxies: str, status: int
) -> None:
    env = {"NOTES_TRUSTED_PROXIES": trusted_proxies}
    with start_notes(pytestconfig.rootpath, tmp_path, env=env) as server:
        _, credentials = seed_demo(tmp_path, server.url)
        # The client signs the public URL; the proxy forwards to the app and
        # says what that URL was.
        public = "https://notes.example.org/api/me"
        sender = mohawk.Sender(
            credentials.for_mohawk(), public, "GET", content=b"", content_type=""
        )
        headers = {
            "Authorization": sender.request_header,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "notes.example.org",
            "X-Forwarded-Port": "443",
            "X-Forwarded-For": "203.0.113.9",
        }
        response = requests.get(f"{server.url}/api/me", headers=headers, timeout=10)
    assert response.status_code == status, response.text


def _database_handles(notes_demo: NotesDemo) -> int:
    """How many open files of the worker are the notes database itself."""
    database = notes_demo.instance_path / "notes.sqlite3"
    (worker,) = notes_demo.server.worker_pids
    descriptors = pathlib.Path(f"/proc/{worker}/fd").iterdir()
    return sum(1 for fd in descriptors if _points_to(fd, database))


def _points_to(link: pathlib.Path, target: pathlib.Path) -> bool:
    try:
        return link.resolve() == target.resolve()
    except OSError:  # closed between listing and reading
        return False


def test_async_views_and_key_loader_keep_their_database_connections(
    notes_demo: NotesDemo,
) -> None:
    # The async key loader and GET /api/notes/<id> await aiosqlite on a
    # connection their event loop opened once; the sync views open and close
    # their own per call, so they hold none between requests.
    def read_notes(count: int) -> None:
        for _ in range(count):
            response = send(notes_demo.credentials, "GET", "/api/notes/1")
            assert response.status_code == 200

    read_notes(8)  # every worker thread's first request
    warmed = _database_handles(notes_demo)
    read_notes(40)

    assert 1 <= warmed <= 4  # at most one per worker thread (gthread, four)
    assert _database_handles(notes_demo) == warmed
