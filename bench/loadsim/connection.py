"""One browser tab's websocket to Streamlit (/_stcore/stream), without the browser: send a
rerun as the frontend would (BackMsg rerun_script with the widget states), read the
ForwardMsgs until that run's script_finished."""
from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.protocol import State
from websockets.typing import Subprotocol

from loadsim.page import Page

EARLY_FOR_RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN  # st.rerun or a page switch: another run follows
FRAGMENT_DONE = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
COMPILE_ERROR = ForwardMsg.FINISHED_WITH_COMPILE_ERROR


class Dropped(Exception):
    """The connection closed (or could not open)."""


class TimedOut(Exception):
    """No script_finished within the action's time limit."""


class Connection:
    def __init__(self, base_url: str, cookie: str | None = None, session_id: str | None = None):
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.base = base_url.rstrip("/") + "/"
        self.stream = ("wss" if parts.scheme == "https" else "ws") + self.base[len(parts.scheme):] + "_stcore/stream"
        self.cookie = cookie
        self.session_id = session_id   # the server's id for this session: a reconnect asks for it back
        self.received = 0              # bytes
        self._ws = None

    async def open(self, timeout: float) -> None:
        # The frontend's subprotocol list: "streamlit", its XSRF token, the session to resume.
        protocols = ["streamlit"] + (["-", self.session_id] if self.session_id else [])
        headers = {"Cookie": f"spzx_session={self.cookie}"} if self.cookie else {}
        try:
            self._ws = await connect(self.stream, subprotocols=[Subprotocol(p) for p in protocols],
                                     additional_headers=headers, origin=self.origin, max_size=None,
                                     open_timeout=timeout, ping_interval=20, ping_timeout=60)
        except (OSError, InvalidHandshake, asyncio.TimeoutError) as e:
            raise Dropped(f"connect: {e!r}") from e

    def is_open(self) -> bool:
        return self._ws is not None and self._ws.state is State.OPEN

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    async def run(self, timeout: float, states=(), page_hash: str = "", query_string: str = "",
                  path: str = "", fragment: str = "", drawn: Page | None = None) -> tuple[float, Page]:
        """Ask for a rerun; returns the seconds from sending it until the last run it caused
        finished (a st.rerun or switch_page continues it), and what that run drew. `fragment`: the
        fragment to rerun alone (as the frontend asks when a widget in it changes), over the page
        `drawn` before."""
        msg = BackMsg()
        cs = msg.rerun_script
        cs.fragment_id = fragment
        cs.query_string = query_string
        cs.widget_states.widgets.extend(states)
        cs.page_script_hash = page_hash
        info = cs.context_info
        info.timezone, info.timezone_offset, info.locale = "Asia/Shanghai", -480, "zh-CN"
        info.url, info.is_embedded, info.color_scheme = self.base + path, False, "light"
        t0 = time.perf_counter()
        try:
            await self._ws.send(msg.SerializeToString())
            page = await asyncio.wait_for(self._until_finished(drawn.continued() if fragment and drawn else None),
                                          timeout)
        except ConnectionClosed as e:
            raise Dropped(f"closed: {e!r}") from e
        except asyncio.TimeoutError as e:
            raise TimedOut(f"no script_finished within {timeout:.0f} s") from e
        return time.perf_counter() - t0, page

    async def _until_finished(self, continued: Page | None = None) -> Page:
        page = continued or Page()
        while True:
            data = await self._ws.recv()
            self.received += len(data)
            fm = ForwardMsg()
            fm.ParseFromString(data)
            kind = fm.WhichOneof("type")
            if kind == "new_session":  # each run begins with one
                self.session_id = fm.new_session.initialize.session_id or self.session_id
                if continued is None:
                    page = Page(query_string=page.query_string)
            elif kind == "script_finished":
                if fm.script_finished == EARLY_FOR_RERUN:
                    continue
                if fm.script_finished == FRAGMENT_DONE and continued is None:
                    continue  # a fragment that ran by itself (run_every), not the run asked for
                if fm.script_finished == COMPILE_ERROR:
                    page.exceptions.append("script compile error")
                return page
            else:
                page.add(fm)
