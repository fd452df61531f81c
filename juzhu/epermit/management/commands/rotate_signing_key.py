from typing import Any

from django.core.management.base import BaseCommand

from juzhu.epermit.keys import signing_key_rotate


class Command(BaseCommand):
    help = "Make a new e-permit signing key; the old public key stays published so earlier QR codes verify."

    def handle(self, *args: Any, **opts: Any) -> None:
        key = signing_key_rotate()
        self.stdout.write(f"new signing key {key.kid}")
