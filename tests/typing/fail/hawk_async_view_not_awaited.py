# expect: (expression has type "Coroutine[Any, Any, str]", variable has type "str")
from __future__ import annotations

from flask import Flask

from flask_api_utils.hawk import Hawk

app = Flask(__name__)
hawk = Hawk(app)


@app.get("/")
@hawk.auth_required(bewit=True)
async def index() -> str:
    return "hi"


result: str = index()
