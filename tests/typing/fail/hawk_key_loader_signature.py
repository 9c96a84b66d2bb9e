# expect: Value of type variable "T_key_loader" of "client_key_loader" of "Hawk" cannot be
from __future__ import annotations

from flask_api_utils.hawk import Hawk

hawk = Hawk()


@hawk.client_key_loader
def load_key(client_id: int) -> bytes:
    return b"secret"
