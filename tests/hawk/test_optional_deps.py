"""The extras: Hawk needs no mohawk; without flask-login the package says which extra to install.

Each case runs in a fresh interpreter where the module is blocked
(``sys.modules[name] = None``), as if it were not installed.
"""

from __future__ import annotations

from tests.fixtures.blocked_imports import run_without


def test_hawk_needs_no_mohawk() -> None:
    # mohawk is a test dependency only: the extension, its bewits and the test
    # client's signer are the package's own code.
    result = run_without(
        "mohawk",
        """
        from flask import Flask
        from flask_api_utils.hawk import Hawk, HawkCredentials, make_bewit_url
        from flask_api_utils.testing import HawkTestClient

        alice = HawkCredentials("alice", "alices-key-0123456789")
        app = Flask(__name__)
        app.config["HAWK_SIGN_RESPONSE"] = True
        app.test_client_class = HawkTestClient
        hawk = Hawk(app)
        hawk.client_key_loader(lambda client_id: alice.key)

        @app.get("/")
        @hawk.auth_required(bewit=True)
        def index():
            return "hello"

        client = app.test_client()
        signed = client.get("/", hawk=alice)
        bewit = make_bewit_url("http://localhost/", alice, ttl=60)
        by_bewit = client.get(bewit.removeprefix("http://localhost"))
        print(signed.status_code, "Server-Authorization" in signed.headers, by_bewit.status_code)
        """,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "200 True 200"


def test_cookie_auth_without_flask_login_names_the_extra() -> None:
    result = run_without(
        "flask_login",
        """
        from flask import Flask
        from flask_api_utils.hawk import Hawk

        app = Flask(__name__)
        app.testing = True
        app.config["HAWK_ALLOW_COOKIE_AUTH"] = True
        hawk = Hawk(app)

        @app.get("/")
        @hawk.auth_required
        def index():
            return "never"

        try:
            app.test_client().get("/")
        except ImportError as e:
            assert e.__cause__ is None and e.__suppress_context__, "not raised from None"
            print(e)
        """,
    )

    assert result.returncode == 0, result.stderr
    assert "pip install 'flask-api-utils[login]'" in result.stdout


def test_hawk_without_cookie_auth_needs_no_flask_login() -> None:
    result = run_without(
        "flask_login",
        """
        from flask import Flask
        from flask_api_utils.hawk import Hawk

        app = Flask(__name__)
        hawk = Hawk(app)

        @app.get("/")
        @hawk.auth_required
        def index():
            return "never"

        print(app.test_client().get("/").status_code)
        """,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "401"
