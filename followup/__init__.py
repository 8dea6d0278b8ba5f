"""会商闭环: what a data meeting decides, tracked against the data until it is met.

A meeting (会商) names its scope and period and keeps the briefing issued for it; an action item
(整改事项) asks a unit (court, district, division or judge) to bring an indicator into its range,
or to a value on its better side, by a deadline, owned by a division; its status is worked out
from the data at every look (status.py); notes (批注) explain a month's figure. All of it lives in
the application state (security/state.py), not in the case database, so it survives imports and
rollbacks, and every change is an entry of the audit log. Who may do what: metrics/access.py.
"""
