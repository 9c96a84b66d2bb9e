"""The API's own description: an OpenAPI 3.1 document built from its types, and docs.

:class:`OpenAPI` serves the document at ``/openapi.json`` and Swagger UI at
``/docs``; :func:`doc` adds to one view what its types cannot say. Needs the
``openapi`` extra.
"""

from __future__ import annotations

from ._annotate import ResponseDoc as ResponseDoc
from ._annotate import doc as doc
from .extension import OpenAPI as OpenAPI

__all__ = ["OpenAPI", "ResponseDoc", "doc"]
