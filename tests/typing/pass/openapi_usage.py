"""A consumer's OpenAPI setup: ``@doc`` keeps each view's signature, sync and async."""

from __future__ import annotations

import dataclasses
import typing as t

from flask_api_utils import OpenAPI, ResponseDoc, ResponsiveFlask, doc

app = ResponsiveFlask(__name__)
app.config["OPENAPI_TITLE"] = "Typed"
openapi = OpenAPI(app)


@dataclasses.dataclass
class Note:
    id: int
    title: str


@dataclasses.dataclass
class NoteIn:
    title: str


@app.post("/notes")
@doc(
    summary="Add a note",
    tags=["notes"],
    request_example=NoteIn("Groceries"),
    response_example=Note(1, "Groceries"),
    responses={409: "The title is taken.", 303: ResponseDoc("Seen", headers={"Location": "It"})},
)
def create(note: NoteIn) -> tuple[Note, t.Literal[201]]:
    return Note(1, note.title), 201


@app.get("/notes/<int:note_id>")
@doc(deprecated=True, operation_id="readNote")
async def read(note_id: int) -> Note:
    return Note(note_id, "x")


# The decorated functions are the functions written: called directly, they
# still take and return what they declare.
created: tuple[Note, t.Literal[201]] = create(NoteIn("y"))
pending: t.Coroutine[t.Any, t.Any, Note] = read(1)
pending.close()
document: dict[str, t.Any] = openapi.document(app)
