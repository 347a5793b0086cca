"""Where a login's secrets go when the OS keyring is absent or swallows what it is given."""

from __future__ import annotations

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest

from app.services.api.tokens import TokenPair
from app.services.context import AppServices
from app.services.session import CentreSession, KeyringTokenStore, PasswordVault
from tests.conftest import MemoryKeyring

URL = "http://127.0.0.1:9"
TOKENS = TokenPair("access-secret", "refresh-secret", "100001")


@pytest.fixture(params=["null", "fail"])
def no_keyring(request: pytest.FixtureRequest, memory_keyring: MemoryKeyring) -> str:
    """`keyring --disable` (takes writes, gives nothing back) and no backend at all."""
    backend = (
        keyring.backends.null.Keyring()
        if request.param == "null"
        else keyring.backends.fail.Keyring()
    )
    keyring.set_keyring(backend)  # the autouse fixture puts its memory keyring back after
    return str(request.param)


def test_tokens_a_keyring_does_not_give_back_stay_in_memory(no_keyring: str) -> None:
    store = KeyringTokenStore(URL, "100001")
    store.set(TOKENS)
    assert store.get() == TOKENS  # still logged in for this process
    assert not store.persistent  # and the caller can say it will not last
    store.clear()
    assert store.get() is None


def test_a_working_keyring_keeps_the_tokens_for_the_next_process(
    memory_keyring: MemoryKeyring,
) -> None:
    store = KeyringTokenStore(URL, "100001")
    store.set(TOKENS)
    assert store.persistent
    assert KeyringTokenStore(URL, "100001").get() == TOKENS  # what the next process sees


def test_a_password_the_keyring_drops_is_not_reported_remembered(no_keyring: str) -> None:
    vault = PasswordVault()
    assert vault.remember(URL, "100001", "demo1234") is False
    assert vault.recall(URL, "100001") is None


def test_a_remembered_password_reads_back(memory_keyring: MemoryKeyring) -> None:
    vault = PasswordVault()
    assert vault.remember(URL, "100001", "demo1234") is True
    assert vault.recall(URL, "100001") == "demo1234"


class ForgetfulKeyring(MemoryKeyring):
    """Accepts every write and keeps something else: a keyring that lies."""

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = "not-what-was-written"


def test_a_keyring_that_keeps_something_else_counts_as_none() -> None:
    forgetful = ForgetfulKeyring()
    keyring.set_keyring(forgetful)
    store = KeyringTokenStore(URL, "100001")
    store.set(TOKENS)
    assert store.get() == TOKENS and not store.persistent
    assert forgetful.secrets == {}  # the wrong copy was removed again


def test_the_keyring_is_tried_without_leaving_anything_behind(
    services: AppServices, memory_keyring: MemoryKeyring
) -> None:
    assert CentreSession(services).keyring_usable() is True
    assert memory_keyring.secrets == {}


def test_a_keyring_that_keeps_nothing_is_found_out_before_login(
    services: AppServices, no_keyring: str
) -> None:
    assert CentreSession(services).keyring_usable() is False
