"""A consumer registering the browsable API: ``mypy --strict`` and pyright strict accept it."""

from __future__ import annotations

from flask_api_utils import BrowsableAPIFormatter, ResponsiveFlask
from flask_api_utils.formatters.html import RESPONSE_STATUS
from flask_api_utils.typing import Formatter

app = ResponsiveFlask(__name__)
app.response_formatters["text/html"] = BrowsableAPIFormatter()
named: Formatter = BrowsableAPIFormatter(
    title="Notes API", docs_endpoint="manual.index", spec_endpoint="manual.spec"
)
app.response_formatters["text/html"] = named
title: str | None = BrowsableAPIFormatter(title="Notes API").title
status_key: str = RESPONSE_STATUS
