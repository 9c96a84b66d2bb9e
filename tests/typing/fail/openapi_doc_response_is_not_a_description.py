# expect: Dict entry 0 has incompatible type "int": "int"
from __future__ import annotations

from flask_api_utils import ResponsiveFlask, doc

app = ResponsiveFlask(__name__)


@app.get("/")
@doc(responses={404: 404})
def index() -> dict[str, str]:
    return {}
