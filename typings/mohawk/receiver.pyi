from collections.abc import Callable, MutableMapping

from .base import HawkAuthority, Resource, _Content, _ContentType, _SeenNonce

__all__ = ["Receiver"]

class Receiver(HawkAuthority):
    response_header: str | None
    credentials_map: Callable[[str], MutableMapping[str, str]]
    seen_nonce: _SeenNonce | None
    parsed_header: dict[str, str]
    resource: Resource
    def __init__(
        self,
        credentials_map: Callable[[str], MutableMapping[str, str]],
        request_header: str,
        url: str,
        method: str,
        content: _Content = ...,
        content_type: _ContentType = ...,
        seen_nonce: _SeenNonce | None = None,
        localtime_offset_in_seconds: float = 0,
        accept_untrusted_content: bool = False,
        timestamp_skew_in_seconds: float = 60,
    ) -> None: ...
    def respond(
        self,
        content: _Content = ...,
        content_type: _ContentType = ...,
        always_hash_content: bool = True,
        ext: str | None = None,
    ) -> str: ...
