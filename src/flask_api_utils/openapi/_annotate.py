"""What a view's types cannot say about it: :func:`doc` and :class:`ResponseDoc`."""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
import typing as t

from .._marks import mark, marked

if t.TYPE_CHECKING:
    from ..typing import APIRouteCallable

__all__ = ["OperationDoc", "ResponseDoc", "doc", "operation_doc"]

T_route = t.TypeVar("T_route", bound="APIRouteCallable")

_DOC = "__flask_api_utils_doc__"


class _Unset:
    """The default of an example nobody gave; ``None`` is a value an example may have."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: t.Final = _Unset()


@dataclasses.dataclass(frozen=True)
class ResponseDoc:
    """A response a view's return annotation does not show, for :func:`doc`.

    ``@doc(responses={404: "There is no such note."})`` is enough for an
    error: it is described with the app's error body. Use this class for a
    response with a body of its own type, or with headers.

    :param description: what the response means.
    :param body: the type of its body (a dataclass, a TypedDict, a list of
        them...), offered in the view's formats; ``None`` for the app's error
        body on a 4xx or 5xx status, and no body otherwise.
    :param headers: the headers it carries, each with a description.
    """

    description: str
    body: object = None
    headers: cabc.Mapping[str, str] = dataclasses.field(default_factory=dict[str, str])


@dataclasses.dataclass(frozen=True)
class OperationDoc:
    """Everything :func:`doc` recorded about one view."""

    summary: str | None = None
    description: str | None = None
    tags: tuple[str, ...] | None = None
    operation_id: str | None = None
    deprecated: bool = False
    status: int | None = None
    request_example: object = UNSET
    response_example: object = UNSET
    responses: cabc.Mapping[int, ResponseDoc] = dataclasses.field(
        default_factory=dict[int, ResponseDoc]
    )
    hidden: bool = False


def doc(
    *,
    summary: str | None = None,
    description: str | None = None,
    tags: cabc.Sequence[str] | None = None,
    operation_id: str | None = None,
    deprecated: bool = False,
    status: int | None = None,
    request_example: object = UNSET,
    response_example: object = UNSET,
    responses: cabc.Mapping[int, str | ResponseDoc] | None = None,
    hidden: bool = False,
) -> cabc.Callable[[T_route], T_route]:
    """Add to a view's OpenAPI operation what its types and docstring cannot say.

    The view is returned unchanged, keeping its signature for type checkers;
    put the decorator under the route decorator. Nothing here repeats a
    schema: examples are values of the view's own types, written by the
    app's formatters into every format the view offers.

    :param summary: replaces the docstring's first line.
    :param description: replaces the rest of the docstring.
    :param tags: the operation's tags; the blueprint's name by default.
    :param operation_id: replaces the id made from the endpoint's name.
    :param deprecated: mark the operation deprecated.
    :param status: the success status, for a view annotated ``tuple[T, int]``
        (``tuple[T, Literal[201]]`` says it in the type instead); ``200`` if
        neither says.
    :param request_example: a value of the body's type, shown as the request
        example in each format the view reads.
    :param response_example: a value of the return type, shown as the
        success response's example in each format the view offers.
    :param responses: more responses by status code: a description, or a
        :class:`ResponseDoc`.
    :param hidden: leave the view out of the document.
    """
    recorded = OperationDoc(
        summary=summary,
        description=description,
        tags=tuple(tags) if tags is not None else None,
        operation_id=operation_id,
        deprecated=deprecated,
        status=status,
        request_example=request_example,
        response_example=response_example,
        responses={
            code: ResponseDoc(value) if isinstance(value, str) else value
            for code, value in (responses or {}).items()
        },
        hidden=hidden,
    )

    return mark(_DOC, recorded)


def operation_doc(view: cabc.Callable[..., t.Any]) -> OperationDoc | None:
    """Return what :func:`doc` recorded on ``view`` or a function it wraps, if anything."""
    return t.cast("OperationDoc | None", marked(view, _DOC))
