# expect: Incompatible return value type (got "NoteIn", expected "Note")
from __future__ import annotations

import dataclasses

from flask_api_utils import ResponsiveFlask

app = ResponsiveFlask(__name__)


@dataclasses.dataclass
class NoteIn:
    title: str


@dataclasses.dataclass
class Note:
    id: int
    title: str


@app.post("/notes")
def create(note: NoteIn) -> Note:
    return note
