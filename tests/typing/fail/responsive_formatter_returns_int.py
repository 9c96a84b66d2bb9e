# expect: Incompatible types in assignment
from __future__ import annotations

from flask_api_utils import ResponsiveFlask

app = ResponsiveFlask(__name__)


def returns_int(data: object) -> int:
    return 1


app.response_formatters["text/csv"] = returns_int
