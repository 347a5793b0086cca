"""`unit list|add|switch`: the units (单位) on this PC."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.output import print_json, print_table
from app.cli.services import open_services


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    unit = commands.add_parser("unit", parents=[common], help="本机的单位")
    actions = unit.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", parents=[common], help="列出单位").set_defaults(handler=list_units)
    add = actions.add_parser("add", parents=[common], help="添加单位")
    add.add_argument("code", help="单位账号")
    add.add_argument("name", help="单位名称")
    add.set_defaults(handler=add_unit)
    switch = actions.add_parser("switch", parents=[common], help="切换当前单位")
    switch.add_argument("code", help="单位账号")
    switch.set_defaults(handler=switch_unit)


def list_units(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        current = services.units.current()
        units = services.units.list()
    finally:
        services.close()
    if args.json:
        print_json(
            [
                {
                    "code": u.code,
                    "name": u.name,
                    "current": current is not None and u.id == current.id,
                }
                for u in units
            ]
        )
    else:
        marks = [("*" if current and u.id == current.id else "", u.code, u.name) for u in units]
        print_table(["当前", "单位账号", "单位名称"], marks)
    return 0


def add_unit(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        unit = services.units.add(args.code, args.name)
    finally:
        services.close()
    if args.json:
        print_json({"code": unit.code, "name": unit.name})
    else:
        print(f"已添加单位：{unit.name}（{unit.code}）")
    return 0


def switch_unit(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        unit = services.units.switch(args.code)
    finally:
        services.close()
    if args.json:
        print_json({"code": unit.code, "name": unit.name})
    else:
        print(f"当前单位：{unit.name}（{unit.code}）")
    return 0
