"""`CentreClient`: the centre's API, one method per call (HTTP and errors in http.py)."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from app.errors import ServerError, ServerRejectedError
from app.services.api.http import (
    API_PREFIX,
    DEFAULT_TIMEOUT,
    INSECURE_MESSAGE,
    OFFLINE_MESSAGE,
    REPLAY_HEADER,
    CentreTransport,
    check_server_url,
    error_from,
)
from app.services.api.models import (
    AttachmentInfo,
    CentreOpening,
    OpenAccountHolder,
    OpeningsPage,
    PersonLookup,
    RosterPage,
    RosterPerson,
    SubmissionPage,
    SubmissionRecord,
    UnitProfile,
)
from app.services.api.records import (
    BatchSubmission,
    CentreRow,
    CentreRowsPage,
    DocumentUpload,
    RowProblem,
)

__all__ = [
    "API_PREFIX",
    "DEFAULT_TIMEOUT",
    "INSECURE_MESSAGE",
    "OFFLINE_MESSAGE",
    "CentreClient",
    "check_server_url",
]


class CentreClient(CentreTransport):
    """The client of fundserver's /api/v1 (and of any centre implementing the same API)."""

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

    def check_rows(self, business: str, rows: Sequence[Mapping[str, Any]]) -> list[RowProblem]:
        """Which rows the centre would refuse now, and why (nothing is recorded)."""
        body = self._json(
            "POST",
            "/submissions/check",
            json={"business": business, "rows": [dict(r) for r in rows]},
        )
        return [RowProblem.from_json(p) for p in body["problems"]]

    def records(
        self, businesses: Sequence[str], page: int = 1, *, page_size: int = 200
    ) -> CentreRowsPage:
        """One page of the unit's rows of these businesses as the centre records them."""
        body = self._json(
            "GET",
            "/records",
            params={"business": list(businesses), "page": page, "page_size": page_size},
        )
        return CentreRowsPage(
            items=[CentreRow.from_json(i) for i in body["items"]],
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
        body = self._json(
            "POST",
            "/attachments",
            files={"file": _file_part(source)},
            data={"sha256": sha256, "material": material, "business": business},
        )
        return AttachmentInfo.from_json(body)

    def upload_attachments(
        self, documents: Sequence[DocumentUpload]
    ) -> list[AttachmentInfo | Exception] | None:
        """Upload several documents in one request; each answered on its own, in order: its
        record or the error a single upload would raise (a file that cannot be read now is
        not sent: ServerError "file_busy", tried again later).

        None when the centre takes no batch of documents (no such endpoint, or the request as
        a whole refused): then upload them one at a time. Trouble with the request itself
        (offline, 5xx, 401) raises, as `upload_attachment` does.
        """
        answers: list[AttachmentInfo | Exception | None] = []
        parts: list[tuple[str, tuple[str, bytes, str]]] = []
        sent: list[DocumentUpload] = []
        for document in documents:
            try:
                parts.append(("files", _file_part(document.path)))
            except ServerError as busy:
                answers.append(busy)
                continue
            answers.append(None)
            sent.append(document)
        if sent:
            try:
                body = self._json(
                    "POST",
                    "/attachments/batch",
                    files=parts,
                    data={
                        "sha256": [d.sha256 for d in sent],
                        "material": [d.material for d in sent],
                        "business": [d.business for d in sent],
                    },
                )
            except ServerRejectedError:
                return None
            results = body.get("results") if isinstance(body, dict) else None
            if not isinstance(results, list) or len(results) != len(sent):
                raise ServerError("服务器返回的内容无法识别，请稍后重试", code="bad_response")
            answered = iter(results)
            answers = [a if a is not None else _upload_answer(next(answered)) for a in answers]
        return [a for a in answers if a is not None]

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

    def submit_batch(
        self, items: Sequence[BatchSubmission]
    ) -> list[SubmissionRecord | Exception] | None:
        """Send several submissions in one request; each answered on its own, in order: its
        record (`replayed` for a resend of its key) or the error a single submit would raise.

        None when the centre takes no batch (no such endpoint, or the request as a whole is
        refused): then send them one at a time, so each gets its own verdict. Trouble with the
        request itself (offline, 5xx, 401) raises, as `submit` does.
        """
        try:
            body = self._json(
                "POST", "/submissions/batch", json={"submissions": [i.to_json() for i in items]}
            )
        except ServerRejectedError:
            return None
        results = body.get("results") if isinstance(body, dict) else None
        if not isinstance(results, list) or len(results) != len(items):
            raise ServerError("服务器返回的内容无法识别，请稍后重试", code="bad_response")
        answers: list[SubmissionRecord | Exception] = []
        for result in results:
            status = int(result.get("status", 500))
            if status < 300 and result.get("submission") is not None:
                answers.append(SubmissionRecord.from_json(result["submission"]))
            else:
                answers.append(error_from(status, result.get("error")))
        return answers


def _file_part(source: Path) -> tuple[str, bytes, str]:
    """A file as a multipart part; ServerError "file_busy" when it cannot be read now."""
    try:
        content = source.read_bytes()
    except OSError as exc:  # locked by antivirus or the scanner software: try again later
        raise ServerError(
            f"暂时无法读取附件文件 {source.name}（{exc.strerror}），稍后自动重试",
            code="file_busy",
        ) from exc
    content_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    return source.name, content, content_type


def _upload_answer(result: Any) -> AttachmentInfo | Exception:
    status = int(result.get("status", 500))
    if status < 300 and result.get("attachment") is not None:
        return AttachmentInfo.from_json(result["attachment"])
    return error_from(status, result.get("error"))
