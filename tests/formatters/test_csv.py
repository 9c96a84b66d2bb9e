"""CSVFormatter: RFC 4180 with a header row, flat values only, formulas neutralised."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import decimal
import enum
import io
import logging
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flask_api_utils import CSVFormatter, FormatterError, ResponsiveFlask


class Colour(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Row:
    name: str
    count: int
    _hidden: str = "x"


def test_records_with_a_header_row_and_crlf() -> None:
    text = CSVFormatter()([{"a": "1", "b": "x,y"}, {"a": "2", "b": 'say "hi"'}])
    assert text == 'a,b\r\n1,"x,y"\r\n2,"say ""hi"""\r\n'


def test_dataclasses_leave_out_private_fields() -> None:
    assert CSVFormatter()([Row("pen", 2), Row("cup", 3)]) == "name,count\r\npen,2\r\ncup,3\r\n"


def test_a_single_record_is_one_row() -> None:
    assert CSVFormatter()(Row("pen", 2)) == "name,count\r\npen,2\r\n"


def test_missing_fields_are_empty_and_new_fields_extend_the_header() -> None:
    assert CSVFormatter()([{"a": 1}, {"b": 2}]) == "a,b\r\n1,\r\n,2\r\n"


def test_empty_list_is_empty() -> None:
    assert CSVFormatter()([]) == ""


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        pytest.param(None, "", id="none"),
        pytest.param(True, "true", id="bool"),
        pytest.param(-5, "-5", id="negative-int-untouched"),
        pytest.param(1.5, "1.5", id="float"),
        pytest.param(decimal.Decimal("0.10"), "0.10", id="decimal"),
        pytest.param(datetime.date(2024, 5, 1), "2024-05-01", id="date"),
        pytest.param(
            datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.UTC),
            "2024-05-01T12:00:00+00:00",
            id="datetime",
        ),
        pytest.param(uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001", id="uuid"),
        pytest.param(Colour.RED, "red", id="enum"),
    ],
)
def test_flat_values(value: object, cell: str) -> None:
    text = CSVFormatter()([{"v": value}])
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["v"], [cell]]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(text: str) -> None:
    rows = list(csv.reader(io.StringIO(CSVFormatter()([{"v": text}]))))
    assert rows[1] == ["'" + text]


def test_neutralising_can_be_turned_off() -> None:
    formatter = CSVFormatter(neutralise_formulas=False)
    assert not formatter.neutralise_formulas
    assert formatter([{"v": "=1+1"}]) == "v\r\n=1+1\r\n"


@pytest.mark.parametrize("nested", [{"a": 1}, [1], Row("x", 1), {1, 2}, b"x"])
def test_a_nested_value_names_the_field(nested: object) -> None:
    with pytest.raises(TypeError, match="the field 'tags' of row 1"):
        CSVFormatter()([{"tags": "ok"}, {"tags": nested}])


def test_a_nested_value_is_a_500_formatter_error(caplog: pytest.LogCaptureFixture) -> None:
    app = ResponsiveFlask(__name__)
    app.response_formatters["text/csv"] = CSVFormatter()

    @app.get("/rows")
    def rows() -> list[dict[str, object]]:
        return [{"name": "a", "tags": ["x"]}]

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/rows", headers={"Accept": "text/csv"})
    assert response.status_code == 500
    errors = [r for r in caplog.records if r.exc_info]
    assert errors
    exception = errors[0].exc_info[1]  # type: ignore[index]
    assert isinstance(exception, FormatterError)
    assert "'tags'" in str(exception)


def test_served_as_text_csv(caplog: pytest.LogCaptureFixture) -> None:
    app = ResponsiveFlask(__name__)
    app.response_formatters["text/csv"] = CSVFormatter()

    @app.get("/rows")
    def rows() -> list[Row]:
        return [Row("a", 1)]

    response = app.test_client().get("/rows", headers={"Accept": "text/csv"})
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data == b"name,count\r\na,1\r\n"


_cells = st.none() | st.integers() | st.text(max_size=20) | st.booleans()


@given(st.lists(st.dictionaries(st.sampled_from(["a", "b", "c"]), _cells, min_size=1), max_size=5))
def test_any_flat_rows_read_back_by_the_csv_module(rows: list[dict[str, object]]) -> None:
    text = CSVFormatter(neutralise_formulas=False)(rows)
    read = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        assert read == []
        return
    header = read[0]
    assert len(read) == len(rows) + 1
    for row, cells in zip(rows, read[1:], strict=True):
        for key, cell in zip(header, cells, strict=True):
            assert cell == _expected_cell(row.get(key))


def _expected_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
