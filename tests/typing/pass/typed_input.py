"""The request-input forms as a consumer writes them: mypy --strict and pyright strict pass."""

from __future__ import annotations

import dataclasses
import datetime
import typing as t

from pydantic import Field

from flask_api_utils import (
    CSVFormatter,
    Problem,
    ProblemDetails,
    Query,
    ResponsiveBlueprint,
    ResponsiveFlask,
    produces,
)

app = ResponsiveFlask(__name__)
ProblemDetails(app)
app.response_formatters["text/csv"] = CSVFormatter()


@dataclasses.dataclass
class NoteIn:
    title: t.Annotated[str, Field(min_length=1, max_length=200)]
    tags: list[str] = dataclasses.field(default_factory=list[str])
    due: datetime.date | None = None


@dataclasses.dataclass
class Note:
    id: int
    title: str


class Page(t.TypedDict):
    page: int
    tag: list[str]


class OutOfCredit(Problem):
    type = "https://example.com/probs/out-of-credit"
    title = "You do not have enough credit."
    code = 403


@app.post("/notes")
def create(note: NoteIn) -> tuple[Note, int]:
    return Note(id=1, title=note.title.upper()), 201


@app.post("/notes/many")
async def create_many(notes: list[NoteIn]) -> list[Note]:
    return [Note(id=n, title=note.title) for n, note in enumerate(notes)]


@app.get("/notes")
@produces("application/json", "text/csv")
def listing(query: t.Annotated[Page, Query]) -> list[Note]:
    return [Note(id=query["page"], title=tag) for tag in query["tag"]]


@app.post("/purchases")
def purchase() -> t.NoReturn:
    raise OutOfCredit("Your balance is 30, but that costs 50.", balance=30)


bp = ResponsiveBlueprint("notes", __name__)


@bp.put("/notes/<int:note_id>")
def replace(note_id: int, note: NoteIn) -> Note:
    return Note(id=note_id, title=note.title)


# The decorators return each view unchanged, signature included.
t.assert_type(create(NoteIn(title="x")), tuple[Note, int])
t.assert_type(listing({"page": 1, "tag": ["a"]}), list[Note])
t.assert_type(replace(1, NoteIn(title="y")), Note)
