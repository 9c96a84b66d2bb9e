"""Hawk request authentication for Flask.

Everything public is re-exported here and from :mod:`flask_api_utils`. The
protocol is implemented on the standard library (:mod:`hmac`,
:mod:`hashlib`); only the Redis nonce stores need an extra (``redis``).
"""

from __future__ import annotations

from ._state import HawkAuth as HawkAuth
from ._state import current_hawk_auth as current_hawk_auth
from .credentials import ClientKey as ClientKey
from .credentials import HawkCredentials as HawkCredentials
from .extension import Hawk as Hawk
from .extension import make_bewit_url as make_bewit_url
from .nonces import AsyncRedisNonceStore as AsyncRedisNonceStore
from .nonces import MemoryNonceStore as MemoryNonceStore
from .nonces import NonceStoreUnavailable as NonceStoreUnavailable
from .nonces import RedisNonceStore as RedisNonceStore

__all__ = [
    "AsyncRedisNonceStore",
    "ClientKey",
    "Hawk",
    "HawkAuth",
    "HawkCredentials",
    "MemoryNonceStore",
    "NonceStoreUnavailable",
    "RedisNonceStore",
    "current_hawk_auth",
    "make_bewit_url",
]
