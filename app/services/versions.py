"""The centre's client versions: is an upgrade available, and may this version still send?

The centre publishes the latest and the minimum client version (GET /client-version). Below the
minimum the client keeps working — typing, importing, scanning, 全部提交 into the outbox — but
the outbox sends nothing: the items wait, untouched, until the clerk installs the new version
(which keeps the data: see README). The last answer is kept in the data folder so the window
can say an upgrade is available; it is judged against the running version each time, so a
stale "too old" never outlives the upgrade.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass
from typing import Any

from app import __version__, paths
from app.errors import KnownError

logger = logging.getLogger(__name__)

STATE_FILE = "centre-versions.json"


def version_key(text: str | None) -> tuple[int, ...] | None:
    """ "0.10.2" → (0, 10, 2); None for a version that is missing or has no number."""
    if not text:
        return None
    numbers = re.findall(r"\d+", text.split("+", 1)[0])
    return tuple(int(n) for n in numbers[:4]) if numbers else None


@dataclass(frozen=True)
class CentreVersions:
    """What the centre published; any part may be missing."""

    latest: str | None = None
    minimum: str | None = None
    download_url: str | None = None

    @classmethod
    def from_dict(cls, data: Any) -> CentreVersions:
        if not isinstance(data, dict):
            return cls()

        def text(key: str) -> str | None:
            value = data.get(key)
            return (value.strip() or None) if isinstance(value, str) else None

        return cls(text("latest"), text("minimum"), text("download_url"))


@dataclass(frozen=True)
class VersionStatus:
    """The running client's version against what the centre published."""

    current: str
    centre: CentreVersions

    @property
    def below_minimum(self) -> bool:
        mine, minimum = version_key(self.current), version_key(self.centre.minimum)
        return mine is not None and minimum is not None and mine < minimum

    @property
    def upgrade_available(self) -> bool:
        mine, latest = version_key(self.current), version_key(self.centre.latest)
        return mine is not None and latest is not None and mine < latest

    def _where(self) -> str:
        url = self.centre.download_url
        return f"下载地址：{url}" if url else "请向公积金中心或单位的电脑管理员索取安装程序"

    def message(self) -> str | None:
        """What the clerk is told, in Chinese; None when this version is current."""
        if self.below_minimum:
            return (
                f"当前客户端版本 {self.current} 低于公积金中心要求的最低版本 "
                f"{self.centre.minimum}，暂停上传。已录入和已提交的业务都保存在本机待上传队列中，"
                f"不会丢失；安装新版本后会自动上传。{self._where()}。"
            )
        if self.upgrade_available:
            return (
                f"有新版本 {self.centre.latest} 可以安装（当前 {self.current}），"
                f"升级会保留本机数据。{self._where()}。"
            )
        return None


def ask_centre(api: object) -> CentreVersions | None:
    """The centre's published versions; None if this API cannot tell or the centre is away.

    A centre that publishes nothing (or an older server without the endpoint) gates nothing;
    an unreachable one neither — the send that follows meets the same trouble and says so.
    """
    fetch = getattr(api, "client_versions", None)
    if fetch is None:
        return None
    try:
        return CentreVersions.from_dict(fetch())
    except KnownError as exc:
        logger.info("centre's client versions not available: %s", exc)
        return None


def running_version() -> str:
    """This client's version (read at each call, so an upgrade test can stand in for one)."""
    return __version__


def refusal_to_send(api: object, current: str | None = None) -> str | None:
    """Why nothing may be sent now (this client is below the centre's minimum), else None.

    The outbox asks this once per run, before the first item; the answer is also remembered
    for `last_known`.
    """
    centre = ask_centre(api)
    if centre is None:
        return None
    status = VersionStatus(current or running_version(), centre)
    remember(centre)
    if status.below_minimum:
        logger.warning(
            "client %s is below the centre's minimum %s: not sending",
            status.current,
            centre.minimum,
        )
        return status.message()
    return None


def remember(centre: CentreVersions) -> None:
    path = paths.data_dir() / STATE_FILE
    try:
        path.write_text(json.dumps(asdict(centre), ensure_ascii=False), encoding="utf-8")
    except OSError as exc:  # only a notice is lost; sending is decided without it
        logger.warning("could not keep the centre's client versions in %s: %s", path, exc)


def last_known(current: str | None = None) -> VersionStatus | None:
    """The last answer of the centre, judged against the running version; None if none yet."""
    path = paths.data_dir() / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return VersionStatus(current or running_version(), CentreVersions.from_dict(data))


def notice(current: str | None = None) -> str | None:
    """A line for the window when the centre has a newer version (or requires one)."""
    status = last_known(current)
    return status.message() if status is not None else None
