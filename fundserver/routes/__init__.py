"""The /api/v1 routers."""
