# Stubs for requests-hawk 1.2, the independent Hawk client the tests use.
from requests import PreparedRequest
from requests.auth import AuthBase

class HawkAuth(AuthBase):
    def __init__(
        self,
        hawk_session: str | None = None,
        id: str | None = None,
        key: str | None = None,
        algorithm: str = "sha256",
        credentials: None = None,
        server_url: str | None = None,
        _timestamp: int | None = None,
        always_hash_content: bool = True,
        ext: str | None = None,
        app: str | None = None,
    ) -> None: ...
    def __call__(self, r: PreparedRequest) -> PreparedRequest: ...
