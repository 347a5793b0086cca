"""Reading 身份证复印件 (ID card fronts) offline, checked by the ID number itself (issue 16).

Nothing here imports the OCR engine at import time: `engine.default_engine()` loads it on first
use, so the client starts as fast without it.
"""
