"""Odd numbers in queries are bad input on both databases, never a 500."""

from __future__ import annotations

import pytest
import requests

from fundserver.demo import DemoCredentials

pytestmark = pytest.mark.e2e


def test_numbers_beyond_the_columns_are_refused_as_input(
    fundserver_url: str, demo_credentials: DemoCredentials
) -> None:
    body = {"unit_code": demo_credentials.unit_code, "password": demo_credentials.password}
    login = requests.post(f"{fundserver_url}/api/v1/auth/login", json=body, timeout=30)
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    for path in ("/roster?since=2147483648", "/submissions?since=2147483648",
                 "/submissions/2147483648", "/roster?page=9223372036854775807",
                 "/persons/lookup?name=a%00b&id_number=1"):  # fmt: skip
        response = requests.get(f"{fundserver_url}/api/v1{path}", headers=headers, timeout=30)
        assert response.status_code == 422, (path, response.text)
