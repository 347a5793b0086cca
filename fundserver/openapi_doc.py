"""The committed OpenAPI document (docs/api/openapi.json) is this text, byte for byte."""

from __future__ import annotations

import json

from fundserver.app import create_app

DOC_POLICY = {"format": 1, "centre_name": "开封市住房公积金管理中心"}


def openapi_text() -> str:
    app = create_app("sqlite://", policy=DOC_POLICY)
    try:
        return json.dumps(app.openapi(), ensure_ascii=False, indent=2) + "\n"
    finally:
        app.state.engine.dispose()
