"""``python -m juzhu.vault <kid>``: print a new master key entry for JUZHU_MASTER_KEYS or its key file.

A module, not a management command: a deployment without keys refuses to start Django at all.
Put the new entry first to make it the active key; keep the old entries while data sealed under
them remains (``manage.py keys_rotate`` re-encrypts what can be re-encrypted).
"""

from __future__ import annotations

import sys

from juzhu.vault.keys import master_key_new

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m juzhu.vault <kid>   (e.g. 2027a: letters, digits, hyphens; at most 16)")
    try:
        print(master_key_new(sys.argv[1]))
    except ValueError as exc:
        sys.exit(str(exc))
