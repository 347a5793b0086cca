"""A 清册 whose rows can call for one more material than the policy's required ones.

补缴 above the policy's threshold needs the 补缴情况说明, a lower 缴存比例 the 决议: while the
rows call for it and none is attached, 全部提交 names it among the missing materials and is
refused, saying why. A business says which material its rows call for (`extra_material`) and
why (`extra_refusal`); the rest is here once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from app.errors import BadInputError
from app.models import Attachment
from app.services.engine.pending import PendingLists
from app.services.engine.spec import BusinessSpec
from app.services.policy import CentrePolicy
from app.services.store import Store


class ExtraMaterialLists(PendingLists):
    """The list, with one material more when `extra_material` names one."""

    def extra_material(self) -> str | None:
        """The material the open list's rows call for now (None: nothing more)."""
        return None

    def extra_refusal(self, material: str) -> str:
        """What 全部提交 says while `material` is called for and not attached."""
        return f"须上传影像资料：{material}"

    def missing_extra(self) -> str | None:
        """The called-for material while none is attached to the open list; else None."""
        material = self.extra_material()
        if material is None:
            return None
        with self.store.session() as session:
            plist = self._open_list(session)
            attached = session.scalar(
                select(Attachment.id).where(
                    Attachment.list_id == plist.id, Attachment.material == material
                )
            )
        return None if attached is not None else material

    def required_materials(self) -> list[str]:
        """The policy's required materials, and the called-for one while the rows call for it
        (the 全部提交 dialog marks it 必传)."""
        required = super().required_materials()
        material = self.extra_material()
        if material is not None and material not in required:
            required.append(material)
        return required

    def missing_materials(self) -> list[str]:
        missing = super().missing_materials()
        material = self.missing_extra()
        if material is not None and material not in missing:
            missing.append(material)
        return missing

    def submit(self) -> int:
        material = self.missing_extra()
        if material is not None:
            raise BadInputError(self.extra_refusal(material))
        return super().submit()


def lists_of(
    make: Callable[..., PendingLists],
) -> Callable[..., PendingLists]:
    """`BusinessSpec.lists` for a list class built as `make(store, unit_id, policy, **options)`:
    every list of the business (window, command line) is one of these."""

    def open_list(
        store: Store,
        _spec: BusinessSpec,
        unit_id: int,
        policy: Callable[[], CentrePolicy],
        **options: Any,
    ) -> PendingLists:
        return make(store, unit_id, policy, **options)

    return open_list
