"""The employers (单位) whose clerk works on this PC, and which one is current."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from app.errors import BadInputError
from app.models import OutboxItem, Unit
from app.models.base import utcnow
from app.services import audit
from app.services.engine.states import WAITING_UPLOAD, UploadState
from app.services.first_screen import UnitInfo as UnitInfo
from app.services.first_screen import policy_of
from app.services.outbox_queries import waiting_count
from app.services.policy import CentrePolicy
from app.services.settings import Settings
from app.services.store import Store

UNIT_CODE = re.compile(r"^[0-9A-Za-z]{4,32}$")


def _info(unit: Unit) -> UnitInfo:
    return UnitInfo(unit.id, unit.code, unit.name, unit.server_url)


class UnitService:
    """Adds, lists and switches units; each unit's data stays its own."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def list(self) -> list[UnitInfo]:
        with self.store.session() as session:
            return [_info(u) for u in session.scalars(select(Unit).order_by(Unit.code))]

    def add(self, code: str, name: str, server_url: str | None = None) -> UnitInfo:
        code, name = code.strip(), name.strip()
        if not UNIT_CODE.match(code):
            raise BadInputError("单位账号应为 4–32 位数字或字母。", field="code")
        if not name:
            raise BadInputError("请填写单位名称。", field="name")
        with self.store.session() as session:
            if session.scalar(select(Unit).where(Unit.code == code)) is not None:
                raise BadInputError(f"单位账号 {code} 已经添加过了。", field="code")
            unit = Unit(code=code, name=name, server_url=server_url)
            session.add(unit)
            session.flush()
            audit.record(session, "unit.add", unit_id=unit.id, code=code)
            info = _info(unit)
        if self.settings.get("current_unit") is None:
            self.switch(code)
        return info

    def get(self, code: str) -> UnitInfo | None:
        with self.store.session() as session:
            unit = session.scalar(select(Unit).where(Unit.code == code))
            return _info(unit) if unit else None

    def current(self) -> UnitInfo | None:
        """The unit the clerk last worked on, or the only/first one there is."""
        code = self.settings.get("current_unit")
        unit = self.get(code) if code else None
        if unit is None:
            units = self.list()
            unit = units[0] if units else None
        return unit

    def switch(self, code: str) -> UnitInfo:
        unit = self.get(code)
        if unit is None:
            raise BadInputError(f"没有单位账号为 {code} 的单位。", field="code")
        self.settings.set("current_unit", code)
        with self.store.session() as session:
            session.get_one(Unit, unit.id).last_used_at = utcnow()
            audit.record(session, "unit.switch", unit_id=unit.id)
        return unit

    def outbox_count(self, unit_id: int) -> int:
        """Submissions the centre does not have yet (待上传 / 上传中 / 失败).

        The one count of "waiting" work: the status bar, the home page and the closing warning
        all read it here.
        """
        return waiting_count(self.store, unit_id)

    def outbox_waiting(self, unit_id: int) -> dict[UploadState, int]:
        """The submissions the centre does not have yet, by upload state (only those present)."""
        with self.store.session() as session:
            rows = session.execute(
                select(OutboxItem.state, func.count())
                .where(
                    OutboxItem.unit_id == unit_id,
                    OutboxItem.state.in_([s.value for s in WAITING_UPLOAD]),
                )
                .group_by(OutboxItem.state)
            ).all()
        return {UploadState(state): int(count) for state, count in rows}

    def policy(self, unit_id: int | None) -> CentrePolicy:
        """The policy in force for a unit: the server's cached copy, else the bundled default."""
        cached = None
        if unit_id is not None:
            with self.store.session() as session:
                cached = session.get_one(Unit, unit_id).policy
        return policy_of(cached)

    def cache_profile(
        self, unit_id: int, profile: dict[str, Any], policy: CentrePolicy | None = None
    ) -> None:
        """Keep the server's unit profile (and its copy of the policy) for offline use."""
        with self.store.session() as session:
            unit = session.get_one(Unit, unit_id)
            unit.profile = profile
            if policy is not None:
                unit.policy = policy.to_dict()

    def profile(self, unit_id: int) -> dict[str, Any]:
        with self.store.session() as session:
            return dict(session.get_one(Unit, unit_id).profile or {})
