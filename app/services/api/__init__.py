"""The client of the centre's server API (requests, no Qt). See docs/api/ for the API."""

from app.services.api.client import CentreClient
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
