"""The server: the dashboard (app.py) plus the two routes that set and clear the session cookie
(security/sessions.py), and a user's calendar of time limits by its secret URL (delivery/calendar.py).
`streamlit run serve.py` starts it; run.sh does. The routes live at the server's root (/session/…,
/calendar/…), also when the dashboard has a base URL path: a reverse proxy
forwards them too."""
from __future__ import annotations

import datetime as dt

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import streamlit as st
from streamlit import config, net_util
from data.store import remove_leftovers
from delivery import calendar
from security import origins, sessions
from ui.database import db_path


def _same_origin(request: Request) -> bool:
    """A page of another origin may not post here (the cookie is SameSite=Strict as well, but
    SameSite ignores ports). security/origins.py decides, as for the websocket."""
    return origins.judge(request.scope).allowed


def _https(request: Request) -> bool:
    return origins.judge(request.scope).https


# Plain functions, not coroutines: Starlette runs them in a thread, so the SQLite work never
# holds up the event loop that carries every page's websocket.
def start(request: Request) -> Response:
    value = sessions.redeem_ticket(request.query_params.get("ticket", "")) if _same_origin(request) else None
    if value is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    response.set_cookie(sessions.COOKIE, value, max_age=sessions.lifetime_seconds(), path="/", httponly=True,
                        samesite="strict", secure=_https(request))
    return response


def end(request: Request) -> Response:
    if not _same_origin(request):
        return Response(status_code=403)
    found = sessions.read(request.cookies.get(sessions.COOKIE))
    if found:
        sessions.revoke(found[1])
    response = Response(status_code=204)
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


def calendar_feed(request: Request) -> Response:
    """GET /calendar/<token>.ics: the token is the only credential (a calendar program sends no
    cookie); never cached, by the browser or a proxy in between."""
    status, body = calendar.feed(request.path_params["token"], db_path(), dt.date.today(),
                                 request.query_params.get("lang", "zh"))
    kind = "text/calendar; charset=utf-8" if status == 200 else "text/plain; charset=utf-8"
    return Response(body.encode("utf-8"), status_code=status, headers={"Cache-Control": "no-store"}, media_type=kind)


# Courts run on closed intranets: the server never asks a public service for its external address.
# Streamlit asks when checking a request's origin it does not know (and, at start, to print the
# URLs: .streamlit/config.toml hides that message, which is printed before this file is loaded).
net_util.get_external_ip = lambda: None

def _stop_polling() -> None:
    """Streamlit polls its config files every 0.2 s, and the secrets files once they are read, on
    threads that take the interpreter from every session's run, whatever server.fileWatcherType says.
    Settings and secrets are read when the server starts: after editing them, restart it."""
    import gc

    from streamlit.watcher import path_watcher
    from streamlit.watcher.polling_path_watcher import PollingPathWatcher

    path_watcher.watch_file = path_watcher.watch_dir = lambda *args, **kwargs: False
    for found in gc.get_objects():
        if isinstance(found, PollingPathWatcher):
            found.close()


_stop_polling()
remove_leftovers(db_path())  # an import killed with an earlier server leaves its unfinished file

# Streamlit checks the websocket's origin after ours and knows nothing of the proxy's public origin.
public = sorted(origins.public_origins())
if public:
    config.set_option("server.corsAllowedOrigins",
                      sorted(set(config.get_option("server.corsAllowedOrigins")) | set(public)), "SPZX_PUBLIC_ORIGIN")

app = st.App("app.py", middleware=[Middleware(origins.OriginCheck)], routes=[Route("/session/start", start, methods=["POST"]),
                               Route("/session/end", end, methods=["POST"]),
                               Route("/calendar/{token}.ics", calendar_feed, methods=["GET"])])
