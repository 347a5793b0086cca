"""Pulling the centre's review states (and, when they changed, the roster's delta) back.

`OutboxSync` (app/services/outbox.py) is built on it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import OutboxItem, Unit
from app.services.api.models import SubmissionPage
from app.services.engine.states import accepts_centre_state
from app.services.outbox_report import CentreApi, ClientFactory
from app.services.roster import RosterService, SyncCounts, fetch_from
from app.services.session import profile_dict
from app.services.store import Store


class ReviewPuller:
    """The pulling half of one unit's outbox."""

    store: Store
    unit_id: int
    client_factory: ClientFactory

    def pull_reviews(self, client: CentreApi | None = None, *, page_size: int = 200) -> int:
        """Bring back review states changed since the unit's cursor; how many items changed.

        Each page's changes and the cursor move in one transaction, so the cursor never passes
        a change that is not stored.
        """
        own = client is None
        api = self.client_factory() if client is None else client
        changed = 0
        try:
            with self.store.session() as session:
                since = session.get_one(Unit, self.unit_id).submissions_version
            for _page in range(100_000):  # bounded: each page moves the cursor forward
                page = api.submissions(since, page_size=page_size)
                with self.store.session() as session:
                    changed += self._apply_page(session, page)
                    session.get_one(Unit, self.unit_id).submissions_version = max(
                        since, page.version
                    )
                if not page.has_more or page.version <= since:
                    break
                since = page.version
        finally:
            if own:
                api.close()
        return changed

    def _apply_page(self, session: Session, page: SubmissionPage) -> int:
        by_server_id = {str(record.id): record for record in page.items}
        if not by_server_id:
            return 0
        changed = 0
        items = session.scalars(
            select(OutboxItem).where(
                OutboxItem.unit_id == self.unit_id, OutboxItem.server_id.in_(by_server_id)
            )
        )
        for item in items:
            record = by_server_id[str(item.server_id)]
            changed += apply_review(item, record.state, record.reason, record.result)
        return changed

    def pull_roster(self) -> SyncCounts:
        """The roster's changes since the cached version (approvals add and change people)."""
        api = self.client_factory()
        try:
            return RosterService(self.store, self.unit_id).sync(fetch_from(api))
        finally:
            api.close()

    def pull_profile(self) -> None:
        """The unit's profile again: an approval may change it (a base change puts new ratios in
        force, a 汇缴 moves the 缴至年月 on), and forms and the next proposals read it."""
        api = self.client_factory()
        try:
            profile = profile_dict(api.unit_profile())
        finally:
            api.close()
        with self.store.session() as session:
            session.get_one(Unit, self.unit_id).profile = profile


def apply_review(
    item: OutboxItem, state: str, reason: str | None, result: dict[str, Any] | None
) -> int:
    """Store the centre's review state on an item; 1 if anything changed."""
    if not accepts_centre_state(item.review_state, state):
        return 0  # e.g. the clerk already took a 退回's rows back for correction
    new = (state, reason, result)
    if (item.review_state, item.review_reason, item.review_result) == new:
        return 0
    item.review_state, item.review_reason, item.review_result = new
    return 1
