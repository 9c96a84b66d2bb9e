from collections.abc import Callable, MutableMapping
from logging import Logger
from typing import Final, Protocol, type_check_only

@type_check_only
class _Readable(Protocol):
    def read(self, size: int, /) -> bytes | str: ...

default_ts_skew_in_seconds: Final[int]
log: Logger

class HawkEmptyValue:
    def __eq__(self, other: object) -> bool: ...
    def __ne__(self, other: object) -> bool: ...
    def __nonzero__(self) -> bool: ...
    def __bool__(self) -> bool: ...

_SeenNonce = Callable[[str, str, str], bool]
_Content = bytes | str | _Readable | HawkEmptyValue
_ContentType = str | HawkEmptyValue

EmptyValue: Final[HawkEmptyValue]

class HawkAuthority: ...

class Resource:
    credentials: MutableMapping[str, str]
    method: str
    content: _Content
    content_type: _ContentType
    always_hash_content: bool
    ext: str | None
    app: str | None
    dlg: str | None
    timestamp: str
    nonce: str | bytes
    seen_nonce: _SeenNonce | None
    url: str
    name: str
    host: str
    port: str
    def __init__(
        self,
        *,
        credentials: MutableMapping[str, str],
        method: str,
        url: str,
        content: _Content = ...,
        content_type: _ContentType = ...,
        always_hash_content: bool = True,
        ext: str | None = None,
        app: str | None = None,
        dlg: str | None = None,
        timestamp: int | str | None = None,
        nonce: str | bytes | None = None,
        seen_nonce: _SeenNonce | None = None,
    ) -> None: ...
    @property
    def content_hash(self) -> bytes | None: ...
    def gen_content_hash(self) -> bytes | None: ...
    def parse_url(self, url: str) -> dict[str, str | int | None]: ...
