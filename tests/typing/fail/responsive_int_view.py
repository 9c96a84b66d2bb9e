# expect: Value of type variable "T_api_route" of function cannot be "Callable[[], int]"
from __future__ import annotations

from flask_api_utils import ResponsiveFlask

app = ResponsiveFlask(__name__)


@app.get("/")
def view() -> int:
    return 1
