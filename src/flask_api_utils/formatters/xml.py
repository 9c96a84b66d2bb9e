"""XML with lxml: :class:`XMLFormatter`, and the mapping from Python values to XML.

Registering XML takes one line::

    app.response_formatters["application/xml"] = XMLFormatter()

The output is UTF-8 and starts with ``<?xml version='1.0' encoding='UTF-8'?>``.
Values map to XML as follows (``root`` and ``item`` are the formatter's
element names, ``response`` and ``item`` by default):

==================================  ==========================================
Python value                        XML
==================================  ==========================================
the value returned                  the content of ``<response>``
``dict`` or another ``Mapping``     one child element per key, in the
                                    mapping's order: ``{"a": 1}`` is
                                    ``<a>1</a>``
dataclass instance                  as a dict of its fields; fields whose
                                    names start with ``_`` are left out, as
                                    orjson leaves them out
``list`` or ``tuple``               one ``<item>`` element per entry:
                                    ``{"tags": ["x"]}`` is
                                    ``<tags><item>x</item></tags>``
``None``                            an empty element with ``nil="true"``:
                                    ``<a nil="true"/>``
``str``                             the text; ``""`` is an empty element
                                    *without* ``nil``, so it stays distinct
                                    from ``None``
``bool``                            ``true`` or ``false``
``int``                             decimal digits, beyond 64 bits too
``float``                           ``repr()``: ``1.5``, ``1e+16``; ``NaN``,
                                    ``INF`` and ``-INF`` as XML Schema
                                    spells them
``Decimal``                         ``str()``, every digit kept: ``0.10``
``datetime``, ``date``, ``time``    ISO 8601 (``isoformat()``):
                                    ``2024-05-01T12:00:00+00:00``
``UUID``                            its canonical hyphenated form
``Enum`` member                     its value, mapped by these rules
==================================  ==========================================

Subclasses of these types map as their base type does.

A dict key that is a ``str`` and a valid XML name (XML 1.0, without ``:``)
names its element. Any other key still gives well-formed XML: the element is
``<key>`` and the key's text is in its ``name`` attribute, so ``{"1st": 1}`` is
``<key name="1st">1</key>`` and ``{"a b": 1}`` is ``<key name="a b">1</key>``.
Keys that are not strings are written as their values would be: ``{2: "x"}``
is ``<key name="2">x</key>``, a ``None`` key is ``null``, a ``True`` key
``true``. An ``Enum`` key counts as its value, so a member whose value is
``"red"`` names the element ``<red>``. An element named ``key`` *with* a
``name`` attribute therefore always stands for such a key; ``{"key": 1}`` is
plain ``<key>1</key>``. Names that start with ``xml`` are reserved by the XML
specification but well-formed, and are used as they are.

An empty string, an empty mapping and an empty list all give an empty
element: XML has no way to tell them apart without a schema.

Errors, raised before anything is returned (never partial or broken XML):

- :exc:`TypeError` naming the type, for anything the table does not list
  (a ``set``, ``bytes``, an arbitrary object) and for a dict key of such a type;
- :exc:`ValueError` for text XML 1.0 cannot carry (``\\x00``, ``\\x0b`` and
  the other control characters but tab, newline and carriage return; lone
  surrogates; ``\\ufffe`` and ``\\uffff``), naming the character and where it
  is; and for data nested deeper than XML parsers accept (libxml2 refuses
  documents deeper than 256 elements), including data that contains itself.
"""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
import datetime
import enum
import functools
import re
import typing as t
import uuid
from decimal import Decimal

from lxml import etree

from .json import _type_name

__all__ = ["XMLFormatter"]

# A handler writes one value into the element made for it: its text, its
# children or its nil attribute. ``item`` is the list item tag, ``depth`` the
# nesting of the value (0 for the root's).
_Handler: t.TypeAlias = cabc.Callable[[etree._Element, t.Any, str, int], None]

# Bound once: the loops below call it for every field of every record.
_SubElement = etree.SubElement

# libxml2, and so lxml.etree.fromstring, refuses documents nested deeper.
_MAX_ELEMENT_DEPTH = 256

# Bounds on caches keyed by data: keys and classes come from the program in
# practice, but a view that echoes client data as keys must not grow memory.
_MAX_CACHED_TAGS = 4096
_MAX_CACHED_HANDLERS = 1024

# XML 1.0 (fifth edition) Name, without ":" because lxml reads a colon as a
# namespace prefix.
_NAME_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME_RE = re.compile(f"[{_NAME_START}][{_NAME_START}\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040]*")

# Anything outside XML 1.0's Char production: lxml refuses such text without
# saying which, so this finds it for the error message.
_NOT_XML_CHAR_RE = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_FLOAT_SPECIALS = {"nan": "NaN", "inf": "INF", "-inf": "-INF"}


def _float_text(value: float) -> str:
    text = float.__repr__(value)
    return _FLOAT_SPECIALS.get(text, text)


_BOOL_TEXT = {True: "true", False: "false"}

# Exact type -> text, for the scalars; looked up before anything else.
_TEXT: dict[type, cabc.Callable[[t.Any], str]] = {
    int: int.__repr__,
    float: _float_text,
    bool: _BOOL_TEXT.__getitem__,
    Decimal: Decimal.__str__,
    datetime.datetime: datetime.datetime.isoformat,
    datetime.date: datetime.date.isoformat,
    datetime.time: datetime.time.isoformat,
    uuid.UUID: uuid.UUID.__str__,
}

# Subclasses map as their base: the first base in this order that matches wins
# (datetime before date, its base class).
_TEXT_BASES: tuple[tuple[type, cabc.Callable[[t.Any], str]], ...] = (
    (str, str.__str__),
    (int, int.__repr__),
    (float, _float_text),
    (Decimal, Decimal.__str__),
    (datetime.datetime, datetime.datetime.isoformat),
    (datetime.date, datetime.date.isoformat),
    (datetime.time, datetime.time.isoformat),
    (uuid.UUID, uuid.UUID.__str__),
)


def _too_deep() -> ValueError:
    msg = (
        f"Cannot write XML: the value nests deeper than {_MAX_ELEMENT_DEPTH} elements, "
        "which XML parsers refuse (or it contains itself)."
    )
    return ValueError(msg)


def _fill(element: etree._Element, value: t.Any, item: str, depth: int) -> None:
    cls = type(value)
    if cls is str:
        element.text = value
        return
    text = _TEXT.get(cls)
    if text is not None:
        element.text = text(value)
    elif value is None:
        element.set("nil", "true")
    else:
        (_handlers.get(cls) or _resolve(cls))(element, value, item, depth)


def _fill_pairs(
    element: etree._Element,
    pairs: cabc.Iterable[tuple[t.Any, t.Any]],
    item: str,
    depth: int,
) -> None:
    # The children of this value's element sit two levels below the root at depth 0.
    if depth + 2 > _MAX_ELEMENT_DEPTH:
        raise _too_deep()
    depth += 1
    tags = _tags
    for key, value in pairs:
        tag = tags.get(key)
        child = _SubElement(element, tag) if tag is not None else _key_child(element, key)
        # _fill, inlined: this loop runs once per field of every record.
        cls = type(value)
        if cls is str:
            child.text = value
            continue
        text = _TEXT.get(cls)
        if text is not None:
            child.text = text(value)
        elif value is None:
            child.set("nil", "true")
        else:
            (_handlers.get(cls) or _resolve(cls))(child, value, item, depth)


def _fill_mapping(
    element: etree._Element, value: cabc.Mapping[t.Any, t.Any], item: str, depth: int
) -> None:
    _fill_pairs(element, value.items(), item, depth)


def _fill_items(element: etree._Element, values: t.Any, item: str, depth: int) -> None:
    if depth + 2 > _MAX_ELEMENT_DEPTH:
        raise _too_deep()
    depth += 1
    for value in values:
        child = _SubElement(element, item)
        # _fill, inlined: lists of records are the common case.
        cls = type(value)
        if cls is str:
            child.text = value
            continue
        text = _TEXT.get(cls)
        if text is not None:
            child.text = text(value)
        elif value is None:
            child.set("nil", "true")
        else:
            (_handlers.get(cls) or _resolve(cls))(child, value, item, depth)


def _fill_enum(element: etree._Element, value: enum.Enum, item: str, depth: int) -> None:
    _fill(element, value.value, item, depth)


def _fill_unsupported(element: etree._Element, value: t.Any, item: str, depth: int) -> None:
    msg = f"Type is not XML serializable: {_type_name(type(value))}"
    raise TypeError(msg)


# Exact type -> handler for what is not plain text; _resolve adds the classes
# it meets (subclasses, dataclasses, enums), so each is inspected once.
_handlers: dict[type, _Handler] = {
    dict: _fill_mapping,
    list: _fill_items,
    tuple: _fill_items,
}


def _resolve(cls: type) -> _Handler:
    handler = _handler_for(cls)
    if len(_handlers) < _MAX_CACHED_HANDLERS:
        _handlers[cls] = handler
    return handler


def _handler_for(cls: type) -> _Handler:
    if issubclass(cls, enum.Enum):
        return _fill_enum
    if dataclasses.is_dataclass(cls):
        return _dataclass_handler(cls)
    convert = _text_for_subclass(cls)
    if convert is not None:
        return _text_handler(convert)
    if issubclass(cls, cabc.Mapping):
        return _fill_mapping
    if issubclass(cls, list | tuple):
        return _fill_items
    return _fill_unsupported


def _text_for_subclass(cls: type) -> cabc.Callable[[t.Any], str] | None:
    for base, convert in _TEXT_BASES:
        if issubclass(cls, base):
            return convert
    return None


def _text_handler(convert: cabc.Callable[[t.Any], str]) -> _Handler:
    def fill_text(element: etree._Element, value: t.Any, item: str, depth: int) -> None:
        element.text = convert(value)

    return fill_text


def _dataclass_handler(cls: type) -> _Handler:
    names = tuple(f.name for f in dataclasses.fields(cls) if not f.name.startswith("_"))

    def fill_dataclass(element: etree._Element, value: t.Any, item: str, depth: int) -> None:
        _fill_pairs(element, [(name, getattr(value, name)) for name in names], item, depth)

    return fill_dataclass


# Keys known to be XML names, each mapped to itself. Looking the key up here is
# the whole per-field cost of naming an element.
_tags: dict[t.Any, str] = {}


def _key_child(element: etree._Element, key: t.Any) -> etree._Element:
    """Make the element for a key that is not (yet) in ``_tags``."""
    if isinstance(key, enum.Enum):
        return _key_child(element, key.value)
    if isinstance(key, str):
        text = str.__str__(key)
        if _is_name(text):
            if len(_tags) >= _MAX_CACHED_TAGS:
                _tags.clear()
            _tags[text] = text
            return _SubElement(element, text)
    elif key is None:
        text = "null"
    else:
        convert = _TEXT.get(type(key)) or _text_for_subclass(type(key))
        if convert is None:
            msg = f"Dict key type is not XML serializable: {_type_name(type(key))}"
            raise TypeError(msg)
        text = convert(key)
    return _SubElement(element, "key", name=text)


@functools.lru_cache(maxsize=_MAX_CACHED_TAGS)
def _is_name(text: str) -> bool:
    if _NAME_RE.fullmatch(text) is None:
        return False
    # lxml checks names by its own rules too; a name it refused would fail the
    # response, so such a key takes the <key name="..."> form instead.
    try:
        etree.Element(text)
    except ValueError:
        return False
    return True


def _find_bad_text(value: t.Any, path: str, depth: int) -> tuple[str, str] | None:
    """Return where the first text XML cannot carry is, and its first bad character."""
    if depth > _MAX_ELEMENT_DEPTH:
        return None
    if isinstance(value, str):
        found = _NOT_XML_CHAR_RE.search(value)
        return (f"the text at {path}", found.group()) if found else None
    if isinstance(value, enum.Enum):
        return _find_bad_text(value.value, path, depth)
    pairs: cabc.Iterable[tuple[t.Any, t.Any]]
    if isinstance(value, cabc.Mapping):
        pairs = value.items()
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        pairs = ((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
    elif isinstance(value, list | tuple):
        pairs = enumerate(value)
    else:
        return None
    for key, child in pairs:
        key_text = key.value if isinstance(key, enum.Enum) else key
        if isinstance(key_text, str):
            found = _NOT_XML_CHAR_RE.search(key_text)
            if found:
                return f"the key {key_text!r} in {path}", found.group()
        problem = _find_bad_text(child, f"{path}[{key!r}]", depth + 1)
        if problem is not None:
            return problem
    return None


def _validated_name(parameter: str, name: object) -> str:
    if not isinstance(name, str):
        msg = f"{parameter!r} must be a str, not {type(name).__name__!r}."
        raise TypeError(msg)
    if not _is_name(name):
        msg = f"{parameter!r} must be an XML element name without a colon, not {name!r}."
        raise ValueError(msg)
    return name


class XMLFormatter:
    """Write a value as an XML document, by the mapping the module docstring gives.

    ``app.response_formatters["application/xml"] = XMLFormatter()``

    :param root: the name of the document element, which holds the value.
    :param item: the name of the element for each entry of a list.
    :param pretty: indent nested elements by two spaces and end with a newline.
    :raise ValueError: if ``root`` or ``item`` is not an XML name.
    """

    __slots__ = ("_item", "_pretty", "_root")

    def __init__(self, *, root: str = "response", item: str = "item", pretty: bool = False) -> None:
        self._root = _validated_name("root", root)
        self._item = _validated_name("item", item)
        self._pretty = pretty

    @property
    def root(self) -> str:
        """The name of the document element."""
        return self._root

    @property
    def item(self) -> str:
        """The name of each list entry's element."""
        return self._item

    @property
    def pretty(self) -> bool:
        """Whether the output is indented."""
        return self._pretty

    def __call__(self, data: t.Any, /) -> bytes:
        """Serialise ``data`` to a UTF-8 XML document with an XML declaration.

        :param data: the value to write.
        :raise TypeError: for a value or key of a type the mapping does not list.
        :raise ValueError: for text XML 1.0 cannot carry, or data nested too deeply.
        """
        root = etree.Element(self._root)
        try:
            _fill(root, data, self._item, 0)
            return etree.tostring(
                root, encoding="UTF-8", xml_declaration=True, pretty_print=self._pretty
            )
        except ValueError:
            # lxml's message does not say which text failed; find it now that
            # it matters (the data is walked again only on this failure path).
            problem = _find_bad_text(data, "value", 0)
            if problem is None:
                raise
            where, char = problem
            msg = (
                f"Cannot write XML: {where} contains {char!r} (U+{ord(char):04X}), "
                "a character XML 1.0 cannot carry."
            )
            raise ValueError(msg) from None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(root={self._root!r}, item={self._item!r}, "
            f"pretty={self._pretty!r})"
        )
