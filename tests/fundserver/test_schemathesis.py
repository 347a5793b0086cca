"""schemathesis against the live server: no 500s, every answer as the OpenAPI document says.

Bounded and reproducible: a fixed number of examples per operation and a fixed seed.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, seed, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fundserver.app import create_app
from fundserver.demo import DEMO_PASSWORD, DEMO_UNIT_CODE
from fundserver.openapi_doc import openapi_text
from tests.services.api.live_server import serving

SCHEMA = schemathesis.openapi.from_dict(json.loads(openapi_text()))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory, seeded_template: Path) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("schemathesis")
    shutil.copyfile(seeded_template, folder / "centre.db")
    app = create_app(f"sqlite:///{folder / 'centre.db'}", storage_dir=folder / "files")
    with serving(app) as url:
        yield url
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def bearer(live_url: str) -> dict[str, str]:
    body = {"unit_code": DEMO_UNIT_CODE, "password": DEMO_PASSWORD}
    tokens = requests.post(f"{live_url}/api/v1/auth/login", json=body, timeout=60).json()
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@SCHEMA.parametrize()
@seed(20261128)
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_server_keeps_to_its_openapi_document(
    case: Any, live_url: str, bearer: dict[str, str]
) -> None:
    # The auth operations get no bearer token: a fuzzed logout would otherwise end the login
    # every other operation uses.
    headers = {} if case.path.startswith("/api/v1/auth/") else bearer
    response = case.call(base_url=live_url, headers=headers)
    case.validate_response(response, checks=CHECKS)
