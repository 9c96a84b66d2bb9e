"""A consumer's views, as ``mypy --strict`` must accept them (never run by pytest)."""

from __future__ import annotations

import dataclasses
import typing as t

from flask import Response
from werkzeug.exceptions import HTTPException, NotFound

from flask_api_utils import JSONFormatter, ResponsiveBlueprint, ResponsiveFlask, XMLFormatter
from flask_api_utils.typing import Formatter


@dataclasses.dataclass
class User:
    name: str


app = ResponsiveFlask(__name__)
api = ResponsiveBlueprint("api", __name__)


def csv_formatter(data: t.Any, /) -> str:
    return ",".join(map(str, data))


class Upper:
    def __call__(self, data: object) -> bytes:
        return str(data).upper().encode()


formatter: Formatter = csv_formatter
app.response_formatters["text/csv"] = csv_formatter
app.response_formatters["text/x-upper"] = Upper()
app.response_formatters["application/xml"] = XMLFormatter(root="user")
app.response_formatters["application/vnd.company+json"] = JSONFormatter(pretty=True)
app.default_mimetype = "application/xml"
chosen: str = app.default_mimetype


@app.get("/")
def view() -> User:
    return User("alice")


@app.route("/users", methods=["GET"])
async def users() -> list[User]:
    return [User("alice")]


@app.post("/counts")
async def counts() -> dict[str, int]:
    return {"a": 1}


@app.put("/created")
def created() -> tuple[User, int]:
    return User("bob"), 201


@app.patch("/with-headers")
def with_headers() -> tuple[User, int, dict[str, str]]:
    return User("bob"), 200, {"X-A": "b"}


@app.delete("/text")
def text() -> str:
    return "still plain Flask"


@app.get("/response")
def response() -> Response:
    return Response("ok")


@api.get("/user")
def bp_user() -> User:
    return User("carol")


@api.default_errorhandler
def bp_errors(error: HTTPException) -> dict[str, int | None]:
    return {"code": error.code}


@app.default_errorhandler
def errors(error: HTTPException) -> tuple[dict[str, str], int]:
    return {"message": str(error)}, error.code or 500


@app.errorhandler(NotFound)
async def not_found(error: NotFound) -> User:
    return User("nobody")


@app.errorhandler(404)
def not_found_code(error: NotFound) -> tuple[dict[str, str], int]:
    return {"error": "missing"}, 404


# The decorators return the function unchanged, signature included.
t.assert_type(view, t.Callable[[], User])
# pyright names the coroutine type CoroutineType, mypy Coroutine: assignability
# checks the same thing under both.
users_unchanged: t.Callable[[], t.Coroutine[t.Any, t.Any, list[User]]] = users
t.assert_type(errors(NotFound()), tuple[dict[str, str], int])


def add_later() -> User:
    return User("dave")


app.add_url_rule("/later", view_func=add_later)
app.register_blueprint(api)
