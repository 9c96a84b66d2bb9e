"""CSV with the standard library: :class:`CSVFormatter`, for lists of flat records.

``app.response_formatters["text/csv"] = CSVFormatter()``

A list (or tuple) of mappings or dataclass instances becomes an RFC 4180
document: a header row of the field names (in the order they first appear;
a dataclass's fields whose names start with ``_`` are left out, as in JSON),
then one row per record, fields separated by commas, lines ended by CRLF,
quoted only where needed. A single record is one row. A field a record lacks
is an empty cell.

Cells are written as text: ``None`` is empty, ``bool`` is ``true`` or
``false``, numbers and ``Decimal`` as ``str()``, dates, times and ``UUID`` in
their ISO 8601 and canonical forms, ``Enum`` members by value.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be read as a formula by spreadsheet programs (CSV injection): it
is written with a leading ``'`` unless the formatter is made with
``neutralise_formulas=False``. Numbers are never changed.

A nested value (a mapping, list, dataclass or anything else the list above
does not name) raises :exc:`TypeError` naming the field and the row: the
response is a 500 (:class:`~flask_api_utils.FormatterError`), never a broken
row.
"""

from __future__ import annotations

import collections.abc as cabc
import csv
import dataclasses
import datetime
import enum
import io
import typing as t
import uuid
from decimal import Decimal

__all__ = ["CSVFormatter"]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_TEXT: dict[type, cabc.Callable[[t.Any], str]] = {
    int: int.__repr__,
    float: float.__repr__,
    bool: {True: "true", False: "false"}.__getitem__,
    Decimal: Decimal.__str__,
    datetime.datetime: datetime.datetime.isoformat,
    datetime.date: datetime.date.isoformat,
    datetime.time: datetime.time.isoformat,
    uuid.UUID: uuid.UUID.__str__,
}


def _fields(record: object, row: int) -> cabc.Mapping[t.Any, t.Any]:
    if isinstance(record, cabc.Mapping):
        return record
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {
            f.name: getattr(record, f.name)
            for f in dataclasses.fields(record)
            if not f.name.startswith("_")
        }
    msg = f"Cannot write CSV: row {row} is a {type(record).__name__!r}, not a mapping or dataclass."
    raise TypeError(msg)


class CSVFormatter:
    """Write a list of flat records as RFC 4180 CSV with a header row.

    :param neutralise_formulas: prefix text cells that spreadsheets would run
        as formulas with ``'``.
    """

    __slots__ = ("_neutralise",)

    def __init__(self, *, neutralise_formulas: bool = True) -> None:
        self._neutralise = neutralise_formulas

    @property
    def neutralise_formulas(self) -> bool:
        """Whether formula-like text cells get a leading ``'``."""
        return self._neutralise

    def __call__(self, data: t.Any, /) -> str:
        """Serialise ``data``, a list of records or one record, to CSV text.

        :raise TypeError: for a row that is not a record, or a nested value,
            naming the field and the row.
        """
        records = list(data) if isinstance(data, list | tuple) else [data]
        rows = [_fields(record, number) for number, record in enumerate(records)]
        header: dict[t.Any, None] = {}
        for row in rows:
            header.update(dict.fromkeys(row))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if header:
            writer.writerow([self._cell(key, "header", 0) for key in header])
        for number, row in enumerate(rows):
            writer.writerow([self._cell(row.get(key), key, number) for key in header])
        return out.getvalue()

    def _cell(self, value: t.Any, field: object, row: int) -> str:
        cls = type(value)
        if cls is str or isinstance(value, str):
            text = str.__str__(value)
            if self._neutralise and text.startswith(_FORMULA_STARTS):
                return "'" + text
            return text
        if value is None:
            return ""
        convert = _TEXT.get(cls)
        if convert is not None:
            return convert(value)
        if isinstance(value, enum.Enum):
            return self._cell(value.value, field, row)
        for base, base_convert in _TEXT.items():
            if base is not bool and isinstance(value, base):
                return base_convert(value)
        msg = (
            f"Cannot write CSV: the field {field!r} of row {row} holds a"
            f" {cls.__name__!r}; CSV cells are flat values."
        )
        raise TypeError(msg)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(neutralise_formulas={self._neutralise!r})"
