"""CentreClient's one transparent refresh when the access token has expired."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests

from app.errors import AuthError, OfflineError
from app.services.api import CentreClient, MemoryTokenStore
from app.services.api.tokens import TokenPair
from fundserver.demo import DEMO_PASSWORD, DEMO_UNIT_CODE


@pytest.fixture
def access_ttl() -> timedelta:
    # Tokens born expired: every authenticated call needs the one transparent refresh.
    return timedelta(seconds=-1)


def test_expired_access_token_is_refreshed_once(
    client: CentreClient, tokens: MemoryTokenStore
) -> None:
    client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
    first = tokens.get()
    with pytest.raises(AuthError) as caught:
        client.unit_profile()  # refreshed once, the new token is expired too: AuthError
    assert caught.value.code == "token_expired"
    second = tokens.get()
    assert second is not None and first is not None
    assert second.refresh_token != first.refresh_token


def test_a_refresh_already_done_by_another_caller_is_not_done_again(
    client: CentreClient, tokens: MemoryTokenStore
) -> None:
    """The sync and a lookup both get a 401: the second must not spend the refresh token again
    (the server honours it once), or the clerk would be logged out."""
    client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
    refused = tokens.get()
    assert refused is not None
    client.refresh(stale_access=refused.access_token)  # the first caller refreshes
    fresh = tokens.get()
    client.refresh(stale_access=refused.access_token)  # the second sees it was done
    assert tokens.get() == fresh


class _AnotherProcessWon(MemoryTokenStore):
    """A keyring entry another process refreshes while this one is refreshing too."""

    def __init__(self, old: TokenPair, new: TokenPair) -> None:
        super().__init__(old)
        self.new = new
        self.reads = 0

    def get(self) -> TokenPair | None:
        self.reads += 1
        stored = super().get()
        if stored is None:
            return None  # cleared: the clerk would have to log in again
        return stored if self.reads == 1 else self.new


def test_a_lost_refresh_race_keeps_the_winners_tokens(
    client: CentreClient, tokens: MemoryTokenStore
) -> None:
    client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
    old = tokens.get()
    assert old is not None
    client.refresh()  # "the other process" spends the old refresh token...
    winner = tokens.get()
    assert winner is not None
    racing = _AnotherProcessWon(old, winner)  # ...while this one still holds the old pair
    loser = CentreClient(client.base_url, token_store=racing)
    loser.refresh()  # refused by the server, but the winner's pair is there: no logout
    assert racing.get() == winner  # not cleared
    loser.close()


LIVE_TOKENS = pytest.mark.parametrize("access_ttl", [timedelta(minutes=15)])


@LIVE_TOKENS
def test_a_refresh_whose_answer_was_lost_succeeds_on_retry(
    centre_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server rotated the tokens but the answer never arrived: the retry must not log out."""
    tokens = MemoryTokenStore()
    with CentreClient(centre_url, token_store=tokens) as client:
        client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
        real = client.session.request
        lost: list[str] = []

        def lose_first_refresh_answer(method: str, url: str, **kwargs: Any) -> Any:
            response = real(method, url, **kwargs)  # the server did the work…
            if url.endswith("/auth/refresh") and not lost:
                lost.append(url)
                raise requests.ConnectionError("connection reset")  # …the answer is lost
            return response

        monkeypatch.setattr(client.session, "request", lose_first_refresh_answer)
        with pytest.raises(OfflineError):
            client.refresh()
        client.refresh()
        assert lost and client.unit_profile().unit_code == DEMO_UNIT_CODE


@LIVE_TOKENS
def test_logout_revokes_at_the_server_and_forgets_here(centre_url: str) -> None:
    tokens = MemoryTokenStore()
    with CentreClient(centre_url, token_store=tokens) as client:
        client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
        old = tokens.get()
        assert client.logout() is True
        assert tokens.get() is None
    assert old is not None
    stale = CentreClient(centre_url, token_store=MemoryTokenStore(old))
    with stale, pytest.raises(AuthError):
        stale.unit_profile()
