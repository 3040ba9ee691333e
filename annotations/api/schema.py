"""The OpenAPI schema says what the API refuses, so that a request the schema allows is one
the API accepts (Schemathesis checks both ways, see tests/test_schemathesis.py).

drf-spectacular describes types, lengths, choices and formats; this post-processing hook
adds what the serializers refuse beyond those:

- NUL (``\\x00``) in any string of a request body or any string query parameter;
- a name, title or other field that trims its spaces and may not be blank: it must hold
  something besides spaces, not only be non-empty;
- an article body must hold something besides spaces and control characters (which the
  one normalisation removes);
- an upload to ``/imports/`` carries a file or pasted text, exactly one of the two.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .serializers.base import MAX_BOILERPLATE, MAX_FRAGMENTS, MAX_VIA_HOPS

NO_NUL = r"^[^\x00]*$"
# Something besides whitespace (what DRF trims), and no NUL anywhere.
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"
# Something besides whitespace and control characters, and no NUL anywhere.
NOT_EMPTY_TEXT = r"^[^\x00]*[^\s\x00-\x1f\x7f-\x9f][^\x00]*$"

# A span's text is kept as sent and checked against the article (a 422 when it differs), so
# spaces alone may be right there; an import's pasted text must hold more than spaces.
UNTRIMMED = {"text"}
# Lists whose bounds the serializers hold (ListSerializer's bounds are not in the schema).
LIST_BOUNDS = {
    "fragments": {"minItems": 1, "maxItems": MAX_FRAGMENTS},
    "via": {"maxItems": MAX_VIA_HOPS},
    "boilerplate": {"maxItems": MAX_BOILERPLATE},
}


def _string_pattern(name: str | None, schema: dict[str, Any], untrimmed: set[str]) -> str | None:
    if schema.get("type") != "string" or "enum" in schema or "pattern" in schema:
        return None
    if "format" in schema:  # dates, URLs (which carry their own pattern), files
        return None
    if name == "body":
        return NOT_EMPTY_TEXT
    if schema.get("minLength", 0) >= 1 and name not in untrimmed:
        return NOT_BLANK
    return NO_NUL


def _tighten(schema: Any, name: str | None = None, untrimmed: set[str] = UNTRIMMED) -> None:
    """Add the patterns above to every string in a request schema, in place."""
    if not isinstance(schema, dict):
        return
    pattern = _string_pattern(name, schema, untrimmed)
    if pattern:
        schema["pattern"] = pattern
    if name == "body" and schema.get("type") == "string":
        schema["maxLength"] = settings.NEWSDESK_MAX_BODY_CHARS
    if schema.get("type") == "array" and name in LIST_BOUNDS:
        schema.update(LIST_BOUNDS[name])
    for key, value in (schema.get("properties") or {}).items():
        _tighten(value, key, untrimmed)
    _tighten(schema.get("items"), name, untrimmed)
    for keyword in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(keyword) or []:
            _tighten(branch, name, untrimmed)


def _ref_name(media: dict[str, Any]) -> str:
    return media.get("schema", {}).get("$ref", "").rpartition("/")[2]


def exact_strings(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular post-processing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    components = result.get("components", {}).get("schemas", {})
    for name, component in components.items():
        if name.endswith("Request"):  # COMPONENT_SPLIT_REQUEST: what clients send
            _tighten(component, untrimmed=set() if name.startswith("Import") else UNTRIMMED)
    upload = components.get("ImportUploadRequest")
    if upload is not None:
        upload["oneOf"] = [{"required": ["file"]}, {"required": ["text"]}]
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters") or []:
                if parameter.get("in") in ("query", "path"):
                    _tighten(parameter.get("schema"), parameter.get("name"))
            body = operation.get("requestBody") or {}
            if any(
                "oneOf" in components.get(_ref_name(m), {})
                for m in body.get("content", {}).values()
            ):
                body["required"] = True  # one of its parts is required
            for media in body.get("content", {}).values():
                if "$ref" not in media.get("schema", {}):
                    _tighten(media.get("schema"))
    return result
