#!/usr/bin/env python3
"""Screenshots of Patron's main pages on a phone (390x844) and on a desk (1280x800), from the
demo shop, for the user guide and for looking at a layout change before committing it.

    .venv/bin/python scripts/screenshots.py OUT               # English, a Thai demo shop
    .venv/bin/python scripts/screenshots.py OUT --language vi --country VN

It builds a throwaway demo shop (as `make run` does: migrate, `patron firstrun`) in a temporary
data directory, serves it with `patron serve` and `patron worker` on a free port, uploads one of
the sample files (samples/) so that an import run page exists, then visits the login page, every
main-menu entry an Admin sees (as the menu draws them, so entries added later are included), a
customer page, the customer form, the import run, account settings and workspace settings.

Writes OUT/phone/<page>.png (the whole page, cut at MAX_PHONE_HEIGHT) and OUT/desktop/<page>.png
(the window only), and prints each page whose document is wider than the window.
"""

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATRON = ROOT / ".venv" / "bin" / "patron"
CHROMIUM = "/usr/bin/chromium"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
MAX_PHONE_HEIGHT = 1800  # a long page is cut here: the guide shows its top, and the file stays small
SAMPLE = {"TH": "customers_th_cp874.csv", "VN": "customers_vn_cp1258.csv", "TR": "customers_tr_cp1254.csv"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def patron(args, env, **kwargs):
    return subprocess.run([str(PATRON), *args], env=env, check=True, cwd=ROOT, **kwargs)  # noqa: S603 (our own command)


# The records the named pages show: the customer with the most orders, the first organisation.
PICK = """
import json
from django.db.models import Count
from patron.customers.models import Customer
from patron.organisations.models import Organisation
customer = Customer.objects.annotate(n=Count("orders")).order_by("-n", "pk").first()
print(json.dumps({"customer": customer.pk, "organisation": Organisation.objects.order_by("pk").first().pk}))
"""


def build_demo(env, country, customers):
    """The demo shop, its admin and its possible duplicates in env's data directory: the admin's
    password, and the ids of the customer, organisation and pair the named pages show."""
    patron(["migrate", "--noinput", "-v", "0"], env)
    out = patron(
        ["firstrun", "--country", country, "--customers", str(customers), "--json"],
        env,
        capture_output=True,
        text=True,
    ).stdout
    password = json.loads(out.strip().splitlines()[-1])["admin_password"]
    pairs = json.loads(
        patron(["duplicates", "find", "--as", "admin", "--json"], env, capture_output=True, text=True).stdout
    )
    picked = patron(["shell", "-c", PICK], env, capture_output=True, text=True).stdout
    ids = json.loads(picked.strip().splitlines()[-1])
    ids["pair"] = pairs[0]["pair"] if pairs else None
    return password, ids


def wait_until_up(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"patron serve stopped (exit {process.returncode})")
        try:
            urllib.request.urlopen(url + "/login/", timeout=2)  # noqa: S310 (a local URL)
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"patron serve did not answer on {url} within {seconds} s")


def slug(path):
    """A page's file name from its path: /account/people/ -> account-people, / -> home."""
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def settle(page):
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")


def log_in(page, url, password):
    page.goto(url + "/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def upload_sample(page, url, country, start):
    """Uploads a sample customers file: the run page's path, imported (start) or in its preview."""
    page.goto(url + "/imports/")
    page.select_option("#id_kind", "customers")
    page.set_input_files("#id_file", str(ROOT / "samples" / SAMPLE.get(country, "customers_ph.xlsx")))
    page.fill("#id_source", "pos")
    page.click("#upload")
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    page.locator("#preview").wait_for(timeout=30_000)
    path = page.url.removeprefix(url)
    if start:
        page.click("#start-import")
        page.locator("#summary").wait_for(timeout=60_000)
    return path


def choose_language(page, url, language):
    """The language of the pages: the admin's own (the switch saves it on their profile)."""
    page.goto(url + "/account/")
    if page.locator(".menu-toggle").is_visible():
        page.click(".menu-toggle")
    with page.expect_navigation():
        page.select_option("#language-switch", language)


def pages_to_take(page, url, ids):
    """(name, path) of every page to take after the log-in: the main menu's entries as the page
    draws them, then the pages the menu does not name."""
    page.goto(url + "/")
    menu = page.eval_on_selector_all("header nav a", "links => links.map(a => a.getAttribute('href'))")
    customer, organisation = f"/customers/{ids['customer']}/", f"/organisations/{ids['organisation']}/"
    named = [
        ("customer", customer),
        ("customer-form", customer + "edit/"),
        ("customer-new", "/customers/new/"),
        ("record-sale", customer + "orders/new/"),
        ("log-interaction", customer + "interactions/new/"),
        ("organisation", organisation),
        ("import-preview", ids["import_preview"]),
        ("import-done", ids["import_done"]),
        ("account", "/account/"),
        ("workspace", "/workspace/"),
        ("value-checks", "/value/checks/"),
        ("duplicates-merges", "/duplicates/merges/"),
    ]
    if ids["pair"]:
        named.append(("duplicate-pair", f"/duplicates/{ids['pair']}/"))
    seen = set()
    taken = []
    for name, path in [(slug(path), path) for path in menu] + named:
        if path not in seen:
            seen.add(path)
            taken.append((name, path))
    return taken


def take(browser, url, password, ids, language, out):
    """Every page at both sizes into out; the pages wider than their window, as sentences."""
    wider = []
    for size_name, viewport in SIZES.items():
        folder = out / size_name
        folder.mkdir(parents=True, exist_ok=True)
        context = browser.new_context(locale="en-GB", viewport=viewport, device_scale_factor=1)
        page = context.new_page()
        page.goto(url + "/login/")
        if language != "en":
            with page.expect_navigation():
                page.select_option("#language-switch", language)
        settle(page)
        page.screenshot(path=folder / "login.png")
        log_in(page, url, password)
        for name, path in pages_to_take(page, url, ids):
            page.goto(url + path)
            settle(page)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                wider.append(f"{size_name} {path}: {overflow} px wider than the window")
            if size_name == "phone":
                height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_PHONE_HEIGHT)
                page.screenshot(
                    path=folder / f"{name}.png",
                    clip={"x": 0, "y": 0, "width": viewport["width"], "height": height},
                    full_page=True,
                )
            else:
                page.screenshot(path=folder / f"{name}.png")
            print(f"{size_name}/{name}.png  {path}")
        if size_name == "phone":
            page.goto(url + "/")
            settle(page)
            page.click(".menu-toggle")
            page.screenshot(path=folder / "menu-open.png")
            print(f"{size_name}/menu-open.png")
        context.close()
    return wider


def prepare(browser, url, password, ids, country, language):
    """The import runs the named pages show, and the admin's language."""
    context = browser.new_context(locale="en-GB", viewport=SIZES["desktop"])
    page = context.new_page()
    log_in(page, url, password)
    ids["import_done"] = upload_sample(page, url, country, start=True)
    ids["import_preview"] = upload_sample(page, url, country, start=False)
    choose_language(page, url, language)
    context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the folder to write phone/ and desktop/ into")
    parser.add_argument("--language", default="en", help="the pages' language: en, th, vi, tr or fil")
    parser.add_argument("--country", default="TH", help="the demo shop's country: TH, VN, TR or PH")
    parser.add_argument("--customers", type=int, default=2000, help="the demo shop's size (as make run)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="patron-screenshots-") as data:
        env = dict(os.environ, PATRON_DATA_DIR=data, DEBUG="", SECRET_KEY=secrets.token_urlsafe(40))
        env.pop("DATABASE_URL", None)
        env["PATRON_COUNTRY"] = args.country
        password, ids = build_demo(env, args.country, args.customers)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 (our own command)
            [str(PATRON), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        worker = subprocess.Popen(  # noqa: S603 (our own command)
            [str(PATRON), "worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_until_up(url, server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
                )
                prepare(browser, url, password, ids, args.country, args.language)
                wider = take(browser, url, password, ids, args.language, args.out)
                browser.close()
        finally:
            for process in (server, worker):
                process.terminate()
                process.wait(timeout=30)
    for line in wider:
        print("wider than the window:", line)
    return 1 if wider else 0


if __name__ == "__main__":
    sys.exit(main())
