"""Opening the local store for a command (lazily: `check-id` needs no database), and logging
in on the spot for commands that talk to the centre on a PC without a keyring."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import TypeVar

from app.errors import AuthError, BadInputError
from app.services.context import AppServices
from app.services.policy import CentrePolicy, load_default
from app.services.session import CentreSession
from app.services.units import UnitInfo

T = TypeVar("T")

PASSWORD_ENV = "GJJ_DESK_PASSWORD"
HEADLESS_HOWTO = (
    "无人值守或脚本中（本机没有系统钥匙串时登录不会保留），"
    f"请给每条需要联网的命令设置环境变量 {PASSWORD_ENV}，"
    "或加 --password-stdin 从标准输入读密码，命令会当场登录；密码不会写入任何文件。"
)
NOT_LOGGED_IN = f"尚未登录（或登录已失效），请先运行 gjj-desk login。{HEADLESS_HOWTO}"


def open_services() -> AppServices:
    return AppServices.open()


def current_policy() -> CentrePolicy:
    """The policy for the current unit if there is one, else the bundled default."""
    services = open_services()
    try:
        unit = services.units.current()
        return services.units.policy(unit.id) if unit else load_default()
    finally:
        services.close()


def centre_options() -> argparse.ArgumentParser:
    """The options of every command that talks to the centre: log in on the spot."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--password-stdin",
        action="store_true",
        help=f"未登录时从标准输入读密码当场登录（也可设环境变量 {PASSWORD_ENV}）",
    )
    return options


def given_password(args: argparse.Namespace) -> str | None:
    """The password from `--password-stdin` or GJJ_DESK_PASSWORD, if the caller gave one.

    Standard input is read once per command, however often a login asks for it.
    """
    if getattr(args, "password_stdin", False):
        if not hasattr(args, "stdin_password"):
            args.stdin_password = sys.stdin.readline().rstrip("\r\n") or None
        if args.stdin_password is None:
            raise BadInputError("--password-stdin：标准输入中没有读到密码。")
        return str(args.stdin_password)
    return os.environ.get(PASSWORD_ENV) or None


def log_in_on_the_spot(
    args: argparse.Namespace, session: CentreSession, unit: UnitInfo, *, force: bool = False
) -> bool:
    """Make sure `unit` is logged in: with the keyring's tokens, else with a given password.

    True if it logged in now. AuthError (saying how to log in headless) if it cannot.
    """
    if not force and session.is_logged_in(unit):
        return False
    password = given_password(args)
    if password is None:
        raise AuthError(NOT_LOGGED_IN, code="auth_required")
    server = session.server_url(unit)
    if not server:
        raise BadInputError("尚未设置中心服务器地址，请先运行 gjj-desk login --server 地址。")
    session.login(server, unit.code, password, remember=None)
    return True


def with_centre(
    args: argparse.Namespace, session: CentreSession, unit: UnitInfo, work: Callable[[], T]
) -> T:
    """Run `work` logged in; if the kept login was refused and a password was given, log in
    again once and retry (a token revoked or expired since the keyring got it)."""
    fresh = log_in_on_the_spot(args, session, unit)
    try:
        return work()
    except AuthError:
        if fresh or given_password(args) is None:
            raise AuthError(NOT_LOGGED_IN, code="auth_required") from None
    log_in_on_the_spot(args, session, unit, force=True)
    return work()
