"""fundserver — the reference implementation of a housing provident fund centre's API.

No public API of a fund centre exists, so gjj-desk defines one (see `docs/api/`) and ships this
server: for the client's demo mode, for end-to-end tests, and as the contract a real centre's
gateway would implement. `python -m fundserver --help` lists the commands.
"""

CENTRE_NAME = "开封市住房公积金管理中心"
API_PREFIX = "/api/v1"
