"""The credentials file of a Hawk client: ``client.json``.

``python -m notes`` writes it for the demo client; ``python -m notes.client``
reads it. It is a module of its own so that the app can write it without
importing the client.
"""

from __future__ import annotations

import dataclasses
import json
import os
import urllib.parse

__all__ = ["Credentials"]


@dataclasses.dataclass(frozen=True)
class Credentials:
    """A Hawk client's identity and the server it talks to."""

    #: The Hawk client id.
    id: str
    #: The key shared with the server; kept out of ``repr``.
    key: str = dataclasses.field(repr=False)
    #: The MAC algorithm, ``"sha256"`` unless the server says otherwise.
    algorithm: str = "sha256"
    #: The server's base URL, such as ``http://127.0.0.1:5000``.
    url: str = "http://127.0.0.1:5000"

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Credentials:
        """Read credentials from a JSON file with ``id``, ``key``, ``algorithm`` and ``url``.

        :raises ValueError: the file is not such an object.
        """
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if not isinstance(data, dict) or not all(
            isinstance(data.get(name), str) for name in ("id", "key")
        ):
            msg = f"{os.fspath(path)!r} must hold a JSON object with string 'id' and 'key'."
            raise ValueError(msg)
        fields = {f.name for f in dataclasses.fields(cls)}
        return cls(**{name: str(value) for name, value in data.items() if name in fields})

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the credentials as JSON, readable by the owner only."""
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(descriptor, "w", encoding="utf-8") as f:
            json.dump(dataclasses.asdict(self), f, indent=2)
            f.write("\n")

    def for_mohawk(self) -> dict[str, str]:
        """The credentials in the form :mod:`mohawk` takes (a fresh dict: mohawk edits it)."""
        return {"id": self.id, "key": self.key, "algorithm": self.algorithm}

    def absolute(self, path: str) -> str:
        """Resolve ``path`` (``/api/notes``) against the server URL."""
        return urllib.parse.urljoin(self.url, path)
