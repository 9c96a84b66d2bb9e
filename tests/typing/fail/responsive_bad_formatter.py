# expect: Incompatible types in assignment
from __future__ import annotations

from flask_api_utils import ResponsiveFlask

app = ResponsiveFlask(__name__)


def two_arguments(data: object, indent: int) -> bytes:
    return b""


app.response_formatters["text/csv"] = two_arguments
