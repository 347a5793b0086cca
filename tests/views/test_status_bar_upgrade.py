"""The status bar says when the centre has a newer client, and when this one may not send."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app import __version__
from app.services import versions
from app.services.context import AppServices
from app.views.main_window import MainWindow


def _window(qtbot: QtBot, services: AppServices) -> MainWindow:
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_no_notice_while_this_version_is_current(qtbot: QtBot, services: AppServices) -> None:
    versions.remember(versions.CentreVersions(latest=__version__, minimum=__version__))
    window = _window(qtbot, services)
    window.status.sync_reached(True, "已连接中心服务器")
    assert not window.status.upgrade.isVisible()


def test_a_newer_version_is_named_beside_online(qtbot: QtBot, services: AppServices) -> None:
    versions.remember(versions.CentreVersions(latest="99.0.0", download_url="https://c.example/s"))
    window = _window(qtbot, services)
    window.status.sync_reached(True, "已连接中心服务器")
    assert window.status.upgrade.isVisible()
    assert window.status.upgrade.text() == "有新版本"
    assert "99.0.0" in window.status.upgrade.toolTip()
    assert "https://c.example/s" in window.status.upgrade.toolTip()


def test_below_the_minimum_it_says_uploads_are_paused(qtbot: QtBot, services: AppServices) -> None:
    versions.remember(versions.CentreVersions(latest="99.0.0", minimum="98.0.0"))
    window = _window(qtbot, services)
    window.status.sync_reached(True, "已连接中心服务器")
    assert window.status.upgrade.text() == "需要升级，暂停上传"
    assert "不会丢失" in window.status.upgrade.toolTip()
