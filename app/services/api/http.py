"""The HTTP side of the centre's client: one requests session, login and token refresh,
failures mapped to app.errors (the business calls are in client.py).

Connection trouble and timeouts → OfflineError; 401 → AuthError (after one silent refresh);
other 4xx with a structured body → ServerRejectedError(message, field=, code=); 5xx →
ServerError. Tokens and passwords are never logged: only method, path and status are.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import requests

from app.errors import AuthError, BadInputError, OfflineError, ServerError, ServerRejectedError
from app.services.api.models import LoginResult
from app.services.api.tokens import TokenPair, TokenStore

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
DEFAULT_TIMEOUT = (3.05, 15.0)
REPLAY_HEADER = "Idempotent-Replayed"

# Codes the server uses for "who you are is not accepted"; they become AuthError whatever status.
AUTH_CODES = frozenset(
    {"auth_required", "token_expired", "invalid_credentials", "account_locked", "login_throttled"}
)

OFFLINE_MESSAGE = "无法连接公积金中心服务器，请检查网络后重试"
TIMEOUT_MESSAGE = "连接公积金中心服务器超时，请稍后重试"
TLS_MESSAGE = "无法与公积金中心服务器建立安全连接（证书校验失败），请联系系统管理员"
NOT_LOGGED_IN = "尚未登录，请先登录"
RETRYABLE_4XX = frozenset({408, 425, 429})
_REFRESH_LOCK = threading.Lock()
INSECURE_MESSAGE = (
    "服务器地址须以 https:// 开头（本机地址 127.0.0.1、localhost 除外）。"
    "http:// 不加密，密码和令牌会以明文传输；如确需使用，请在登录时加 --insecure。"
)


def check_server_url(url: str, *, allow_insecure: bool = False) -> None:
    """https only, except on this machine (loopback) or when plain http is explicitly allowed.

    Raises BadInputError naming the rule, before anything is sent.
    """
    parts = urlsplit(url.strip())
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname:
        if allow_insecure or _is_loopback(parts.hostname):
            return
        raise BadInputError(INSECURE_MESSAGE, field="server_url")
    raise BadInputError(
        "服务器地址应以 https:// 开头，例如 https://gjj.example.cn", field="server_url"
    )


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class CentreTransport:
    """Requests to /api/v1 with the unit's tokens: login, refresh, logout, errors mapped."""

    def __init__(
        self,
        base_url: str,
        *,
        token_store: TokenStore,
        ca_bundle: str | Path | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        allow_insecure: bool = False,
    ) -> None:
        check_server_url(base_url, allow_insecure=allow_insecure)
        self.base_url = base_url.rstrip("/")
        self.tokens = token_store
        self.timeout = timeout
        self.session = requests.Session()
        # TLS verification stays on; a centre with a private CA gives its bundle instead (the
        # ca_bundle setting, or REQUESTS_CA_BUNDLE in the environment).
        self.session.verify = str(ca_bundle) if ca_bundle else True
        # Given per request too: requests lets REQUESTS_CA_BUNDLE override the session's own.
        self._verify: str | None = str(ca_bundle) if ca_bundle else None
        self.session.headers["Accept"] = "application/json"

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- auth ------------------------------------------------------------------------------
    def login(self, unit_code: str, password: str) -> LoginResult:
        """Log in with 单位账号 and password; the tokens go to the token store, not the caller."""
        body = self._json(
            "POST",
            "/auth/login",
            auth=False,
            json={"unit_code": unit_code, "password": password},
        )
        self.tokens.set(
            TokenPair(body["access_token"], body["refresh_token"], body.get("unit_code", unit_code))
        )
        logger.info("logged in as unit %s", body.get("unit_code", unit_code))
        return LoginResult(
            unit_code=body.get("unit_code", unit_code), expires_in=body["expires_in"]
        )

    def refresh(self, stale_access: str | None = None) -> None:
        """Trade the refresh token for a new pair; AuthError (and tokens cleared) if refused.

        The sync, a lookup and the command line share one keyring entry and may all get a 401
        at once; the server honours a refresh token once. So: one refresh at a time in this
        process; none if another already replaced the `stale_access` token that was refused;
        and a refused refresh clears the store only if nobody has put newer tokens there.
        """
        with _REFRESH_LOCK:
            current = self.tokens.get()
            if current is None:
                raise AuthError(NOT_LOGGED_IN, code="auth_required")
            if stale_access is not None and current.access_token != stale_access:
                return  # refreshed meanwhile (this process or another): just retry
            try:
                body = self._json(
                    "POST",
                    "/auth/refresh",
                    auth=False,
                    json={"refresh_token": current.refresh_token},
                )
            except AuthError:
                now = self.tokens.get()
                if now is not None and now.refresh_token != current.refresh_token:
                    return  # another process won the race and stored its pair: use that
                self.tokens.clear()
                raise
            self.tokens.set(
                TokenPair(body["access_token"], body["refresh_token"], body.get("unit_code", ""))
            )

    def logout(self) -> bool:
        """Forget the tokens here, then revoke them at the server; False if it could not be told.

        The local copy goes first, so nothing survives here even if the server is unreachable
        (its tokens then simply expire).
        """
        current = self.tokens.get()
        self.tokens.clear()
        if current is None:
            return True
        try:
            response = self._attempt(
                "POST",
                "/auth/logout",
                auth=False,
                json={"refresh_token": current.refresh_token},
                headers={"Authorization": f"Bearer {current.access_token}"},
            )
        except OfflineError:
            logger.warning("logout: the server could not be told; its tokens will expire")
            return False
        return response.status_code < 400

    # -- plumbing --------------------------------------------------------------------------
    def _json(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> Any:
        return self._body(self._send(method, path, auth=auth, **kwargs))

    @staticmethod
    def _body(response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise ServerError("服务器返回的内容无法识别，请稍后重试", code="bad_response") from None

    def _send(
        self, method: str, path: str, *, auth: bool = True, **kwargs: Any
    ) -> requests.Response:
        used = self.tokens.get() if auth else None
        response = self._attempt(method, path, auth=auth, **kwargs)
        if auth and response.status_code == 401 and self.tokens.get() is not None:
            logger.info("access token refused on %s %s; refreshing once", method, path)
            self.refresh(stale_access=used.access_token if used else None)
            response = self._attempt(method, path, auth=auth, **kwargs)
        if response.status_code >= 400:
            raise self._error(response)
        return response

    def _attempt(
        self,
        method: str,
        path: str,
        *,
        auth: bool,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        all_headers = dict(headers or {})
        if auth:
            tokens = self.tokens.get()
            if tokens is None:
                raise AuthError(NOT_LOGGED_IN, code="auth_required")
            all_headers["Authorization"] = f"Bearer {tokens.access_token}"
        url = f"{self.base_url}{API_PREFIX}{path}"
        try:
            if self._verify is not None:
                kwargs["verify"] = self._verify
            response = self.session.request(
                method, url, headers=all_headers, timeout=self.timeout, **kwargs
            )
        except requests.exceptions.SSLError:
            raise OfflineError(TLS_MESSAGE, code="tls_error") from None
        except requests.exceptions.Timeout:
            logger.warning("%s %s timed out", method, path)
            raise OfflineError(TIMEOUT_MESSAGE, code="timeout") from None
        except requests.exceptions.ConnectionError:
            logger.warning("%s %s: cannot connect", method, path)
            raise OfflineError(OFFLINE_MESSAGE, code="offline") from None
        except requests.exceptions.RequestException as exc:
            # A reply cut off mid-body, a bad encoding, a malformed address: the network or
            # the server is in the way, not the clerk; worth trying again later.
            logger.warning("%s %s failed: %s", method, path, type(exc).__name__)
            raise OfflineError(OFFLINE_MESSAGE, code="network") from None
        # Only method, path (never the query: it may hold an ID number) and status are logged.
        logger.debug("%s %s -> %d", method, path, response.status_code)
        return response

    @staticmethod
    def _error(response: requests.Response) -> Exception:
        error: Any = None
        with contextlib.suppress(ValueError, AttributeError):
            error = response.json().get("error")
        return error_from(response.status_code, error)


def error_from(status: int, error: Any) -> Exception:
    """The app error for an HTTP status and the centre's `{"code", "message", "field"}` (if any)."""
    code: str | None = None
    message: str | None = None
    field: str | None = None
    if isinstance(error, dict):
        code, message, field = error.get("code"), error.get("message"), error.get("field")
    if status >= 500:
        return ServerError(message or f"服务器暂时出错（HTTP {status}），请稍后重试", code=code)
    if status == 401 or code in AUTH_CODES:
        return AuthError(message or "登录已失效，请重新登录", field=field, code=code or "auth")
    if status in RETRYABLE_4XX or code is None:
        # 408/429, or a 4xx page that is not the centre's (a proxy, a maintenance page):
        # not a verdict on the submission, so it is retried later, never marked 失败.
        return ServerError(message or f"服务器暂时无法处理（HTTP {status}），请稍后重试", code=code)
    return ServerRejectedError(
        message or f"服务器拒绝了请求（HTTP {status}）", field=field, code=code
    )
