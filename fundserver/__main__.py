"""`python -m fundserver serve|review|openapi` — the server, the reviewer's desk, the API doc."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

DEFAULT_DATABASE = "sqlite:///fundserver.db"


def _serve(args: argparse.Namespace) -> int:
    if bool(args.tls_cert) != bool(args.tls_key):
        sys.stderr.write("--tls-cert 与 --tls-key 须同时给出\n")
        return 2
    from fundserver.app import create_app
    from fundserver.db import make_sessionmaker
    from fundserver.demo import DEMO_PASSWORD, DEMO_UNIT_CODE, seed_demo
    from fundserver.policy import load_policy
    from fundserver.schemas import ClientVersions
    from fundserver.server import bind_socket, serve_on_socket

    policy = load_policy(Path(args.policy) if args.policy else None)
    app = create_app(
        args.database,
        policy=policy,
        storage_dir=Path(args.storage) if args.storage else None,
        access_ttl=timedelta(minutes=args.access_minutes),
        client_versions=ClientVersions(
            latest=args.latest_client,
            minimum=args.minimum_client,
            download_url=args.client_download_url,
        ),
    )
    if args.seed == "demo":
        seed_demo(make_sessionmaker(app.state.engine)())
    tls = (Path(args.tls_cert), Path(args.tls_key)) if args.tls_cert else None
    sock = bind_socket(args.host, args.port)
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if ":" in args.host else args.host
    scheme = "https" if tls else "http"
    # The first line is read by tests and by the client's demo mode: keep its shape.
    print(f"fundserver listening on {scheme}://{host}:{port}", flush=True)
    if args.seed == "demo":
        print(f"demo login: 单位账号 {DEMO_UNIT_CODE} 密码 {DEMO_PASSWORD}", flush=True)
    serve_on_socket(app, sock, log_level=args.log_level, tls=tls, exit_with_stdin=args.with_parent)
    return 0


def _openapi(args: argparse.Namespace) -> int:
    from fundserver.openapi_doc import openapi_text

    sys.stdout.write(openapi_text())
    return 0


def _review(args: argparse.Namespace) -> int:
    from fundserver.review_cli import run_review

    return run_review(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m fundserver", description="公积金中心参考服务器"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="启动接口服务")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="0 = 任选空闲端口")
    serve.add_argument("--database", default=DEFAULT_DATABASE, help="SQLAlchemy URL")
    serve.add_argument("--seed", choices=["demo", "none"], default="none")
    serve.add_argument("--policy", help="政策 JSON 文件（默认 resources/policy/kaifeng.json）")
    serve.add_argument("--storage", help="附件存放目录")
    serve.add_argument("--access-minutes", type=float, default=15.0, help="访问令牌有效分钟数")
    serve.add_argument("--log-level", default="warning")
    # GET /client-version; from the environment too, so a test or demo can set them for the
    # server that fundserver/process.py starts.
    serve.add_argument(
        "--latest-client",
        default=os.environ.get("FUNDSERVER_LATEST_CLIENT"),
        help="最新客户端版本（环境变量 FUNDSERVER_LATEST_CLIENT）",
    )
    serve.add_argument(
        "--minimum-client",
        default=os.environ.get("FUNDSERVER_MINIMUM_CLIENT"),
        help="允许上传的最低客户端版本（环境变量 FUNDSERVER_MINIMUM_CLIENT）",
    )
    serve.add_argument(
        "--client-download-url",
        default=os.environ.get("FUNDSERVER_CLIENT_DOWNLOAD_URL"),
        help="新版本安装程序的下载地址（环境变量 FUNDSERVER_CLIENT_DOWNLOAD_URL）",
    )
    serve.add_argument("--tls-cert", help="TLS 证书 PEM 文件（与 --tls-key 同给则用 https）")
    serve.add_argument("--tls-key", help="TLS 私钥 PEM 文件")
    serve.add_argument(
        "--with-parent",
        action="store_true",
        help="标准输入关闭时（启动本服务器的程序退出，哪怕被强行结束）随之退出",
    )
    serve.set_defaults(run=_serve)

    openapi = commands.add_parser("openapi", help="输出 OpenAPI 文档（docs/api/openapi.json）")
    openapi.set_defaults(run=_openapi)

    review = commands.add_parser("review", help="后台审核")
    review.add_argument("--database", default=DEFAULT_DATABASE)
    actions = review.add_subparsers(dest="action", required=True)
    # --database may come before or after the action: `review approve 3 --database URL`.
    after = argparse.ArgumentParser(add_help=False)
    after.add_argument("--database", default=argparse.SUPPRESS, help="SQLAlchemy URL")
    listing = actions.add_parser("list", help="列出申报", parents=[after])
    listing.add_argument("--state", help="只列此状态（待审核 / pending …）")
    listing.add_argument("--business", help="只列此业务（seal / unseal / transfer …）")
    listing.add_argument("--json", action="store_true", help="以 JSON 输出（供脚本查找申报编号）")
    for name, helptext in (("show", "查看一笔申报"), ("approve", "审核通过"), ("reject", "退回")):
        action = actions.add_parser(name, help=helptext, parents=[after])
        action.add_argument("id", type=int)
        action.add_argument("--reviewer", default="reviewer")
        action.add_argument("--json", action="store_true")
        if name == "reject":
            action.add_argument("--reason", required=True, help="退回原因")
        if name == "approve":
            action.add_argument(
                "--reject-row",
                action="append",
                metavar="行号=原因",
                help="单独退回某一行（可重复），其余行审核通过",
            )
    review.set_defaults(run=_review)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
