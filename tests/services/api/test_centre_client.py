"""CentreClient against fundserver over real HTTP: calls, error mapping, no secrets logged."""

from __future__ import annotations

import hashlib
import logging
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse
from live_server import serving

from app.errors import AuthError, OfflineError, ServerError, ServerRejectedError
from app.services.api import CentreClient, MemoryTokenStore, TokenPair
from fundserver.demo import DEMO_PASSWORD, DEMO_UNIT_CODE

PDF = b"%PDF-1.4\n%%EOF\n"


def test_login_keeps_tokens_in_the_store(client: CentreClient, tokens: MemoryTokenStore) -> None:
    result = client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
    assert (result.unit_code, result.expires_in) == (DEMO_UNIT_CODE, 900)
    stored = tokens.get()
    assert stored is not None and stored.unit_code == DEMO_UNIT_CODE
    assert stored.access_token not in repr(stored)


def test_login_never_logs_password_or_tokens(
    client: CentreClient, tokens: MemoryTokenStore, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
        client.unit_profile()
        client.refresh()
        client.policy()
    stored = tokens.get()
    assert stored is not None
    assert "logged in as unit 100001" in caplog.text  # logging did happen
    for secret in (DEMO_PASSWORD, stored.access_token, stored.refresh_token):
        assert secret not in caplog.text


def test_wrong_password_is_an_auth_error(client: CentreClient, tokens: MemoryTokenStore) -> None:
    with pytest.raises(AuthError) as caught:
        client.login(DEMO_UNIT_CODE, "wrong")
    assert caught.value.code == "invalid_credentials"
    assert "单位账号或密码错误" in caught.value.message
    assert tokens.get() is None


def test_calls_before_login_are_auth_errors(client: CentreClient) -> None:
    with pytest.raises(AuthError):
        client.unit_profile()


def test_profile_roster_and_policy(client: CentreClient) -> None:
    client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
    profile = client.unit_profile()
    assert profile.name == "开封示范科技有限公司" and str(profile.suspense_balance) == "1286.40"
    assert client.policy()["source"] == "server"
    pages = list(client.iterate_roster(page_size=15))
    assert [len(p.items) for p in pages] == [15, 15, 10]
    assert pages[-1].version == pages[-1].items[-1].version
    assert list(client.iterate_roster(pages[-1].version)) == [
        type(pages[0])(items=[], version=pages[-1].version, has_more=False)
    ]


def test_refused_refresh_clears_the_tokens(client: CentreClient, tokens: MemoryTokenStore) -> None:
    tokens.set(TokenPair("stale", "stale", DEMO_UNIT_CODE))
    with pytest.raises(AuthError):
        client.unit_profile()
    assert tokens.get() is None


def test_lookup_and_structured_rejection(client: CentreClient) -> None:
    client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
    person = client.roster(page_size=1).items[0]
    found = client.lookup_person(person.name, person.id_number)
    assert found.account_no == person.account_no and found.in_own_unit
    with pytest.raises(ServerRejectedError) as caught:
        client.lookup_person(person.name + "乙", person.id_number)
    assert caught.value.code == "person_not_found"


def test_upload_and_submit_exactly_once(client: CentreClient, tmp_path: Path) -> None:
    client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
    document = tmp_path / "身份证.pdf"
    document.write_bytes(PDF)
    digest = hashlib.sha256(PDF).hexdigest()
    info = client.upload_attachment(document, digest, "身份证复印件", "open-account")
    assert info.id == digest and info.content_type == "application/pdf"
    with pytest.raises(ServerRejectedError) as caught:
        client.upload_attachment(document, "0" * 64, "身份证复印件", "open-account")
    assert caught.value.code == "checksum_mismatch"

    rows = [{"name": "钱多", "id_number": "410202199001010012", "base": "5000"}]
    first = client.submit("open-account", rows, [info.id], "key-1", client_ref="r1")
    again = client.submit("open-account", rows, [info.id], "key-1", client_ref="r1")
    assert (first.replayed, again.replayed) == (False, True)
    assert again.id == first.id and first.state == "待审核"
    assert [s.id for s in client.submissions().items] == [first.id]
    assert client.submission(first.id) == first
    with pytest.raises(ServerRejectedError) as conflict:
        client.submit("open-account", rows * 2, [info.id], "key-1")
    assert conflict.value.code == "idempotency_conflict"


def _broken_app() -> FastAPI:
    app = FastAPI()

    @app.post("/api/v1/auth/login")
    def failing() -> JSONResponse:
        body = {"error": {"code": "internal_error", "message": "服务器内部错误", "field": None}}
        return JSONResponse(body, status_code=500)

    @app.get("/api/v1/policy")
    def proxy_page() -> HTMLResponse:
        return HTMLResponse("<html>Bad Gateway</html>", status_code=502)

    @app.get("/api/v1/unit")
    def not_json() -> HTMLResponse:
        return HTMLResponse("<html>portal login</html>", status_code=200)

    @app.get("/api/v1/roster")
    def proxy_forbidden() -> HTMLResponse:  # a company proxy's own error page
        return HTMLResponse("<html>Access denied by proxy</html>", status_code=403)

    @app.get("/api/v1/persons/lookup")
    def too_many() -> JSONResponse:
        return JSONResponse({"detail": "slow down"}, status_code=429)

    return app


def test_server_failures_are_server_errors() -> None:
    tokens = MemoryTokenStore(TokenPair("a", "r", DEMO_UNIT_CODE))
    with serving(_broken_app()) as url, CentreClient(url, token_store=tokens) as client:
        with pytest.raises(ServerError) as caught:
            client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
        assert caught.value.message == "服务器内部错误"
        with pytest.raises(ServerError) as gateway:
            client.policy()
        assert "HTTP 502" in gateway.value.message
        with pytest.raises(ServerError):
            client.unit_profile()
        # Not the centre's verdict: a proxy's page, or "too many requests" — retried later,
        # never a refusal that would mark a submission 失败.
        with pytest.raises(ServerError) as proxy:
            client.roster()
        assert "HTTP 403" in proxy.value.message
        with pytest.raises(ServerError) as busy:
            client.lookup_person("张三", "410202199001010012")
        assert "HTTP 429" in busy.value.message


def test_refused_connection_is_offline(tokens: MemoryTokenStore) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port any more.
    client = CentreClient(f"http://127.0.0.1:{port}", token_store=tokens)
    with client, pytest.raises(OfflineError) as caught:
        client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
    assert caught.value.code == "offline" and "无法连接" in caught.value.message


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (the backlog) but never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def test_a_server_that_never_answers_times_out_as_offline(
    silent_port: int, tokens: MemoryTokenStore
) -> None:
    url = f"http://127.0.0.1:{silent_port}"
    client = CentreClient(url, token_store=tokens, timeout=(1.0, 0.2))
    with client, pytest.raises(OfflineError) as caught:
        client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
    assert caught.value.code == "timeout"


def test_tls_verification_is_on_by_default(tokens: MemoryTokenStore, tmp_path: Path) -> None:
    with CentreClient("https://127.0.0.1:1", token_store=tokens) as client:
        assert client.session.verify is True
    bundle = tmp_path / "centre-ca.pem"
    with CentreClient("https://x", token_store=tokens, ca_bundle=bundle) as client:
        assert client.session.verify == str(bundle)


def test_refused_access_token_is_refreshed_transparently(
    client: CentreClient, tokens: MemoryTokenStore
) -> None:
    client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
    real = tokens.get()
    assert real is not None
    tokens.set(TokenPair("no-longer-valid", real.refresh_token, DEMO_UNIT_CODE))
    assert client.unit_profile().unit_code == DEMO_UNIT_CODE
    renewed = tokens.get()
    assert renewed is not None and renewed.access_token not in (
        "no-longer-valid",
        real.access_token,
    )


def test_concurrent_resends_of_one_key_record_once(
    centre_url: str, client: CentreClient, tokens: MemoryTokenStore
) -> None:
    client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
    person = next(p for p in client.roster(page_size=50).items if p.status == "正常")
    month = datetime.now(UTC).strftime("%Y-%m")
    rows = [{"account_no": person.account_no, "reason": "离职", "month": month}]

    def send(_: int) -> int:
        with CentreClient(centre_url, token_store=tokens) as own:
            return own.submit("seal", rows, [], "same-key-everywhere").id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(send, range(16)))
    assert len(ids) == 1
    assert [s.id for s in client.submissions().items] == list(ids)
