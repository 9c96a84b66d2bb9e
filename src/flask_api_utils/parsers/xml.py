"""XML request bodies with lxml, hardened, read by the mapping XMLFormatter writes.

:class:`XMLParser` reads a document back into the values
:class:`~flask_api_utils.XMLFormatter` documents, whatever the root element
is called (its content is the value):

- an element with ``nil="true"`` and no content is ``None``;
- an element without children is its text, ``""`` when empty;
- an element whose children are all ``<item>`` is a ``list`` of them;
- any other element with children is a ``dict``, one key per child: its tag,
  or its ``name`` attribute for ``<key name="...">``.

XML carries no types, so scalars come back as text (``"5"``, ``"true"``) and an
empty element as ``""``: a typed body (see the README) turns them into the
declared types, so that a value written as XML and read back compares equal.

The parser is hardened against hostile documents: entities are never
expanded, nothing is loaded from the network or the file system, and a
document with a DTD (``<!DOCTYPE``) is refused; the size of the document and
the depth of its elements are bounded.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from lxml import etree
from werkzeug.exceptions import RequestEntityTooLarge

__all__ = ["XMLParser"]

# A document type declaration is refused before lxml sees the document, so
# that no entity is even declared; the spellings cover the ASCII-compatible
# encodings and UTF-16. Any other encoding meets the check after parsing,
# where libxml2's own amplification limit has bounded the work.
_DOCTYPES = tuple("<!DOCTYPE".encode(encoding) for encoding in ("ascii", "utf-16-le", "utf-16-be"))

_DEFAULT_MAX_DEPTH = 64
_DEFAULT_MAX_SIZE = 10 * 1024 * 1024


def _hardened_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=False,
    )


class XMLParser:
    """Parse an XML body by the mapping :mod:`flask_api_utils.parsers.xml` documents.

    ``app.request_parsers["application/xml"] = XMLParser()``

    A document that is not well-formed, has a DTD, mixes text with elements,
    repeats a key or nests deeper than ``max_depth`` elements raises
    :exc:`ValueError` naming the line or element where reading stopped (a
    ``400``); one longer than ``max_size`` bytes is a ``413``.

    :param item: the name of each list entry's element, as the formatter's.
    :param max_depth: the deepest nesting of elements below the root accepted.
    :param max_size: the longest document accepted, in bytes.
    """

    __slots__ = ("_item", "_max_depth", "_max_size", "_parser")

    def __init__(
        self,
        *,
        item: str = "item",
        max_depth: int = _DEFAULT_MAX_DEPTH,
        max_size: int = _DEFAULT_MAX_SIZE,
    ) -> None:
        self._item = item
        self._max_depth = max_depth
        self._max_size = max_size
        self._parser = _hardened_parser()

    @property
    def item(self) -> str:
        """The name of each list entry's element."""
        return self._item

    def __call__(self, data: bytes, options: cabc.Mapping[str, str], /) -> t.Any:
        """Return the value the document's root element holds.

        :param data: the body.
        :param options: the ``Content-Type`` parameters; the document's own
            declaration names its encoding.
        :raise ValueError: for a document that cannot be read as a value.
        :raise RequestEntityTooLarge: for a document over ``max_size`` bytes.
        """
        if len(data) > self._max_size:
            raise RequestEntityTooLarge(f"An XML body is limited to {self._max_size} bytes.")
        if any(doctype in data for doctype in _DOCTYPES):
            raise ValueError(_DTD_REFUSED)
        try:
            root = etree.fromstring(data, self._parser)
        except etree.XMLSyntaxError as e:
            msg = f"The body is not well-formed XML: {e}"
            raise ValueError(msg) from None
        # lxml-stubs lack DocInfo.doctype.
        if t.cast(t.Any, root.getroottree().docinfo).doctype:
            raise ValueError(_DTD_REFUSED)
        return _read(root, self._item, self._max_depth, 0)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(item={self._item!r}, max_depth={self._max_depth!r},"
            f" max_size={self._max_size!r})"
        )


_DTD_REFUSED = "The body is not accepted: XML with a document type declaration (DTD)."


def _read(element: etree._Element, item: str, max_depth: int, depth: int) -> t.Any:
    children = list(element)
    if not children:
        if element.get("nil") == "true" and not element.text:
            return None
        return element.text or ""
    if depth >= max_depth:
        msg = f"The body is not accepted: XML nested deeper than {max_depth} elements."
        raise ValueError(msg)
    if _has_text(element.text) or any(_has_text(child.tail) for child in children):
        msg = f"The body is not accepted: {_where(element)} mixes text with elements."
        raise ValueError(msg)
    depth += 1
    if all(child.tag == item for child in children):
        return [_read(child, item, max_depth, depth) for child in children]
    result: dict[str, t.Any] = {}
    for child in children:
        tag: object = child.tag
        if not isinstance(tag, str):
            msg = f"The body is not accepted: {_where(element)} holds an entity reference."
            raise ValueError(msg)
        key = child.get("name") if tag == "key" and "name" in child.attrib else tag
        assert key is not None
        if key in result:
            msg = f"The body is not accepted: {_where(child)} repeats the key {key!r}."
            raise ValueError(msg)
        result[key] = _read(child, item, max_depth, depth)
    return result


def _has_text(text: str | None) -> bool:
    return bool(text) and not t.cast(str, text).isspace()


def _where(element: etree._Element) -> str:
    return f"the element {element.getroottree().getpath(element)} (line {element.sourceline})"
