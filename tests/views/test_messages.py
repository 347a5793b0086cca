"""One way to tell the clerk something: a page's message line and the window's status bar."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.services.context import AppServices
from app.views.attachments import AttachmentPanel
from app.views.business.import_page import ImportPage
from app.views.main_window import MainWindow
from app.views.messages import MessageLine


def test_a_message_line_says_whether_it_is_bad_news(qtbot: QtBot) -> None:
    line = MessageLine("someMessage")
    qtbot.addWidget(line)
    line.say("未能读取文件“名单.xlsx”", error=True)
    assert line.text() == "未能读取文件“名单.xlsx”" and line.property("state") == "error"
    line.say("校验通过")
    assert line.property("state") == "ok" and not line.is_error


def test_the_pages_say_things_through_the_one_message_line() -> None:
    # The panel and the batch page had each their own helper for the same thing.
    assert not hasattr(AttachmentPanel, "_say") and not hasattr(ImportPage, "_say")


def test_an_error_in_the_status_bar_is_coloured_as_one_and_the_next_message_is_not(
    qtbot: QtBot, services: AppServices
) -> None:
    services.units.add("100001", "开封市示范机械厂")
    window = MainWindow(services)  # no session: offline
    qtbot.addWidget(window)
    heard: list[tuple[str, bool]] = []
    window.messages.said.connect(lambda text, error: heard.append((text, error)))

    window.sync_now()  # nothing to sync with
    assert window.statusBar().currentMessage() == "未连接中心服务器（离线模式）：无法同步。"
    assert window.statusBar().property("state") == "error"

    window.backup_menu.messages.say("已备份到 D:/备份.gjjbak（共 2 MB）")
    assert window.statusBar().property("state") == "ok"
    assert heard == [
        ("未连接中心服务器（离线模式）：无法同步。", True),
        ("已备份到 D:/备份.gjjbak（共 2 MB）", False),
    ]
