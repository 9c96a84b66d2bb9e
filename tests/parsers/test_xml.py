"""XMLParser: reads back what XMLFormatter writes, and refuses hostile documents unread."""

from __future__ import annotations

import errno
import os
import pathlib
import socket
import typing as t

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.exceptions import RequestEntityTooLarge

from flask_api_utils import XMLFormatter, XMLParser

parse = XMLParser()


def _read(data: bytes) -> t.Any:
    return parse(data, {})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param({"a": "x"}, {"a": "x"}, id="mapping"),
        pytest.param({"a": None}, {"a": None}, id="none"),
        pytest.param({"a": ""}, {"a": ""}, id="empty-string"),
        pytest.param({"tags": ["x", "y"]}, {"tags": ["x", "y"]}, id="list"),
        pytest.param([{"a": "1"}, {"a": "2"}], [{"a": "1"}, {"a": "2"}], id="list-of-records"),
        pytest.param({"1st": "x", "a b": "y"}, {"1st": "x", "a b": "y"}, id="key-elements"),
        pytest.param({"key": "k"}, {"key": "k"}, id="plain-key-element"),
        pytest.param(
            {"n": 5, "ok": True, "f": 1.5}, {"n": "5", "ok": "true", "f": "1.5"}, id="scalars"
        ),
        pytest.param("text", "text", id="root-text"),
    ],
)
def test_reads_back_what_the_formatter_writes(value: object, expected: object) -> None:
    assert _read(XMLFormatter()(value)) == expected


@pytest.mark.parametrize("root", ["response", "note", "anything"])
def test_any_root_name_holds_the_value(root: str) -> None:
    assert _read(XMLFormatter(root=root)({"a": "1"})) == {"a": "1"}


def test_pretty_output_reads_back_the_same() -> None:
    value = {"a": {"b": ["1", "2"]}, "c": None}
    assert _read(XMLFormatter(pretty=True)(value)) == value


def test_custom_item_name() -> None:
    data = XMLFormatter(item="entry")({"a": ["1", "2"]})
    assert XMLParser(item="entry")(data, {}) == {"a": ["1", "2"]}


_names = st.from_regex(r"[a-hj-z][a-z0-9_]{0,6}", fullmatch=True)
_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=10
).filter(lambda s: not s.isspace())
_values = st.recursive(
    st.none() | _text,
    lambda children: (
        st.lists(children, min_size=1, max_size=4)
        | st.dictionaries(_names, children, min_size=1, max_size=4)
    ),
    max_leaves=20,
)


@given(_values)
def test_any_json_like_value_of_text_round_trips(value: object) -> None:
    assert _read(XMLFormatter()(value)) == value


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz><a>&lol9;</a></lolz>"""


def test_billion_laughs_is_refused_without_expansion() -> None:
    with pytest.raises(ValueError, match="DTD") as caught:
        _read(BILLION_LAUGHS)
    assert "lollol" not in str(caught.value)


def test_plain_dtd_is_refused() -> None:
    with pytest.raises(ValueError, match="DTD"):
        _read(b'<!DOCTYPE note SYSTEM "note.dtd"><note><a>1</a></note>')


def test_external_file_entity_is_never_opened(tmp_path: pathlib.Path) -> None:
    # A FIFO with no writer: a parser that opened it to read would block
    # until the test's timeout, so returning at all shows it was not opened.
    fifo = tmp_path / "secret"
    os.mkfifo(fifo)
    document = f'<!DOCTYPE n [<!ENTITY s SYSTEM "file://{fifo}">]><n><a>&s;</a></n>'.encode()
    with pytest.raises(ValueError, match="DTD"):
        _read(document)
    with pytest.raises(OSError, match="No such device") as caught:
        os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    assert caught.value.errno == errno.ENXIO  # nobody holds it open for reading


def test_external_file_content_never_reaches_the_value(tmp_path: pathlib.Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    document = f'<!DOCTYPE n [<!ENTITY s SYSTEM "{secret.as_uri()}">]><n><a>&s;</a></n>'.encode()
    with pytest.raises(ValueError, match="DTD") as caught:
        _read(document)
    assert "TOP-SECRET-MARKER" not in str(caught.value)


@pytest.mark.parametrize("where", ["entity", "dtd"])
def test_network_entity_and_dtd_are_never_fetched(where: str) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/x"
        document = (
            f'<!DOCTYPE n [<!ENTITY s SYSTEM "{url}">]><n><a>&s;</a></n>'
            if where == "entity"
            else f'<!DOCTYPE n SYSTEM "{url}"><n><a>1</a></n>'
        )
        with pytest.raises(ValueError, match="DTD"):
            _read(document.encode())
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_undeclared_entity_is_not_well_formed() -> None:
    with pytest.raises(ValueError, match="not well-formed"):
        _read(b"<n><a>&s;</a></n>")


def test_depth_over_the_limit_is_refused() -> None:
    document = b"<a>" * 70 + b"x" + b"</a>" * 70
    with pytest.raises(ValueError, match="deeper than 64"):
        _read(document)
    assert XMLParser(max_depth=100)(document, {}) is not None


def test_size_over_the_limit_is_413() -> None:
    with pytest.raises(RequestEntityTooLarge):
        XMLParser(max_size=10)(b"<a>0123456789</a>", {})


def test_utf16_dtd_is_refused() -> None:
    document = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE n><n/>'.encode("utf-16")
    with pytest.raises(ValueError, match="DTD"):
        _read(document)
