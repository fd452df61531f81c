"""Settings for the test suite and the linters: the deployment settings with test-only secrets.

A deployment reads its secrets from the environment (``config.settings``) and refuses to start
without them when DEBUG is off; the tests run with DEBUG off too (as production does), so they
name their own throw-away secrets here instead of relying on a development fallback.
"""

from __future__ import annotations

import os

os.environ.setdefault("JUZHU_SECRET_KEY", "test-only-juzhu-secret-key-never-deployed-0123456789")
# Two master keys, as after a rotation: "t2" seals, "t1" still opens what was sealed before.
os.environ.setdefault(
    "JUZHU_MASTER_KEYS",
    "t2:dGVzdC1vbmx5LW1hc3Rlci1rZXktdHdvLTMyYnl0ZXM=,t1:dGVzdC1vbmx5LW1hc3Rlci1rZXktb25lLTMyYnl0ZXM=",
)

from config.settings import *  # noqa: F403  (the test settings are the deployment settings plus secrets)

# One-time codes go to memory, where the tests read them (juzhu.notifications.backends.MemoryBackend).
JUZHU_SMS_BACKEND = "memory"
