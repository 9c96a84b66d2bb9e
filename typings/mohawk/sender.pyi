from collections.abc import MutableMapping

from .base import HawkAuthority, Resource, _Content, _ContentType, _SeenNonce

__all__ = ["Sender"]

class Sender(HawkAuthority):
    request_header: str
    credentials: MutableMapping[str, str]
    seen_nonce: _SeenNonce | None
    req_resource: Resource
    def __init__(
        self,
        credentials: MutableMapping[str, str],
        url: str,
        method: str,
        content: _Content = ...,
        content_type: _ContentType = ...,
        always_hash_content: bool = True,
        nonce: str | None = None,
        ext: str | None = None,
        app: str | None = None,
        dlg: str | None = None,
        seen_nonce: _SeenNonce | None = None,
        _timestamp: int | str | None = None,
    ) -> None: ...
    def accept_response(
        self,
        response_header: str,
        content: _Content = ...,
        content_type: _ContentType = ...,
        accept_untrusted_content: bool = False,
        localtime_offset_in_seconds: float = 0,
        timestamp_skew_in_seconds: float = 60,
    ) -> None: ...
    def reconfigure(self, credentials: MutableMapping[str, str]) -> None: ...
