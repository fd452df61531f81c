"""Settings for the test suite and the linters: the deployment settings with test-only secrets.

A deployment reads its secrets from the environment (``config.settings``) and refuses to start
without them when DEBUG is off; the tests run with DEBUG off too (as production does), so they
name their own throw-away secrets here instead of relying on a development fallback.
"""

from __future__ import annotations

import os

os.environ.setdefault("JUZHU_SECRET_KEY", "test-only-juzhu-secret-key-never-deployed-0123456789")

from config.settings import *  # noqa: F403  (the test settings are the deployment settings plus secrets)

# One-time codes go to memory, where the tests read them (juzhu.notifications.backends.MemoryBackend).
JUZHU_SMS_BACKEND = "memory"
