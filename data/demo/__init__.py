"""The synthetic demo province 示范省: courts, judges and case records that build themselves.

Everything here is invented: the province, its cities, courts and judges do not exist. The
cases are drawn at random (numpy, one seed) with the shapes a trial-management office looks
for: year-on-year growth, a Spring Festival dip in filings, a December closing rush, courts
and judges that differ in speed, mediation, 发改率 and 终本, a court that gets worse and one
that gets better, and a couple of judges with many old pending cases. Spec v2 adds a judges
list (a president, vice-presidents and a full-time committee member per court, a head and a
deputy per division, trial teams), summary cases that outgrow their limit and turn ordinary
(简转普, more in some courts), 四类案件 with most reviewed (fewer in a weak court), 涉企 parties in
a quarter to a third of civil and enforcement cases, and a year-start backlog each court
clears at its own pace. Spec v3 adds letters and visits (about one per 40 cases, most about a
case — more about judged, appealed and long ones, in some courts and under some judges — repeat
petitioners, 越级, hearings, some pending over 60 days) and more petitions and retrials, some of
them remanded; both are drawn from streams of their own, so the cases drawn before stay as they were.

The parts, one job each: `settings` (the numbers that shape the province), `days` (working
days, filing days), `province` (courts, divisions, judges, names), `process` (case lives:
first-instance roots → appeals → remands → petitions and retrials; judgments → enforcement →
resumed enforcement, objections and reviews), `visits` (the letters and visits over the drawn
cases) and `assembly` (case numbers and origin links worked out in numpy, then the database
written by `store`, as an import writes it, the visits with the facts).
"""
from .assembly import case_number_parts, generate
from .settings import (CITIES, IDLE_VICE_PRESIDENTS, MORE_CONVERSIONS, SURNAMES, TRIBUNALS, WEAK_REVIEW)

__all__ = ["CITIES", "IDLE_VICE_PRESIDENTS", "MORE_CONVERSIONS", "SURNAMES", "TRIBUNALS", "WEAK_REVIEW",
           "case_number_parts", "generate"]
