"""A real Streamlit server on a small generated demo database, driven by headless Chromium."""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from contextlib import contextmanager

import pytest

from deploy.local import free_port, wait_healthy

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = os.path.join(ROOT, "tests", "artifacts")
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("browser") / "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", "30000", "--quiet"],
                   cwd=ROOT, check=True)
    return db


LOCAL_PASSWORD = "correct horse battery"


def _users_file(folder: str) -> str:
    """The shipped users plus one local account with a hashed password, for the sign-in tests."""
    from security.users import DEFAULT_USERS, hash_password

    path = os.path.join(folder, "users.toml")
    with open(DEFAULT_USERS, encoding="utf-8") as f:
        text = f.read()
    text += (f'\n[users.clerk]\nname = "书记员"\nrole = "head"\ncourt = "示0101"\ndivision = "民一庭"\n'
             f'password_hash = "{hash_password(LOCAL_PASSWORD)}"\n'
             f'\n[users.office]\nname = "审管办"\nrole = "admin"\npassword_hash = "{hash_password(LOCAL_PASSWORD)}"\n')
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


@contextmanager
def replicas_sharing_postgres(count: int, demo_db: str, postgres, run, extra_users: str = ""):
    """`count` servers and nginx (deploy/replicas.py), their state in a new PostgreSQL database
    signed in with the servers' role; yields (replicas, state URL). The test process shares their
    settings, so audit.verify() and friends read the same state."""
    from deploy.postgres import new_database
    from deploy.replicas import Replicas

    state_url = new_database(postgres, f"replicas_{secrets.token_hex(4)}", app=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SPZX_DB", demo_db)
        mp.setenv("SPZX_STATE", str(run / "state.sqlite"))  # the server key lives beside it
        mp.setenv("SPZX_STATE_URL", state_url)
        mp.setenv("SPZX_USERS", _users_file(str(run)))
        with open(os.environ["SPZX_USERS"], "a", encoding="utf-8") as f:
            f.write(extra_users)
        mp.delenv("SPZX_SECRET", raising=False)
        replicas = Replicas(count, str(run / "run"), dict(os.environ)).start()
        try:
            yield replicas, state_url
        finally:
            replicas.stop()


def start_server(db: str, log_name: str = "streamlit.log", address: str = "127.0.0.1", users: str | None = None):
    """A Streamlit server on `db` listening on `address` (with the users file `users`, else the
    shipped users and two local accounts); returns (url, process)."""
    port = free_port()
    profiles = os.path.join(os.path.dirname(db), "profiles")  # saved profiles stay out of the repository
    if not os.path.isdir(profiles):
        shutil.copytree(os.path.join(ROOT, "config", "profiles"), profiles)
    evaluation = os.path.join(os.path.dirname(db), "evaluation.toml")  # the settings page writes it
    if not os.path.exists(evaluation):
        shutil.copy(os.path.join(ROOT, "config", "evaluation.toml"), evaluation)
    env = dict(os.environ, SPZX_DB=db, SPZX_STATE=os.path.join(os.path.dirname(db), "state.sqlite"),
               SPZX_USERS=users or _users_file(os.path.dirname(db)), SPZX_PROFILES=profiles, SPZX_EVALUATION_CONFIG=evaluation)
    env.pop("SPZX_STATE_URL", None)  # its own state file, whatever this shell's state is
    os.makedirs(ARTIFACTS, exist_ok=True)
    log = open(os.path.join(ARTIFACTS, log_name), "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless=true",
         f"--server.port={port}", f"--server.address={address}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    if wait_healthy(url, proc, 120):
        return url, proc
    proc.kill()
    pytest.fail("streamlit server did not start")


def stop_server(proc) -> None:
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
def no_visits_server(demo_db, tmp_path_factory):
    """A server on a copy of the demo without its letters-and-visits list (a court that has imported
    none): the visits and their facts emptied as a database before spec v3 would have them."""
    import duckdb

    from metrics.facts import write_visit_facts

    db = str(tmp_path_factory.mktemp("no_visits") / "demo.duckdb")
    shutil.copy(demo_db, db)
    with duckdb.connect(db) as con:
        con.execute("DELETE FROM visits")
        write_visit_facts(con)
    url, proc = start_server(db, log_name="streamlit_no_visits.log")
    yield url
    stop_server(proc)


@pytest.fixture(scope="session")
def server(demo_db):
    url, proc = start_server(demo_db)
    yield url
    stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"chromium not found at {CHROMIUM}: ./test.sh installs it (apt-get install chromium)")
    os.makedirs(ARTIFACTS, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    addresses: list[str] = []  # every address the page went through, for a failing Back or Forward to show
    pg.on("framenavigated", lambda frame: addresses.append(frame.url) if frame == pg.main_frame else None)
    pg.addresses = addresses
    yield pg
    ctx.close()


def wait_ready(page, timeout: float = 30000) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    page.wait_for_timeout(1000)  # a bound widget may trigger one more run right after the first
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


def shot(page, name: str) -> str:
    path = os.path.join(ARTIFACTS, f"{name}.png")
    page.screenshot(path=path, full_page=True)
    return path


DEMO_LABELS = {"demo_admin": "演示：审管办管理员", "demo_leader": "演示：明湖市中院院领导", "demo_line": "演示：明湖市中院民一庭庭长",
               "demo_head": "演示：湖滨区法院民一庭庭长", "demo_judge": "演示：法官于航怡"}


def open_as(page, url: str, user: str = "demo_admin", timeout: float = 60000) -> None:
    """Open a link as a new visitor would: the sign-in page first, then the linked view."""
    page.goto(url)
    wait_ready(page, timeout)
    page.get_by_role("button", name=DEMO_LABELS[user]).click()
    # signed in: the navigation is there (hidden on the big screen)
    page.wait_for_selector("[data-testid='stSidebarNav']", state="attached", timeout=timeout)
    wait_ready(page, timeout)
