from collections.abc import Callable, MutableMapping
from logging import Logger
from typing import NamedTuple

from .base import Resource

log: Logger

def get_bewit(resource: Resource) -> str: ...

class bewittuple(NamedTuple):
    id: str
    expiration: str
    mac: str
    ext: str

def parse_bewit(bewit: str | bytes) -> bewittuple: ...
def strip_bewit(url: str) -> tuple[str, str]: ...
def check_bewit(
    url: str,
    credential_lookup: Callable[[str], MutableMapping[str, str]],
    now: int | None = None,
) -> bool: ...
