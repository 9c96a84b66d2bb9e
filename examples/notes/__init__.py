"""The flask-api-utils example: a notes API for Hawk clients and browsers.

``python -m notes`` sets up a demo and serves it (``make demo``);
``flask --app notes run`` serves it for development; ``python -m notes.client``
calls it with Hawk-signed requests. See ``README.md`` next to this file.
"""

from __future__ import annotations

from .app import create_app as create_app
from .app import default_instance_path as default_instance_path

__all__ = ["create_app", "default_instance_path"]
