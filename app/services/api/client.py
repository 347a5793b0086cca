"""`CentreClient`: the centre's API over one requests session, failures mapped to app.errors.

Connection trouble and timeouts → OfflineError; 401 → AuthError (after one silent refresh);
other 4xx with a structured body → ServerRejectedError(message, field=, code=); 5xx →
ServerError. Tokens and passwords are never logged: only method, path and status are.
"""

from __future__ import annotations

import ipaddress
import logging
import mimetypes
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import requests

from app.errors import AuthError, BadInputError, OfflineError, ServerError, ServerRejectedError
from app.services.api.models import (
    AttachmentInfo,
    CentreOpening,
    LoginResult,
    OpenAccountHolder,
    OpeningsPage,
    PersonLookup,
    RosterPage,
    RosterPerson,
    SubmissionPage,
    SubmissionRecord,
    UnitProfile,
)
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


class CentreClient:
    """The client of fundserver's /api/v1 (and of any centre implementing the same API)."""

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

    def __enter__(self) -> CentreClient:
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

    # -- reading ---------------------------------------------------------------------------
    def policy(self) -> dict[str, Any]:
        """The centre policy as the server sends it (source = "server")."""
        return dict(self._json("GET", "/policy"))

    def client_versions(self) -> dict[str, Any]:
        """The client versions the centre publishes (latest, minimum); no login needed."""
        return dict(self._json("GET", "/client-version", auth=False))

    def unit_profile(self) -> UnitProfile:
        return UnitProfile.from_json(self._json("GET", "/unit"))

    def remittances(self, month: str | None = None) -> list[dict[str, Any]]:
        """The unit's 汇缴核定 as the centre records them (of one month "YYYY-MM" if given)."""
        params = {"month": month} if month else {}
        return list(self._json("GET", "/payments/remittances", params=params)["items"])

    def roster(self, since: int = 0, *, page: int = 1, page_size: int = 500) -> RosterPage:
        """One page of people changed after version `since`."""
        body = self._json(
            "GET", "/roster", params={"since": since, "page": page, "page_size": page_size}
        )
        return RosterPage(
            items=[RosterPerson.from_json(p) for p in body["items"]],
            version=int(body["version"]),
            has_more=bool(body["has_more"]),
        )

    def iterate_roster(self, since: int = 0, *, page_size: int = 500) -> Iterator[RosterPage]:
        """Every page changed after `since`; the last page's version is the next `since`."""
        while True:
            page = self.roster(since, page_size=page_size)
            yield page
            if not page.has_more:
                return
            since = page.version

    def lookup_person(self, name: str, id_number: str) -> PersonLookup:
        """Who the person is centre-wide and which unit holds them (for 内部转移)."""
        body = self._json("GET", "/persons/lookup", params={"name": name, "id_number": id_number})
        return PersonLookup.from_json(body)

    def open_accounts(self, id_numbers: Sequence[str]) -> list[OpenAccountHolder]:
        """Which of these ID numbers already have an open account at the centre, and where."""
        found: list[OpenAccountHolder] = []
        numbers = list(id_numbers)
        for start in range(0, len(numbers), 5000):  # the server takes 10,000 at most
            body = self._json(
                "POST",
                "/persons/open-accounts",
                json={"id_numbers": numbers[start : start + 5000]},
            )
            found.extend(OpenAccountHolder.from_json(f) for f in body["found"])
        return found

    def openings(self, page: int = 1, *, page_size: int = 200) -> OpeningsPage:
        """One page of the unit's account openings as the centre records them, newest first."""
        body = self._json("GET", "/openings", params={"page": page, "page_size": page_size})
        return OpeningsPage(
            items=[CentreOpening.from_json(i) for i in body["items"]],
            total=int(body["total"]),
            has_more=bool(body["has_more"]),
        )

    def submissions(
        self,
        since: int = 0,
        *,
        business: str | None = None,
        state: str | None = None,
        page_size: int = 200,
    ) -> SubmissionPage:
        """Submissions changed after version `since` (review states pulled back)."""
        params: dict[str, Any] = {"since": since, "page_size": page_size}
        if business:
            params["business"] = business
        if state:
            params["state"] = state
        body = self._json("GET", "/submissions", params=params)
        return SubmissionPage(
            items=[SubmissionRecord.from_json(s) for s in body["items"]],
            version=int(body["version"]),
            has_more=bool(body["has_more"]),
        )

    def submission(self, submission_id: int) -> SubmissionRecord:
        return SubmissionRecord.from_json(self._json("GET", f"/submissions/{int(submission_id)}"))

    # -- writing ---------------------------------------------------------------------------
    def upload_attachment(
        self, path: str | Path, sha256: str, material: str, business: str
    ) -> AttachmentInfo:
        """Upload one document; the server checks the SHA-256 and stores each content once."""
        source = Path(path)
        try:
            content = source.read_bytes()
        except OSError as exc:  # locked by antivirus or the scanner software: try again later
            raise ServerError(
                f"暂时无法读取附件文件 {source.name}（{exc.strerror}），稍后自动重试",
                code="file_busy",
            ) from exc
        content_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        body = self._json(
            "POST",
            "/attachments",
            files={"file": (source.name, content, content_type)},
            data={"sha256": sha256, "material": material, "business": business},
        )
        return AttachmentInfo.from_json(body)

    def submit(
        self,
        business: str,
        rows: Sequence[Mapping[str, Any]],
        attachments: Sequence[str],
        idempotency_key: str,
        client_ref: str | None = None,
    ) -> SubmissionRecord:
        """Send a submission; resending with the same key returns the same record (replayed)."""
        response = self._send(
            "POST",
            "/submissions",
            json={
                "business": business,
                "rows": [dict(r) for r in rows],
                "attachments": list(attachments),
                "client_ref": client_ref,
            },
            headers={"Idempotency-Key": idempotency_key},
        )
        record = SubmissionRecord.from_json(self._body(response))
        if response.headers.get(REPLAY_HEADER) == "true" and not record.replayed:
            record = SubmissionRecord.from_json({**self._body(response), "replayed": True})
        return record

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
        status = response.status_code
        code: str | None = None
        message: str | None = None
        field: str | None = None
        try:
            error = response.json().get("error")
            if isinstance(error, dict):
                code, message, field = error.get("code"), error.get("message"), error.get("field")
        except (ValueError, AttributeError):
            pass
        if status >= 500:
            return ServerError(message or f"服务器暂时出错（HTTP {status}），请稍后重试", code=code)
        if status == 401 or code in AUTH_CODES:
            return AuthError(message or "登录已失效，请重新登录", field=field, code=code or "auth")
        if status in RETRYABLE_4XX or code is None:
            # 408/429, or a 4xx page that is not the centre's (a proxy, a maintenance page):
            # not a verdict on the submission, so it is retried later, never marked 失败.
            return ServerError(
                message or f"服务器暂时无法处理（HTTP {status}），请稍后重试", code=code
            )
        return ServerRejectedError(
            message or f"服务器拒绝了请求（HTTP {status}）", field=field, code=code
        )
