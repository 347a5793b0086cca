"""Request bodies are bounded before they are read, and JSON is checked strictly.

`BodyGate` is ASGI middleware: a declared Content-Length over the limit is refused at once;
a body streamed without one is counted as it arrives and cut off at the limit. JSON bodies
(any body but a form or a multipart upload) are read here, up to the limit, and refused with
400 `malformed_json` when Python's lenient parser would accept what JSON does not allow or
what no field can hold: NaN and ±Infinity, numbers that overflow (1e400, 10^5000), invalid
UTF-8, lone surrogates and NUL characters, nesting deeper than MAX_DEPTH.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fundserver.errors import error_response
from fundserver.policy import attachment_limits

MAX_JSON_BYTES = 64 * 1024 * 1024  # 100,000 rows of a batch opening fit with room to spare
MULTIPART_OVERHEAD = 1024 * 1024  # form fields and boundaries around an attachment
MAX_DEPTH = 32
MAX_STRING = 10_000  # characters in any one JSON string
MAX_INT_DIGITS = 30
# POST /attachments/batch: several documents a request (routes/attachment_batch.py)
BATCH_UPLOAD_PATH = "/attachments/batch"
MAX_BATCH_UPLOAD_BYTES = 16 * 1024 * 1024


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes the limit (answered 413)."""

    def __init__(self, code: str, message: str, field: str | None) -> None:
        super().__init__(413)
        self.code, self.message, self.field = code, message, field


def _refusal(multipart: bool, limit: int, batch: bool) -> tuple[str, str, str | None]:
    """What a too-large body is told: an upload names the file size limit, as the route does."""
    if multipart and not batch:
        mb = (limit - MULTIPART_OVERHEAD) / 1024 / 1024
        return "file_too_large", f"文件超过大小上限 {mb:.1f} MB", "file"
    return "too_large", f"请求内容过大（上限 {limit // 1024 // 1024} MB）", None


class _RefusedError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _reject_constant(name: str) -> Any:
    raise _RefusedError("请求内容含有非法数值（NaN 或 Infinity）")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _RefusedError("请求内容含有超出范围的数值")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _RefusedError("请求内容含有超出范围的数值")
    return int(text)


def _check_string(text: str) -> None:
    if len(text) > MAX_STRING:
        raise _RefusedError(f"请求内容中有超过 {MAX_STRING} 个字符的文字")
    if "\x00" in text:
        raise _RefusedError("请求内容含有无效的字符（空字符）")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _RefusedError("请求内容含有无效的字符（不成对的代理字符）") from None


def _walk(document: Any) -> None:
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _RefusedError(f"请求内容嵌套超过 {MAX_DEPTH} 层")
        if isinstance(value, str):
            _check_string(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_string(key)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def json_problem(body: bytes) -> str | None:
    """Why this body is not acceptable JSON, in Chinese; None when it is."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "请求内容不是有效的 UTF-8 编码"
    try:
        document = json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
        _walk(document)
    except _RefusedError as refused:
        return refused.message
    except RecursionError:
        return f"请求内容嵌套超过 {MAX_DEPTH} 层"
    except ValueError:
        return "请求内容不是有效的 JSON"
    return None


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


class BodyGate:
    """ASGI middleware: size limits for every body, strict JSON for JSON bodies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def _limit(self, scope: Scope, multipart: bool, batch: bool) -> int:
        if not multipart:
            return MAX_JSON_BYTES
        if batch:
            return MAX_BATCH_UPLOAD_BYTES + MULTIPART_OVERHEAD
        state = getattr(scope.get("app"), "state", None)
        policy = getattr(getattr(state, "fund", None), "policy", {})
        return attachment_limits(policy).max_bytes + MULTIPART_OVERHEAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if b"%00" in scope.get("query_string", b""):
            # No text column takes a NUL (PostgreSQL refuses it): bad input, not a 500.
            message = "请求参数含有无效的字符（空字符）"
            await error_response(422, "invalid_value", message)(scope, receive, send)
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        content_type = _header(scope, b"content-type").lower()
        multipart = content_type.startswith(("multipart/", "application/x-www-form-urlencoded"))
        batch = str(scope.get("path", "")).endswith(BATCH_UPLOAD_PATH)
        limit = self._limit(scope, multipart, batch)
        refusal = _refusal(multipart, limit, batch)
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(refusal, scope, receive, send)
            return
        if multipart:
            await self.app(scope, _counting(receive, limit, refusal), send)
            return
        body = await _read(receive, limit)
        if body is None:
            await _too_large(refusal, scope, receive, send)
            return
        problem = json_problem(body) if body.strip() else None
        if problem is not None:
            await error_response(400, "malformed_json", problem)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


async def _too_large(
    refusal: tuple[str, str, str | None], scope: Scope, receive: Receive, send: Send
) -> None:
    code, message, field = refusal
    response = error_response(413, code, message, field, headers={"Connection": "close"})
    await response(scope, receive, send)


async def _read(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None once it passes `limit` (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # the app waits for a disconnect after the body
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _counting(
    receive: Receive, limit: int, refusal: tuple[str, str, str | None]
) -> Callable[[], Awaitable[MutableMapping[str, Any]]]:
    size = 0

    async def counted() -> Message:
        nonlocal size
        message = await receive()
        size += len(message.get("body", b""))
        if size > limit:
            raise BodyTooLarge(*refusal)
        return message

    return counted
