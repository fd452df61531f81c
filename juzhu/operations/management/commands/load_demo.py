from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from juzhu.operations.demo import DEMO_PARTNERS, TOUR_APPLICANT, TOUR_APPLICANT_PHONE, load_demo
from juzhu.registry import clock
from juzhu.registry.demo import DEMO_USERS


class Command(BaseCommand):
    help = (
        "Load the Linhe demo data (stations, staff, ~200 people in every state, employers, cases, "
        "families). Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=200)

    def handle(self, *args: Any, **opts: Any) -> None:
        result = load_demo(clock.today(), persons=opts["persons"])
        if not result.pop("loaded"):
            self.stdout.write("demo data already loaded")
        else:
            self.stdout.write("demo data loaded: " + ", ".join(f"{k}={v}" for k, v in result.items()))
        self.stdout.write("demo accounts (demo only — change before any real use):")
        for username, role, password, token in [*DEMO_USERS, *DEMO_PARTNERS]:
            self.stdout.write(f"  {username:<11} {role:<13} password {password:<22} API token {token}")
        name, number = TOUR_APPLICANT
        self.stdout.write(f"online applicant for the tour (registered seven months ago): {name} {number}")
        self.stdout.write(
            f"  their mobile on record is {TOUR_APPLICANT_PHONE}: with DEBUG on, the portal's one-time codes "
            "are printed here by the console SMS backend"
        )
