"""Page factories of the 缴存业务 menu entries, plugged into `app.views.pages` with one line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.services.api.models import UnitProfile
from app.services.attachments import AttachmentService
from app.services.changes import Changes
from app.services.payments.assessment import RemittanceAssessments, RemittanceCentre
from app.services.payments.query import AssessmentQuery
from app.services.session import profile_dict
from app.services.units import UnitInfo
from app.views.payments.query_page import AssessmentQueryPage
from app.views.payments.remittance_page import RemittancePage

if TYPE_CHECKING:
    from app.views.pages import PageFactory, Pages


def remittance_service(pages: Pages, unit: UnitInfo) -> RemittanceAssessments:
    units = pages.services.units

    def centre() -> RemittanceCentre:
        return pages._client(unit)()

    def keep(profile: UnitProfile) -> None:
        units.cache_profile(unit.id, profile_dict(profile))

    return RemittanceAssessments(
        pages.services.store,
        unit.id,
        pages._policy(unit),
        profile=lambda: units.profile(unit.id),
        keep_profile=keep,
        centre=centre,
    )


def remittance(pages: Pages) -> PageFactory:
    """汇缴核定: a custom page over the unit's assessments; its 提交 is published on the hub."""

    def build(unit: UnitInfo) -> QWidget:
        page = RemittancePage(
            remittance_service(pages, unit),
            AttachmentService(pages.services.store, unit.id),
            pages._policy(unit),
            scanner=pages.scanner,
        )
        page.submitted.connect(
            lambda _id: pages.hub.publish(Changes(queued=True, pending=frozenset({"remittance"})))
        )
        return page

    return pages._for_unit(build)


def assessment_query(pages: Pages) -> PageFactory:
    """核定查询: both businesses, one line per submission; 重新修改 refreshes the list's page."""

    def build(unit: UnitInfo) -> QWidget:
        query = AssessmentQuery(
            pages.services.store, unit.id, pages._policy(unit), unit_code=unit.code,
            unit_name=unit.name,
        )  # fmt: skip
        page = AssessmentQueryPage(query)

        def changed(changes: Changes) -> None:
            if changes.reviews or changes.outbox or changes.queued:
                page.refresh()

        pages.hub.changed.connect(changed)
        page.destroyed.connect(lambda _obj=None: pages.hub.changed.disconnect(changed))
        page.reopened.connect(
            lambda code: pages.hub.publish(Changes(reviews=True, pending=frozenset({code})))
        )
        return page

    return pages._for_unit(build)
