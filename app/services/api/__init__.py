"""The client of the centre's server API (requests, no Qt). See docs/api/ for the API."""

from typing import TYPE_CHECKING, Any

from app.services.api.models import (
    AttachmentInfo,
    LoginResult,
    PersonLookup,
    RosterPage,
    RosterPerson,
    SubmissionPage,
    SubmissionRecord,
    UnitProfile,
)
from app.services.api.tokens import MemoryTokenStore, TokenPair, TokenStore

if TYPE_CHECKING:
    from app.services.api.client import CentreClient


def __getattr__(name: str) -> Any:
    """`CentreClient` (requests, urllib3) is imported when first asked for: the answers' types
    above are read by the store and the window's start without it (issue 12)."""
    if name == "CentreClient":
        from app.services.api.client import CentreClient

        return CentreClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AttachmentInfo",
    "CentreClient",
    "LoginResult",
    "MemoryTokenStore",
    "PersonLookup",
    "RosterPage",
    "RosterPerson",
    "SubmissionPage",
    "SubmissionRecord",
    "TokenPair",
    "TokenStore",
    "UnitProfile",
]
