"""The centre policy the server hands out, and the few parts the server itself obeys.

The policy is an opaque JSON document to the API (clients cache it whole); the server reads
only its attachment limits and its rounding method, each with a safe fallback.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import fundserver

logger = logging.getLogger(__name__)

DEFAULT_POLICY_PATH = Path(fundserver.__file__).parents[1] / "resources" / "policy" / "kaifeng.json"

FALLBACK_MAX_BYTES = 10 * 1024 * 1024
FALLBACK_TYPES = ("pdf", "jpeg", "png", "tiff", "bmp")

# File-name extensions a policy may list, mapped to the canonical type names sniffed below.
_TYPE_ALIASES = {"jpg": "jpeg", "jpeg": "jpeg", "tif": "tiff", "tiff": "tiff"}

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "tiff": "image/tiff",
    "bmp": "image/bmp",
}


def load_policy(path: Path | None = None) -> dict[str, Any]:
    """The policy document from disk (the Kaifeng default unless a path is given)."""
    source = path or DEFAULT_POLICY_PATH
    with source.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{source}: a policy must be a JSON object")
    return data


def served_policy(policy: dict[str, Any]) -> dict[str, Any]:
    """What GET /policy returns: the document marked as coming from the server."""
    return {**policy, "source": "server"}


class PolicyBody:
    """GET /policy's body, encoded once per policy document, and its ETag.

    The document changes only when the server is given another one (a new object): its bytes
    are kept beside it, so a request neither copies nor encodes it again.
    """

    def __init__(self) -> None:
        self._source: dict[str, Any] | None = None
        self._encoded: tuple[bytes, str] = (b"", "")
        self._lock = threading.Lock()

    def of(self, policy: dict[str, Any]) -> tuple[bytes, str]:
        """(JSON bytes, strong ETag) of the served form of `policy`."""
        with self._lock:
            if policy is not self._source:
                body = json.dumps(
                    served_policy(policy),
                    ensure_ascii=False,
                    allow_nan=False,
                    separators=(",", ":"),
                ).encode("utf-8")
                self._encoded = (body, f'"{hashlib.sha256(body).hexdigest()[:32]}"')
                self._source = policy
            return self._encoded


@dataclass(frozen=True)
class AttachmentLimits:
    max_bytes: int
    types: frozenset[str]

    @property
    def types_text(self) -> str:
        return "、".join(sorted(t.upper() for t in self.types))


def attachment_limits(policy: dict[str, Any]) -> AttachmentLimits:
    section = policy.get("attachments")
    max_bytes = FALLBACK_MAX_BYTES
    types: set[str] = set(FALLBACK_TYPES)
    if isinstance(section, dict):
        raw_max = section.get("max_bytes_per_document", section.get("max_bytes"))
        if isinstance(raw_max, int) and raw_max > 0:
            max_bytes = raw_max
        raw_types = section.get("accepted_file_types", section.get("types"))
        if isinstance(raw_types, list) and raw_types:
            types = {_TYPE_ALIASES.get(str(t).lower(), str(t).lower()) for t in raw_types}
    return AttachmentLimits(max_bytes=max_bytes, types=frozenset(types))


def sniff_type(head: bytes) -> str | None:
    """The file type from its first bytes; the client's stated content type is not trusted."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"BM"):
        return "bmp"
    return None


_UNITS = {
    "li": Decimal("0.001"),
    "fen": Decimal("0.01"),
    "jiao": Decimal("0.1"),
    "yuan": Decimal(1),
}
_CARRY = {
    "carry_li_to_fen": ("li", "fen"),
    "carry_fen_to_jiao": ("fen", "jiao"),
    "carry_jiao_to_yuan": ("jiao", "yuan"),
}


def round_amount(amount: Decimal, method: str) -> Decimal:
    """Round one part of a monthly amount by the centre's method (PRODUCT.md's nine)."""
    if method in _CARRY:
        small, large = (_UNITS[u] for u in _CARRY[method])
        first = amount.quantize(small, rounding=ROUND_HALF_UP)
        kept = first.quantize(large, rounding=ROUND_DOWN)
        result = kept if kept == first else kept + large
        return result.quantize(Decimal("0.01"))
    kind, _, unit = method.partition("_up_") if "_up_" in method else method.partition("_")
    if unit not in _UNITS:
        logger.warning("unknown rounding method %r; using half_up_fen", method)
        kind, unit = "half", "fen"
    mode = ROUND_DOWN if kind == "down" else ROUND_HALF_UP
    return amount.quantize(_UNITS[unit], rounding=mode).quantize(Decimal("0.01"))


def rounding_method(policy: dict[str, Any]) -> str:
    section = policy.get("contribution")
    if isinstance(section, dict) and isinstance(section.get("rounding"), str):
        return str(section["rounding"])
    return "half_up_fen"
