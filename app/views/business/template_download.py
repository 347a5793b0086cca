"""The template download (身份证批量开户模版下载) that the single and the batch page both offer."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.errors import KnownError
from app.services import batch_import
from app.services.engine.spec import BusinessSpec
from app.services.policy import CentrePolicy
from app.views import file_dialogs


def save_template(
    parent: QWidget, spec: BusinessSpec, policy: CentrePolicy, title: str, path: str | None
) -> tuple[str, bool] | None:
    """Write the template to `path` (asked for when None): (what to tell the clerk, is it an
    error), or None when the clerk cancelled the dialog."""
    if path is None:
        path, _ = file_dialogs.get_save_file_name(
            parent, "保存模版", f"{title}.xlsx", "Excel 工作簿 (*.xlsx)", purpose="template"
        )
        if not path:
            return None
    try:
        saved = batch_import.write_template_file(path, spec, policy)
    except KnownError as error:
        return error.message, True
    return f"模版已保存：{saved}", False
