from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from juzhu.policy.errors import PolicyError
from juzhu.policy.sharing import PURPOSES
from juzhu.sharing.services import credential_issue, credential_revoke


class Command(BaseCommand):
    help = (
        "Issue or revoke a department's sharing credential (LH-2-sharing), as an administrator. "
        f"Purposes: {', '.join(sorted(PURPOSES))}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as", dest="admin", required=True, help="the administrator's username (audited)"
        )
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue")
        issue.add_argument("--user", required=True, help="the department account (role: department)")
        issue.add_argument("--code", required=True)
        issue.add_argument("--name", required=True)
        issue.add_argument("--department", required=True)
        issue.add_argument("--purpose", action="append", required=True, dest="purposes")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("--code", required=True)
        revoke.add_argument("--reason", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            admin = User.objects.get(username=opts["admin"])
            if opts["action"] == "issue":
                c = credential_issue(
                    actor=admin,
                    user=User.objects.get(username=opts["user"]),
                    code=opts["code"],
                    name=opts["name"],
                    department=opts["department"],
                    purposes=opts["purposes"],
                )
                self.stdout.write(f"issued {c.code} for {opts['user']}: {', '.join(opts['purposes'])}")
            else:
                c = credential_revoke(actor=admin, code=opts["code"], reason=opts["reason"])
                self.stdout.write(f"revoked {c.code}")
        except User.DoesNotExist as e:
            raise CommandError(str(e)) from e
        except PolicyError as e:
            raise CommandError(f"[{e.rule}] {e.message()}") from e
