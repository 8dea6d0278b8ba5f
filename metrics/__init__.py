"""Trial-quality indicators: measures, catalogue, periods, engine, evaluation. No Streamlit here."""
from .catalogue import BY_ID, CATALOGUE, IDS, Indicator
from .engine import Scope, UnknownScope, check_scope, compute
from .periods import BadPeriod, Period

__all__ = ["BY_ID", "CATALOGUE", "IDS", "Indicator", "Scope", "UnknownScope", "check_scope", "compute",
           "BadPeriod", "Period"]
