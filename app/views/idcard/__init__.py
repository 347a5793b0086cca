"""从身份证读取 in the forms: the action, the compare dialog, the marks (issue 16)."""
