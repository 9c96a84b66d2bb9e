# expect: Property "client_id" defined in "HawkAuth" is read-only
from __future__ import annotations

from flask_api_utils.hawk import current_hawk_auth

current_hawk_auth().client_id = "root"
