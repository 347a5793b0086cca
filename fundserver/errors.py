"""Structured errors: every failure leaves the server as {"error": {code, message, field}}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

logger = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class ApiError(Exception):
    """A refusal the client can show as it is: HTTP status, machine code, Chinese message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "field": field}}
    return JSONResponse(body, status_code=status, headers=headers)


_HTTP_MESSAGES = {
    400: ("malformed_body", "请求内容格式不正确"),
    404: ("not_found", "请求的地址不存在"),
    405: ("method_not_allowed", "请求方法不被允许"),
    413: ("too_large", "请求内容过大"),
}


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "header", "path", "form")]
    if not parts:
        return None
    name = parts[0]
    for part in parts[1:]:
        name += f"[{part}]" if part.isdigit() else f".{part}"
    return name


def _validation_message(err: dict[str, Any], field: str | None) -> tuple[str, str]:
    kind = str(err.get("type", ""))
    where = f"“{field}”" if field else "请求内容"
    if kind == "json_invalid":
        return "malformed_json", "请求内容不是有效的 JSON"
    if kind == "literal_error" and field == "business":
        return "unknown_business", f"不支持的业务代码“{err.get('input')}”"
    if kind == "missing":
        return "field_required", f"缺少必填项{where}"
    if kind in ("model_attributes_type", "dict_type") and not field:
        return "malformed_json", "请求内容应为 JSON 对象"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return "invalid_type", f"{where}的类型或格式不正确"
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        return "invalid_length", f"{where}的长度不符合要求"
    if kind.startswith("greater_than") or kind.startswith("less_than"):
        return "out_of_range", f"{where}超出允许的范围"
    return "invalid_value", f"{where}的值不正确"


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.field, exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    first = errors[0] if errors else {}
    field = _field_name(first.get("loc", ()))
    code, message = _validation_message(first, field)
    if field == "Idempotency-Key" and code == "field_required":
        code, message = "idempotency_key_required", "缺少幂等键（Idempotency-Key 请求头）"
        return error_response(400, code, message, field)
    status = 400 if code == "malformed_json" else 422
    if status == 400:
        field = None
    return error_response(status, code, message, field)


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    methods = []
    for method in ("DELETE", "GET", "PATCH", "POST", "PUT"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            methods.append(method)
    return ", ".join(methods)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message = _HTTP_MESSAGES.get(exc.status_code, ("http_error", "请求无法处理"))
    field: str | None = None
    if isinstance(getattr(exc, "code", None), str):  # limits.BodyTooLarge says what and where
        code, message, field = exc.code, exc.message, exc.field  # type: ignore[attr-defined]
    headers = dict(exc.headers) if exc.headers else {}
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return error_response(exc.status_code, code, message, field, headers or None)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "服务器内部错误，请稍后重试")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "请求格式错误"},
    401: {"model": ErrorResponse, "description": "未登录或令牌过期"},
    422: {"model": ErrorResponse, "description": "字段校验失败"},
}
