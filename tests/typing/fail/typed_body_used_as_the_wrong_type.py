# expect: "NoteIn" has no attribute "titel"
from __future__ import annotations

import dataclasses

from flask_api_utils import ResponsiveFlask

app = ResponsiveFlask(__name__)


@dataclasses.dataclass
class NoteIn:
    title: str


@app.post("/notes")
def create(note: NoteIn) -> dict[str, str]:
    return {"title": note.titel}
