"""GET /client-version: the latest and the minimum client version the centre accepts."""

from __future__ import annotations

from fastapi import APIRouter

from fundserver.deps import StateDep
from fundserver.schemas import ClientVersions

router = APIRouter(tags=["centre"])


@router.get("/client-version", response_model=ClientVersions)
def client_version(state: StateDep) -> ClientVersions:
    """客户端版本：最新版本与允许上传的最低版本（无需登录）。低于最低版本的客户端不上传业务。"""
    return state.client_versions
