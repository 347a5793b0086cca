"""Logging in to the centre: tokens and a remembered password live only in the OS keyring.

The local store and the settings file hold the server address and the unit, never a secret.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from app.errors import BadInputError, StorageError
from app.models import Unit
from app.services import audit
from app.services.api.models import UnitProfile
from app.services.api.tokens import MemoryTokenStore, TokenPair
from app.services.context import AppServices
from app.services.policy import CentrePolicy
from app.services.units import UnitInfo

if TYPE_CHECKING:  # requests: imported when a client is made, not at the window's start
    from app.services.api.client import CentreClient

logger = logging.getLogger(__name__)

SERVICE = "gjj-desk"


def _key(server_url: str, unit_code: str, what: str) -> str:
    return f"{server_url.rstrip('/')}|{unit_code}|{what}"


class KeyringTokenStore:
    """The tokens of one unit at one server, in the OS keyring (memory only if there is none).

    A keyring that accepts a write and then does not give it back (`keyring --disable`, a
    locked or broken store) counts as no keyring: the tokens stay in this process's memory.
    """

    def __init__(self, server_url: str, unit_code: str) -> None:
        self.key = _key(server_url, unit_code, "tokens")
        self._fallback = MemoryTokenStore()
        self._keyring_ok = True

    @property
    def persistent(self) -> bool:
        """False once the keyring proved unusable: the login then ends with this process."""
        return self._keyring_ok

    def get(self) -> TokenPair | None:
        if not self._keyring_ok:
            return self._fallback.get()
        try:
            raw = keyring.get_password(SERVICE, self.key)
        except KeyringError as exc:
            self._no_keyring(type(exc).__name__)
            return self._fallback.get()
        if not raw:
            return None
        data = json.loads(raw)
        return TokenPair(data["access"], data["refresh"], data.get("unit_code", ""))

    def set(self, tokens: TokenPair) -> None:
        raw = json.dumps(
            {
                "access": tokens.access_token,
                "refresh": tokens.refresh_token,
                "unit_code": tokens.unit_code,
            }
        )
        if self._keyring_ok and _kept(self.key, raw):
            return
        self._no_keyring("the keyring did not keep the tokens")
        self._fallback.set(tokens)

    def clear(self) -> None:
        self._fallback.clear()
        with contextlib.suppress(PasswordDeleteError, KeyringError):
            keyring.delete_password(SERVICE, self.key)

    def _no_keyring(self, why: str) -> None:
        # Never fall back to a file: without a keyring the login lasts only this session.
        if self._keyring_ok:
            logger.warning("no usable OS keyring (%s); tokens kept in memory only", why)
        self._keyring_ok = False


def _kept(key: str, secret: str) -> bool:
    """Write a secret to the keyring and read it back: True only if it really is there."""
    try:
        keyring.set_password(SERVICE, key, secret)
        if keyring.get_password(SERVICE, key) == secret:
            return True
    except KeyringError:
        return False
    # A store that swallows writes: make sure nothing half-written stays behind.
    with contextlib.suppress(PasswordDeleteError, KeyringError):
        keyring.delete_password(SERVICE, key)
    return False


class PasswordVault:
    """The password the clerk asked us to remember ("记住密码"), in the OS keyring only."""

    def recall(self, server_url: str, unit_code: str) -> str | None:
        try:
            return keyring.get_password(SERVICE, _key(server_url, unit_code, "password"))
        except KeyringError:
            return None

    def remember(self, server_url: str, unit_code: str, password: str) -> bool:
        """True if kept (read back); False when this PC has no usable keyring: nothing saved."""
        return _kept(_key(server_url, unit_code, "password"), password)

    def forget(self, server_url: str, unit_code: str) -> None:
        with contextlib.suppress(PasswordDeleteError, KeyringError):
            keyring.delete_password(SERVICE, _key(server_url, unit_code, "password"))


def profile_dict(profile: UnitProfile) -> dict[str, object]:
    """The unit profile as the local store keeps it (amounts and ratios as exact strings)."""
    return {
        "name": profile.name,
        "centre_name": profile.centre_name,
        "unit_ratio": str(profile.unit_ratio),
        "personal_ratio": str(profile.personal_ratio),
        "paid_to": profile.paid_to,
        "suspense_balance": str(profile.suspense_balance),
        "person_counts": dict(profile.person_counts),
    }


NO_KEYRING_NOTICE = (
    "本机没有可用的系统钥匙串：此次登录只在本程序运行期间有效，关闭后需重新登录；"
    "密码和登录凭据都不会写入任何文件，“记住密码”也无法保存。"
)


@dataclass(frozen=True)
class LoginOutcome:
    unit: UnitInfo
    password_remembered: bool
    # False when this PC has no usable keyring: the login lasts only as long as this process.
    login_kept: bool = True

    @property
    def notice(self) -> str | None:
        """What the clerk must be told about a login that will not last, or None."""
        if self.login_kept:
            return None
        return NO_KEYRING_NOTICE


class CentreSession:
    """Who is logged in where; makes API clients for a unit with its keyring tokens."""

    def __init__(self, services: AppServices) -> None:
        self.services = services
        self.vault = PasswordVault()
        # One store per unit and server for the whole session: without an OS keyring the
        # tokens live in its memory, and must outlive the client that logged in.
        self._token_stores: dict[tuple[str, str], KeyringTokenStore] = {}
        self._keyring_usable: bool | None = None

    def keyring_usable(self) -> bool:
        """Whether this PC's keyring keeps what it is given (tried once per session)."""
        if self._keyring_usable is None:
            probe = _key("gjj-desk", "probe", "probe")
            self._keyring_usable = _kept(probe, secrets.token_hex(8))
            with contextlib.suppress(PasswordDeleteError, KeyringError):
                keyring.delete_password(SERVICE, probe)
        return self._keyring_usable

    def tokens(self, server_url: str, unit_code: str) -> KeyringTokenStore:
        key = (server_url.rstrip("/"), unit_code)
        if key not in self._token_stores:
            self._token_stores[key] = KeyringTokenStore(*key)
        return self._token_stores[key]

    def server_url(self, unit: UnitInfo | None = None) -> str | None:
        return (unit.server_url if unit else None) or self.services.settings.get("server_url")

    def client(self, unit: UnitInfo) -> CentreClient:
        url = self.server_url(unit)
        if not url:
            raise BadInputError("尚未设置中心服务器地址，请先登录。")
        from app.services.api.client import CentreClient

        return CentreClient(
            url,
            token_store=self.tokens(url, unit.code),
            ca_bundle=self.services.settings.get("ca_bundle"),
            allow_insecure=bool(self.services.settings.get("allow_insecure_http")),
        )

    def is_logged_in(self, unit: UnitInfo) -> bool:
        url = self.server_url(unit)
        return url is not None and self.tokens(url, unit.code).get() is not None

    def login_kept(self, unit: UnitInfo) -> bool:
        """False when this unit's login lives only in this process (no usable keyring)."""
        url = self.server_url(unit)
        return url is None or self.tokens(url, unit.code).persistent

    def login(
        self,
        server_url: str,
        unit_code: str,
        password: str,
        *,
        remember: bool | None = False,
        insecure: bool = False,
    ) -> LoginOutcome:
        """Log in, then cache the unit's profile and the centre's policy, and make it current.

        `remember`: True keeps the password in the keyring, False forgets a kept one, None (a
        command logging in on the spot) leaves whatever the clerk chose before untouched.
        `insecure` allows plain http to a server not on this machine (and is remembered).
        """
        server_url = server_url.strip().rstrip("/")
        unit_code = unit_code.strip()
        allow_insecure = insecure or bool(self.services.settings.get("allow_insecure_http"))
        from app.services.api.client import CentreClient, check_server_url

        check_server_url(server_url, allow_insecure=allow_insecure)
        if not unit_code or not password:
            raise BadInputError(
                "请填写单位账号和密码", field="unit_code" if not unit_code else "password"
            )
        with CentreClient(
            server_url,
            token_store=self.tokens(server_url, unit_code),
            ca_bundle=self.services.settings.get("ca_bundle"),
            allow_insecure=allow_insecure,
        ) as client:
            client.login(unit_code, password)
            profile = client.unit_profile()
            policy = CentrePolicy.from_dict(client.policy(), source="server")
        unit = self._local_unit(server_url, unit_code, profile.name)
        self.services.units.cache_profile(unit.id, profile_dict(profile), policy)
        self.services.units.switch(unit.code)
        self.services.settings.set("server_url", server_url)
        if insecure:
            self.services.settings.set("allow_insecure_http", True)
        remembered = False
        if remember:
            remembered = self.vault.remember(server_url, unit_code, password)
        elif remember is not None:
            self.vault.forget(server_url, unit_code)
        if remember is not None:
            self.services.settings.set("remember_login", remember and remembered)
        with self.services.store.session() as session:
            audit.record(session, "login", unit_id=unit.id)
        kept = self.tokens(server_url, unit_code).persistent
        logger.info("logged in to %s as unit %s (kept: %s)", server_url, unit_code, kept)
        return LoginOutcome(unit, remembered, login_kept=kept)

    def _local_unit(self, server_url: str, unit_code: str, name: str) -> UnitInfo:
        units = self.services.units
        unit = units.get(unit_code) or units.add(unit_code, name, server_url)
        with self.services.store.session() as session:
            row = session.get_one(Unit, unit.id)
            row.server_url, row.name = server_url, name
        refreshed = units.get(unit_code)
        if refreshed is None:  # pragma: no cover - just written
            raise StorageError("单位信息保存失败")
        return refreshed

    def logout(self, unit: UnitInfo) -> bool:
        """退出登录: revoke the tokens at the server and clear them from the keyring.

        False when the server could not be told (offline); the keyring is cleared anyway.
        """
        url = self.server_url(unit)
        if not url:
            return True
        with self.client(unit) as client:
            revoked = client.logout()
        self.tokens(url, unit.code).clear()
        with self.services.store.session() as session:
            audit.record(session, "logout", unit_id=unit.id)
        return revoked
