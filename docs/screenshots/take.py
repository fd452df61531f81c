"""Screenshots of the main pages, from a fresh demo database: ``make screenshots``.

Starts Juzhu on a throw-away SQLite database with the demo data, drives Debian's Chromium
through Playwright as each role, and writes PNGs next to this file (shown in README.md).
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.request import urlopen

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PY = sys.executable
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
PASSWORDS = {
    "clerk": "juzhu-clerk-demo",
    "supervisor": "juzhu-supervisor-demo",
    "hetao-hr": "juzhu-employer-demo",
    "edu-bureau": "juzhu-education-demo",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="juzhu-shots-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'demo.sqlite3'}",
        "JUZHU_UPLOAD_ROOT": str(tmp / "uploads"),
        "JUZHU_DEBUG": "0",
        # A throw-away deployment: its own secrets, gone with the temporary folder.
        "JUZHU_SECRET_KEY": secrets.token_urlsafe(40),
        "JUZHU_MASTER_KEYS": "shots:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        # One-time codes are printed by the console SMS backend; the script reads them from the log.
        "JUZHU_SMS_BACKEND": "console",
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "load_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    log = tmp / "server.log"
    server = subprocess.Popen(
        [PY, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urlopen(base + "/api/v1/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        shoot(base, log)
    finally:
        server.terminate()
        server.wait(10)


def last_code(log: Path) -> str:
    """The code the console SMS backend printed last (what the person reads on the phone)."""
    for _ in range(50):
        found = re.findall(r"验证码(\d{6})", log.read_text(encoding="utf-8", errors="replace"))
        if found:
            return str(found[-1])
        time.sleep(0.1)
    raise RuntimeError("no one-time code in the server's output")


def shoot(base: str, log: Path) -> None:
    from playwright.sync_api import sync_playwright

    from juzhu.registry.models import Application, Permit

    online = Application.objects.filter(channel="online").order_by("-id").first()
    case = online or Application.objects.filter(status="received").order_by("id").first()
    holder, other = Permit.objects.filter(status="valid").order_by("id")[:2]
    assert case is not None

    def give_code(page: Any) -> None:
        page.wait_for_url("**/code/")
        page.get_by_label("验证码（6位数字）").fill(last_code(log))
        page.get_by_test_id("code-submit").click()
        page.wait_for_load_state()

    def progress(page: Any) -> None:
        page.goto(base + "/progress/")
        page.get_by_label("申请编号").fill(case.number)
        page.get_by_label("公民身份号码").fill(case.person.identity_number)
        page.get_by_role("button", name="获取验证码").click()
        give_code(page)

    def code_screen(page: Any, card: Permit = other) -> None:
        page.goto(base + "/permit/")
        page.get_by_label("居住证编号").fill(card.number)
        page.get_by_label("公民身份号码").fill(card.person.identity_number)
        page.get_by_role("button", name="获取验证码").click()
        page.wait_for_url("**/code/")

    def my_permit(page: Any) -> None:
        code_screen(page, holder)
        give_code(page)

    shots: list[tuple[str, str | None, str | Callable[[Any], None], dict[str, int]]] = [
        ("portal-home", None, "/", DESKTOP),
        ("portal-guide", None, "/guide/", DESKTOP),
        ("portal-guide-phone", None, "/guide/", PHONE),
        ("portal-progress", None, progress, DESKTOP),
        ("portal-code", None, code_screen, PHONE),
        ("holder-permit", None, my_permit, PHONE),
        ("hall-queue", "clerk", "/hall/", DESKTOP),
        ("hall-case", "clerk", f"/hall/applications/{case.pk}/", DESKTOP),
        ("hall-person", "clerk", f"/hall/persons/{holder.person_id}/", DESKTOP),
        ("dashboard", "supervisor", "/dashboard/", DESKTOP),
        ("employer", "hetao-hr", "/employer/", DESKTOP),
        ("department", "edu-bureau", "/department/", DESKTOP),
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("JUZHU_CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        for name, user, target, viewport in shots:
            context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=base)
            page = context.new_page()
            if user:
                page.goto("/login/")
                page.get_by_label("用户名").fill(user)
                page.get_by_label("密码").fill(PASSWORDS[user])
                page.get_by_role("button", name="登录").click()
                page.wait_for_load_state()
            if callable(target):
                target(page)
            else:
                page.goto(target)
            page.screenshot(path=str(HERE / f"{name}.png"), full_page=False)
            print(f"docs/screenshots/{name}.png")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
