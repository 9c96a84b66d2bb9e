"""JSON Schemas for the document, from the engine that validates typed bodies.

Every type the document mentions is handed to a :class:`SchemaSet` while the
operations are built; :meth:`SchemaSet.resolve` then asks pydantic for all of
their schemas in one pass, so each dataclass, TypedDict and Enum appears
once under ``components/schemas`` and is referenced everywhere else.
"""

from __future__ import annotations

import functools
import typing as t

import orjson

if t.TYPE_CHECKING:
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import core_schema

__all__ = [
    "COMPONENTS",
    "QueryParameters",
    "SchemaRef",
    "SchemaSet",
    "filled",
    "prune_components",
    "walk_schemas",
]

#: Where the document keeps its named schemas, as a ``$ref`` prefix.
COMPONENTS = "#/components/schemas/"


class SchemaRef:
    """A placeholder for a type's schema, filled in by :meth:`SchemaSet.resolve`."""

    __slots__ = ("key", "xml")

    def __init__(self, key: int, xml: dict[str, object] | None = None) -> None:
        self.key = key
        #: An OpenAPI ``xml`` object for the schema where it is used.
        self.xml = xml


class SchemaSet:
    """The types of one document, turned into JSON Schemas together.

    :param forbid_unknown_fields: describe records as refusing fields they do
        not declare (``additionalProperties: false``), as typed bodies do
        under ``API_UNKNOWN_FIELDS = "forbid"``.
    """

    def __init__(self, *, forbid_unknown_fields: bool) -> None:
        self._forbid = forbid_unknown_fields
        self._types: list[object] = []
        self._keys: dict[object, int] = {}
        self.components: dict[str, JsonSchemaValue] = {}
        self._schemas: list[JsonSchemaValue] = []

    def ref(self, tp: object, *, xml: dict[str, object] | None = None) -> SchemaRef:
        """Return the placeholder for ``tp``'s schema, the same key for the same type."""
        key = self._keys.get(tp)
        if key is None:
            key = self._keys[tp] = len(self._types)
            self._types.append(tp)
        return SchemaRef(key, xml)

    def resolve(self) -> None:
        """Generate every schema; :attr:`components` holds the named ones after.

        :raise TypeError: for a type pydantic cannot read, naming it.
        """
        from pydantic import PydanticUserError, TypeAdapter

        generator = _generator(self._forbid)
        inputs: list[tuple[int, t.Literal["validation"], TypeAdapter[t.Any]]] = []
        for key, tp in enumerate(self._types):
            try:
                adapter = TypeAdapter[t.Any](t.cast(t.Any, tp))
            except PydanticUserError as e:
                msg = f"The OpenAPI document cannot describe {tp!r}: {e}"
                raise TypeError(msg) from e
            inputs.append((key, "validation", adapter))
        by_key, definitions = TypeAdapter.json_schemas(
            inputs,
            ref_template=COMPONENTS + "{model}",
            schema_generator=generator,
        )
        self._schemas = [by_key[(key, "validation")] for key in range(len(self._types))]
        self.components = dict(definitions.get("$defs", {}))
        for schema in (*self._schemas, *self.components.values()):
            walk_schemas(schema, _annotate_xml_arrays)
            walk_schemas(schema, _json_schema_bounds)

    def schema(self, ref: SchemaRef) -> JsonSchemaValue:
        """Return the schema a placeholder stands for, with its ``xml`` object."""
        schema = dict(self._schemas[ref.key])
        if ref.xml is not None:
            schema["xml"] = {**schema.get("xml", {}), **ref.xml}
        return schema

    def component(self, ref: SchemaRef) -> JsonSchemaValue | None:
        """Return the named schema a placeholder refers to, if it is a reference."""
        target = self._schemas[ref.key].get("$ref")
        if isinstance(target, str) and target.startswith(COMPONENTS):
            return self.components[target.removeprefix(COMPONENTS)]
        return None


# XML writes a list as one element per entry inside the list's own element:
# OpenAPI says so with a wrapped array whose items are named.
_ITEM_NAME = "item"


def _annotate_xml_arrays(schema: dict[str, t.Any]) -> None:
    if schema.get("type") == "array":
        schema.setdefault("xml", {"wrapped": True})
        items = schema.get("items")
        if isinstance(items, dict):
            t.cast(dict[str, t.Any], items).setdefault("xml", {"name": _ITEM_NAME})


# pydantic leaves a bound it could not apply to the inner schema (one behind a
# BeforeValidator, say) under its own parameter name, which JSON Schema lacks.
_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _json_schema_bounds(schema: dict[str, t.Any]) -> None:
    if schema.get("type") in ("integer", "number"):
        for name, keyword in _BOUNDS.items():
            if name in schema:
                schema.setdefault(keyword, schema.pop(name))


def walk_schemas(schema: object, visit: t.Callable[[dict[str, t.Any]], None]) -> None:
    """Call ``visit`` on ``schema`` and every schema nested in it."""
    if isinstance(schema, dict):
        schema = t.cast(dict[str, t.Any], schema)
        visit(schema)
        for value in schema.values():
            walk_schemas(value, visit)
    elif isinstance(schema, list):
        for value in t.cast(list[object], schema):
            walk_schemas(value, visit)


def _generator(forbid_unknown_fields: bool) -> type[t.Any]:
    from pydantic.json_schema import GenerateJsonSchema

    class Generator(GenerateJsonSchema):
        # The JSON formatter writes a Decimal as a string with every digit;
        # typed bodies accept that string, so one schema serves both ways.
        def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
            return {"type": "string", "format": "decimal"}

        def dataclass_schema(self, schema: core_schema.DataclassSchema) -> JsonSchemaValue:
            return _closed(super().dataclass_schema(schema))

        def typed_dict_schema(self, schema: core_schema.TypedDictSchema) -> JsonSchemaValue:
            return _closed(super().typed_dict_schema(schema))

    def _closed(json_schema: JsonSchemaValue) -> JsonSchemaValue:
        if forbid_unknown_fields and json_schema.get("type") == "object":
            json_schema.setdefault("additionalProperties", False)
        return json_schema

    return Generator


# Filling the placeholders in, once every schema is known.


class QueryParameters:
    """The parameters of one query type, expanded once its schema is known."""

    __slots__ = ("ref",)

    def __init__(self, ref: SchemaRef) -> None:
        self.ref = ref


def filled(value: t.Any, schemas: SchemaSet) -> t.Any:
    """Return ``value`` with each placeholder replaced by what it stands for."""
    if isinstance(value, SchemaRef):
        return schemas.schema(value)
    if isinstance(value, dict):
        return {key: filled(item, schemas) for key, item in t.cast(dict[str, t.Any], value).items()}
    if isinstance(value, list):
        items: list[t.Any] = []
        for item in value:
            if isinstance(item, QueryParameters):
                items.extend(_query_parameters(schemas, item.ref))
            else:
                items.append(filled(item, schemas))
        return items
    return value


def _query_parameters(schemas: SchemaSet, ref: SchemaRef) -> list[dict[str, t.Any]]:
    schema = schemas.component(ref) or schemas.schema(ref)
    required = set(schema.get("required", ()))
    parameters: list[dict[str, t.Any]] = []
    for name, field in schema.get("properties", {}).items():
        # A query string is no XML document.
        field = orjson.loads(orjson.dumps(field))
        walk_schemas(field, lambda nested: nested.pop("xml", None))
        parameter: dict[str, t.Any] = {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": field,
        }
        description = field.get("description")
        if description:
            parameter["description"] = description
        if field.get("type") == "array":
            parameter["style"] = "form"
            parameter["explode"] = True
        parameters.append(parameter)
    return parameters


def _collect_refs(used: set[str], schema: dict[str, t.Any]) -> None:
    target = schema.get("$ref")
    if isinstance(target, str) and target.startswith(COMPONENTS):
        used.add(target.removeprefix(COMPONENTS))


def prune_components(document: dict[str, t.Any]) -> None:
    """Drop named schemas nothing refers to, such as a query type's, once expanded."""
    schemas: dict[str, t.Any] = document["components"]["schemas"]
    while True:
        used: set[str] = set()
        walk_schemas(document["paths"], functools.partial(_collect_refs, used))
        walk_schemas(
            document["components"].get("responses", {}), functools.partial(_collect_refs, used)
        )
        for schema in schemas.values():
            walk_schemas(schema, functools.partial(_collect_refs, used))
        unused = [name for name in schemas if name not in used]
        if not unused:
            return
        for name in unused:
            del schemas[name]
