"""CentreClient's one transparent refresh when the access token has expired."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.errors import AuthError
from app.services.api import CentreClient, MemoryTokenStore
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
