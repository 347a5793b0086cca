"""Log in, log out and the roster delta: work with the centre for one unit."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.services.changes import Changes
from app.services.roster import RosterService, SyncCounts, fetch_from
from app.services.session import CentreSession, LoginOutcome
from app.services.store import Store
from app.services.units import UnitInfo
from app.views.changes import ChangeHub
from app.views.ops import Op, OpContext


def login(
    parent: QWidget,
    session: CentreSession,
    server: str,
    unit_code: str,
    password: str,
    *,
    remember: bool,
) -> Op[LoginOutcome]:
    """Log in to the centre (tokens to the keyring); not yet running."""

    def work(_ctx: OpContext) -> LoginOutcome:
        return session.login(server, unit_code, password, remember=remember)

    return Op(parent, work)


def logout(parent: QWidget, session: CentreSession, unit: UnitInfo) -> Op[bool]:
    """退出登录: the server revokes the tokens (True if it was reached); the keyring forgets."""
    return Op(parent, lambda _ctx: session.logout(unit))


def sync_roster(
    parent: QWidget, store: Store, session: CentreSession, unit: UnitInfo, hub: ChangeHub
) -> Op[SyncCounts]:
    """The roster delta since the last sync; published as a roster change."""

    def work(ctx: OpContext) -> SyncCounts:
        with session.client(unit) as client:
            return RosterService(store, unit.id).sync(
                fetch_from(client), cancelled=lambda: ctx.cancelled
            )

    return Op(parent, work).publishing(hub, lambda _counts: Changes(roster=True))
