# expect: Argument 1 to "item" has incompatible type "str"; expected "int"
from __future__ import annotations

from flask import Flask

from flask_api_utils.hawk import Hawk

app = Flask(__name__)
hawk = Hawk(app)


@app.get("/items/<int:item_id>")
@hawk.auth_required
def item(item_id: int) -> str:
    return str(item_id)


item("1")
