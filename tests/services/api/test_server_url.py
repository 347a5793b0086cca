"""https only, except on this machine or when plain http is explicitly allowed."""

from __future__ import annotations

import pytest

from app.errors import BadInputError
from app.services.api import CentreClient, MemoryTokenStore
from app.services.api.client import INSECURE_MESSAGE, check_server_url
from app.services.context import AppServices
from app.services.session import CentreSession


@pytest.mark.parametrize(
    "url",
    [
        "https://gjj.example.cn",
        "https://10.1.2.3:8443",
        "http://127.0.0.1:8000",
        "http://127.8.9.10",
        "http://localhost:8000",
        "http://[::1]:8000",
    ],
)
def test_accepted_addresses(url: str) -> None:
    check_server_url(url)


@pytest.mark.parametrize("url", ["http://gjj.example.cn", "http://10.1.2.3:8000"])
def test_plain_http_to_another_machine_is_refused_with_the_reason(url: str) -> None:
    with pytest.raises(BadInputError) as caught:
        check_server_url(url)
    assert caught.value.message == INSECURE_MESSAGE
    assert caught.value.field == "server_url"
    check_server_url(url, allow_insecure=True)  # the explicit choice is honoured


@pytest.mark.parametrize("url", ["gjj.example.cn", "ftp://gjj.example.cn", "https://"])
def test_not_a_web_address(url: str) -> None:
    with pytest.raises(BadInputError, match="https://"):
        check_server_url(url)


def test_the_client_refuses_plain_http_before_sending_anything() -> None:
    with pytest.raises(BadInputError):
        CentreClient("http://gjj.example.cn", token_store=MemoryTokenStore())


def test_login_refuses_plain_http_unless_insecure_is_given(services: AppServices) -> None:
    session = CentreSession(services)
    with pytest.raises(BadInputError) as caught:
        session.login("http://gjj.example.cn", "100001", "secret")
    assert "--insecure" in caught.value.message
    assert services.settings.get("allow_insecure_http") is None
