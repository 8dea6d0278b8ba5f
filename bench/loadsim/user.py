"""A simulated user: signs in through the sign-in page's demo button, then repeats a mix of
actions — open a page, change the court, change the period, drill down — with a think time
between them, timing each from the BackMsg sent until its run's script_finished. A dropped
connection is counted and reopened with the same cookie, as a reloading browser would."""
from __future__ import annotations

import asyncio
import random
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from loadsim.actioncpu import ActionCpu
from loadsim.connection import Connection, Dropped, TimedOut
from loadsim.page import Page, state

CYCLE = ("page", "court", "period", "drill")
DRILL_PAGE = "compare"  # the drill-down: 对比分析's 本范围明细案件, opened
DRILL_KEY = "cases_open"


@dataclass(frozen=True)
class Mix:
    pages: tuple[str, ...] = ("", "compare", "trends", "assessment", "business")  # url paths; "" the landing page
    periods: int = 8                  # a period is chosen among the latest this many
    think: tuple[float, float] = (2.0, 5.0)
    timeout: float = 60.0             # an action without script_finished by then is an error

    def describe(self) -> str:
        pages = ", ".join(p or "landing" for p in self.pages)
        return (f"each user repeats: open a page ({pages}), change the court, change the period (latest "
                f"{self.periods}), drill down (compare → 本范围明细案件); think {self.think[0]:g}–{self.think[1]:g} s "
                f"between actions (closed loop: a user waits for the page before thinking)")


@dataclass
class Record:
    """What every user of one level saw."""
    latencies: dict[str, list[float]] = field(default_factory=dict)
    pages: dict[str, list[float]] = field(default_factory=dict)   # the "page" action's latencies by page opened
    errors: Counter = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)   # the first few error messages
    landing: Counter = field(default_factory=Counter)   # the page drawn right after sign-in
    signed_in: int = 0
    resumed: Counter = field(default_factory=Counter)   # after a reconnect: signed_in / signed_out
    skipped: Counter = field(default_factory=Counter)   # actions the page did not offer
    received: int = 0
    elements: dict[str, list[int]] = field(default_factory=dict)  # elements each run drew, by page path
    users: list[dict] = field(default_factory=list)     # each user's own figures, when it ends
    action_cpu: ActionCpu | None = None  # server CPU per action (a level of one user)

    def time(self, action: str, seconds: float) -> None:
        self.latencies.setdefault(action, []).append(seconds)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.samples) < 10:
            self.samples.append(f"{kind}: {detail}")


class SignInFailed(Exception):
    pass


class User:
    def __init__(self, username: str, base_url: str, mix: Mix, rng: random.Random, record: Record, first: int = 0,
                 number: int = 0):
        self.username, self.base, self.mix, self.rng, self.record = username, base_url, mix, rng, record
        self.number = number  # which of the level's users
        self.first = first  # where in the cycle this user begins (users do not all start with the same action)
        self.cookie: str | None = None
        self.conn: Connection | None = None
        self.page = Page()
        # this user's own share of the record: which users a dropped server's loss touched
        self.errors: Counter = Counter()
        self.resumed: Counter = Counter()
        self.done = 0                    # actions timed
        self.since_reconnect = 0         # actions timed after the last reconnect, the reconnect not counted
        self.last_done: float | None = None  # when the last of them finished (epoch seconds)

    async def live(self, until: float, steps: int | None = None) -> None:
        """Sign in, then act and think until the time `until` (time.monotonic), or `steps` actions."""
        try:
            await self._sign_in()
            step = 0
            while time.monotonic() < until and (steps is None or step < steps):
                await asyncio.sleep(self.rng.uniform(*self.mix.think))
                if time.monotonic() >= until:
                    break
                await self._act(CYCLE[(self.first + step) % len(CYCLE)], until)
                step += 1
        except SignInFailed as e:
            self._error("sign_in", str(e))
        except Exception as e:  # noqa: BLE001 — a message this client does not understand ends this user only
            self._error("client", repr(e))
        finally:
            if self.conn is not None:
                await self.conn.close()
            self.record.received += self.conn.received if self.conn else 0
            self.record.users.append({"number": self.number, "user": self.username, "actions": self.done, "last_done": self.last_done,
                                      "errors": dict(self.errors), "resumed": dict(self.resumed),
                                      "since_reconnect": self.since_reconnect})

    async def open(self) -> bool:
        """Sign in and draw the landing page, the connection left open (idle sessions, a storm's
        users); False, with the error recorded, when that failed."""
        try:
            await self._sign_in()
            return True
        except SignInFailed as e:
            self._error("sign_in", str(e))
        except Exception as e:  # noqa: BLE001 — as in live(): this user only
            self._error("client", repr(e))
        await self.close()
        return False

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()
            self.record.received += self.conn.received
            self.conn = None

    def _error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        self.record.error(kind, detail)

    # --- sign-in ------------------------------------------------------------------------------

    async def _sign_in(self) -> None:
        self.conn = Connection(self.base)
        try:
            await self.conn.open(self.mix.timeout)
            await self._timed("sign_in_page", path="")
        except (Dropped, TimedOut) as e:
            raise SignInFailed(f"sign-in page: {e}") from e
        await self._press_demo_button()

    async def _press_demo_button(self) -> None:
        button = self.page.find(f"demo_{self.username}")
        if button is None:
            raise SignInFailed(f"no demo button for {self.username} on the sign-in page")
        states = self.page.states() + [state(button, True)]
        try:
            await self._timed("sign_in", states=states, page_hash=self.page.current_hash, path=self.page.current)
        except (Dropped, TimedOut) as e:
            raise SignInFailed(str(e)) from e
        if not self.page.signed_in():
            raise SignInFailed(f"still on the sign-in page after pressing demo_{self.username}")
        self.record.signed_in += 1
        self.record.landing[self.page.current_name] += 1
        if self.page.ticket:
            self.cookie = await asyncio.to_thread(self._redeem, self.page.ticket)
        if not self.cookie:
            self._error("cookie", "no session cookie for the sign-in ticket")

    def _redeem(self, ticket: str) -> str | None:
        """What the page's script does after a sign-in: trade the ticket for the session cookie."""
        origin = self.conn.origin
        req = urllib.request.Request(f"{origin}/session/start?ticket={ticket}", method="POST",
                                     headers={"Origin": origin})
        try:
            with urllib.request.urlopen(req, timeout=self.mix.timeout) as r:
                jar = SimpleCookie()
                for header in r.headers.get_all("Set-Cookie") or []:
                    jar.load(header)
        except (OSError, urllib.error.HTTPError):
            return None
        return jar["spzx_session"].value if "spzx_session" in jar else None

    # --- actions ------------------------------------------------------------------------------

    async def _act(self, action: str, until: float) -> None:
        try:
            if action == "page":
                await self._open(self.rng.choice([p for p in self.mix.pages if p != self.page.current] or self.mix.pages))
            elif action in ("court", "period"):
                await self._choose(action)
            elif action == "drill":
                await self._drill()
        except (Dropped, TimedOut) as e:
            self._error("timeout" if isinstance(e, TimedOut) else "disconnect", f"{action}: {e}")
            await self._reconnect(until)

    async def _open(self, path: str) -> None:
        if path not in self.page.pages:
            self.record.skipped[f"page {path or 'landing'}"] += 1
            return
        # A click in the navigation: the page's hash, the sidebar's widgets, no query string.
        seconds = await self._timed("page", states=self.page.states(sidebar_only=True),
                                    page_hash=self.page.pages[path][0], path=path)
        if seconds is not None:
            self.record.pages.setdefault(path or "landing", []).append(seconds)
        self._check("page", self.page.current == path, f"asked for {path or 'landing'!r}, drew {self.page.current!r}")

    async def _choose(self, key: str) -> None:
        w = self.page.find(key)
        options = (w.options[: self.mix.periods] if key == "period" else w.options) if w else []
        others = [o for o in options if o != w.value]
        if w is None or w.disabled or not others:
            self.record.skipped[key] += 1
            return
        chosen = self.rng.choice(others)
        await self._rerun(key, [state(w, chosen)], replace=w.id)
        now = self.page.find(key)
        self._check(key, now is not None and now.value == chosen, f"chose {chosen!r}, drawn {now and now.value!r}")

    async def _drill(self) -> None:
        if self.page.current != DRILL_PAGE:
            await self._open(DRILL_PAGE)
        w = self.page.find(DRILL_KEY)
        if w is None:
            self.record.skipped["drill"] += 1
            return
        if w.value:  # open since the last drill: closed first, as a user would to open it again
            await self._rerun("drill_close", [state(w, False)], replace=w.id)
            w = self.page.find(DRILL_KEY)
            if w is None:
                self._error("not_applied", "drill: the case list's section went away when closed")
                return
        await self._rerun("drill", [state(w, True)], replace=w.id)
        now = self.page.find(DRILL_KEY)
        self._check("drill", now is not None and now.value is True, "the case list did not open")

    def _check(self, action: str, applied: bool, detail: str) -> None:
        """The page drawn shows what was asked for (else the action timed something else)."""
        if not applied:
            self._error("not_applied", f"{action}: {detail}")

    async def _rerun(self, action: str, changed: list, replace: str) -> None:
        """A widget changed on the current page: every widget's state, that one's new; a widget in a
        fragment reruns that fragment alone."""
        states = [s for s in self.page.states() if s.id != replace] + changed
        fragment = self.page.widgets[replace].fragment if replace in self.page.widgets else ""
        await self._timed(action, states=states, page_hash=self.page.current_hash,
                          query_string=self.page.query_string, path=self.page.current,
                          fragment=fragment, drawn=self.page)

    async def _timed(self, action: str, **run) -> float | None:
        """Run and time; the seconds, or None when the page drew an exception (an error, not a time)."""
        cpu = self.record.action_cpu
        start = cpu.begin() if cpu else None
        seconds, page = await self.conn.run(self.mix.timeout, **run)
        if cpu:
            cpu.end(start, action, (run.get("path") or "landing") if action == "page" else None, not page.exceptions)
        self.page = page
        if page.exceptions:
            for text in page.exceptions:
                self._error("exception", f"{action} on {page.current or 'landing'}: {text}")
            return None
        self.record.time(action, seconds)
        if not run.get("fragment"):  # a fragment's run draws its own elements only
            self.record.elements.setdefault(page.path_name, []).append(page.elements)
        self.done += 1
        self.since_reconnect = 0 if action == "reconnect" else self.since_reconnect + 1
        self.last_done = time.time()
        return seconds

    # --- reconnect ----------------------------------------------------------------------------

    async def _reconnect(self, until: float) -> None:
        """Reopen the websocket with the same cookie and session id (a replica that lost the
        session signs the user back in from the cookie), redraw the page, note whether the
        user came back signed in; sign in again if not."""
        old, last = self.conn, self.page
        await old.close()
        self.record.received += old.received
        while True:
            self.conn = Connection(self.base, cookie=self.cookie, session_id=old.session_id)
            try:
                await self.conn.open(self.mix.timeout)
                await self._timed("reconnect", states=last.states(), page_hash=last.current_hash,
                                  query_string=last.query_string, path=last.current)
                break
            except (Dropped, TimedOut) as e:
                await self.conn.close()
                if time.monotonic() >= until:
                    self._error("reconnect", f"gave up: {e}")
                    return
                await asyncio.sleep(1.0)
        outcome = "signed_in" if self.page.signed_in() else "signed_out"
        self.record.resumed[outcome] += 1
        self.resumed[outcome] += 1
        if outcome == "signed_in":
            return
        try:
            await self._press_demo_button()
        except SignInFailed as e:
            self._error("sign_in", f"after reconnect: {e}")
