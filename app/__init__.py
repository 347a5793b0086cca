"""单位网厅客户端 — the clerk's desktop client for the housing provident fund centre."""

__version__ = "0.1.0"
