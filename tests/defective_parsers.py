"""A correct parser written from the ground-truth rules, and one-defect copies of it.

Thirteen defects of v2.0 and legacy parsing and eight of V3 parsing, each realistic (most
are in SDKs or client code in the wild). ``tests/test_bug_finding.py`` fuzzes each with
``error_cases`` and checks that every one is caught.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from pytest_smartcar.parser import SmartcarError

# --- the correct parser -----------------------------------------------------------------------


class CorrectParser:
    """A small parser written from the ground-truth rules (no code shared with parser.py)."""

    #: The ``error_cases(api=...)`` a defect is fuzzed with (the correct parser meets all),
    #: and the examples it takes: hypothesis's default 100, more for defects that only
    #: one shape of body shows (the script below prints how often each is caught).
    api = "v2.0"
    examples = 100

    def __call__(self, response: httpx.Response) -> SmartcarError:
        body = self.body(response)
        found: dict[str, Any] = {
            "status": self.status(response, body),
            "request_id": self.request_id(response, body),
            "retry_after": self.retry_after(self.header(response, "Retry-After")),
        }
        if isinstance(body.get("type"), str):
            resolution, url = self.resolution(body)
            detail = body.get("detail")
            found.update(
                type=body["type"],
                code=self.code(body),
                description=_text(body, "description"),
                doc_url=_text(body, "docURL"),
                suggested_user_message=self.suggested(body),
                resolution=resolution,
                resolution_url=url,
                detail=detail if isinstance(detail, list) else None,
            )
        else:
            found.update(self.v3(body) or self.legacy(body))
        return SmartcarError(**found)

    def first_error(self, body: dict[str, Any]) -> dict[str, Any] | None:
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first: dict[str, Any] = errors[0]
            return first if isinstance(first.get("type"), str) else None
        return None

    def v3(self, body: dict[str, Any]) -> dict[str, Any]:
        item = self.first_error(body)
        if item is None:
            return {}
        resolution, url = self.resolution(item)
        return {
            "type": item["type"],
            "code": self.code(item),
            "title": _text(item, "title"),
            "description": self.v3_description(item),
            "doc_url": self.v3_doc_url(item),
            "suggested_user_message": self.suggested(item),
            "resolution": resolution,
            "resolution_url": url,
        }

    def v3_description(self, item: dict[str, Any]) -> str | None:
        return _text(item, "detail")

    def v3_doc_url(self, item: dict[str, Any]) -> str | None:
        links = item.get("links")
        return _text(links, "about") if isinstance(links, dict) else None

    def header(self, response: httpx.Response, name: str) -> str | None:
        value: str | None = response.headers.get(name)
        return value

    def is_json(self, content_type: str | None) -> bool:
        if content_type is None:
            return True
        media = content_type.split(";")[0].strip().lower()
        return media == "application/json" or media.endswith("+json")

    def load(self, content: bytes) -> Any:
        try:
            return json.loads(content.decode("utf-8"), parse_constant=_no_constants)
        except (ValueError, RecursionError):
            return None

    def body(self, response: httpx.Response) -> dict[str, Any]:
        if not self.is_json(self.header(response, "Content-Type")):
            return {}
        value = self.load(response.content)
        return value if isinstance(value, dict) else {}

    def status(self, response: httpx.Response, body: dict[str, Any]) -> int:
        return response.status_code

    def code(self, body: dict[str, Any]) -> str | None:
        return _text(body, "code")

    def suggested(self, body: dict[str, Any]) -> str | None:
        return _text(body, "suggestedUserMessage")

    def resolution(self, body: dict[str, Any]) -> tuple[str | None, str | None]:
        value = body.get("resolution")
        if isinstance(value, dict):
            return _text(value, "type"), _text(value, "url")
        return (value if isinstance(value, str) else None), None

    def legacy(self, body: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(body.get("error"), str):
            return {}
        message = _text(body, "message")
        return {
            "type": body["error"],
            "code": _text(body, "code"),
            "description": message if message is not None else _text(body, "error_description"),
        }

    def request_id(self, response: httpx.Response, body: dict[str, Any]) -> str | None:
        in_header = self.header(response, "SC-Request-Id")
        return in_header if in_header is not None else _text(body, "requestId")

    def retry_after(self, value: str | None) -> float | None:
        if value is None:
            return None
        value = value.strip(" ")
        if value and value.isascii() and value.isdigit():
            return float(value)
        return None


def _text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    return value if isinstance(value, str) else None


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class CrashesOnGatewayHtml(CorrectParser):
    """Ignores Content-Type and calls json.loads with no try: a gateway's HTML page crashes it."""

    def body(self, response: httpx.Response) -> dict[str, Any]:
        value = json.loads(response.content)  # the defect
        return value if isinstance(value, dict) else {}


class TrustsBodyStatusCode(CorrectParser):
    """Takes the body's statusCode over the HTTP status."""

    def status(self, response: httpx.Response, body: dict[str, Any]) -> int:
        return body.get("statusCode", response.status_code)  # type: ignore[no-any-return]


class CrashesOnStringResolution(CorrectParser):
    """Assumes ``resolution`` is an object (older responses send a bare string)."""

    def resolution(self, body: dict[str, Any]) -> tuple[str | None, str | None]:
        value = body.get("resolution")
        if value is None:
            return None, None
        return _text(value, "type"), _text(value, "url")  # the defect: str has no .get


class ContentTypeSubstring(CorrectParser):
    """Reads the body only when 'application/json' is in Content-Type (as the SDKs do)."""

    def is_json(self, content_type: str | None) -> bool:
        return "application/json" in (content_type or "")


class RetryAfterFloat(CorrectParser):
    """Reads Retry-After with float(): an HTTP-date crashes it."""

    def retry_after(self, value: str | None) -> float | None:
        return float(value) if value is not None else None


class CaseSensitiveHeaders(CorrectParser):
    """Copies the headers into a plain dict and looks names up as documented."""

    def header(self, response: httpx.Response, name: str) -> str | None:
        raw = {k.decode("latin-1"): v.decode("latin-1") for k, v in response.headers.raw}
        return raw.get(name)


class RequiresSuggestedMessage(CorrectParser):
    """Indexes ``suggestedUserMessage``, which doc examples and older responses omit."""

    def suggested(self, body: dict[str, Any]) -> str | None:
        return body["suggestedUserMessage"]  # type: ignore[no-any-return]


class IgnoresLegacyBodies(CorrectParser):
    """Knows only v2.0 bodies: v1.0 and OAuth errors lose their type."""

    def legacy(self, body: dict[str, Any]) -> dict[str, Any]:
        return {}


class CrashesOnNonObjectJson(CorrectParser):
    """Assumes valid JSON is an object: ``null`` or a list crashes it."""

    def body(self, response: httpx.Response) -> dict[str, Any]:
        if not self.is_json(self.header(response, "Content-Type")):
            return {}
        value = self.load(response.content)
        if value is None:
            return {}
        value.get("type")  # the defect: lists, strings and numbers have no .get
        return value  # type: ignore[no-any-return]


class StringifiesCode(CorrectParser):
    """``str(body.get("code"))``: a null code becomes the string 'None'."""

    def code(self, body: dict[str, Any]) -> str | None:
        return str(body.get("code"))


class BodyRequestIdFirst(CorrectParser):
    """``body.requestId || header`` (as the Node SDK does): a non-string body id wins."""

    def request_id(self, response: httpx.Response, body: dict[str, Any]) -> str | None:
        return body.get("requestId") or self.header(response, "SC-Request-Id")


class CrashesOnInvalidUtf8(CorrectParser):
    """Decodes the bytes outside the try: a Latin-1 body crashes it."""

    def load(self, content: bytes) -> Any:
        text = content.decode("utf-8")  # the defect
        try:
            return json.loads(text, parse_constant=_no_constants)
        except (ValueError, RecursionError):
            return None


class CatchesOnlyJsonDecodeError(CorrectParser):
    """``except json.JSONDecodeError``: a deeply nested array raises RecursionError."""

    def load(self, content: bytes) -> Any:
        try:
            return json.loads(content.decode("utf-8", "replace"), parse_constant=_no_constants)
        except json.JSONDecodeError:
            return None


# --- defects of V3 parsers ---------------------------------------------------------------------


class V3Defect(CorrectParser):
    """A defect of V3 parsing: fuzzed with ``api="v3"`` and 300 examples (most V3 defects
    show in one shape of body, which 100 examples meet in 68-98 runs of 100)."""

    api = "v3"
    examples = 300


class V3IgnoresV3Bodies(V3Defect):
    """Knows v2.0 and legacy bodies only, as every SDK does (see the SDK page)."""

    def v3(self, body: dict[str, Any]) -> dict[str, Any]:
        return {}


class V3StatusFromTheError(V3Defect):
    """Takes ``int(errors[0].status)`` for the status, which is a string in V3 bodies."""

    def status(self, response: httpx.Response, body: dict[str, Any]) -> int:
        item = self.first_error(body)
        return int(item["status"]) if item is not None else response.status_code


class V3ErrorsUnchecked(V3Defect):
    """``body["errors"][0]`` whenever ``errors`` is there: empty or not a list, it crashes."""

    def first_error(self, body: dict[str, Any]) -> dict[str, Any] | None:
        if "errors" not in body:
            return None
        first: dict[str, Any] = body["errors"][0]  # the defect
        return first if isinstance(first.get("type"), str) else None


class V3LastError(V3Defect):
    """Reads ``errors[-1]``: with several errors, the wrong one."""

    def first_error(self, body: dict[str, Any]) -> dict[str, Any] | None:
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[-1], dict):
            last: dict[str, Any] = errors[-1]
            return last if isinstance(last.get("type"), str) else None
        return None


class V3DetailStripped(V3Defect):
    """``item["detail"].strip()``: a missing or non-string detail crashes it."""

    def v3_description(self, item: dict[str, Any]) -> str | None:
        return item["detail"].strip()  # type: ignore[no-any-return]


class V3LinksUnchecked(V3Defect):
    """``item.get("links", {}).get("about")``: links as a string, list or null crash it."""

    def v3_doc_url(self, item: dict[str, Any]) -> str | None:
        about = item.get("links", {}).get("about")
        return about if isinstance(about, str) else None


class V3TitleForDetail(V3Defect):
    """Reports the short ``title`` where the sentence (``detail``) belongs."""

    def v3_description(self, item: dict[str, Any]) -> str | None:
        return _text(item, "title")


class V3JsonMediaTypeOnly(V3Defect):
    """Reads bodies labelled exactly ``application/json``: a JSON:API
    ``application/vnd.api+json`` body is skipped."""

    def is_json(self, content_type: str | None) -> bool:
        return (
            content_type is None or content_type.split(";")[0].strip().lower() == "application/json"
        )


DEFECTIVE: tuple[type[CorrectParser], ...] = (
    CrashesOnGatewayHtml,
    TrustsBodyStatusCode,
    CrashesOnStringResolution,
    ContentTypeSubstring,
    RetryAfterFloat,
    CaseSensitiveHeaders,
    RequiresSuggestedMessage,
    IgnoresLegacyBodies,
    CrashesOnNonObjectJson,
    StringifiesCode,
    BodyRequestIdFirst,
    CrashesOnInvalidUtf8,
    CatchesOnlyJsonDecodeError,
    V3IgnoresV3Bodies,
    V3StatusFromTheError,
    V3ErrorsUnchecked,
    V3LastError,
    V3DetailStripped,
    V3LinksUnchecked,
    V3TitleForDetail,
    V3JsonMediaTypeOnly,
)
