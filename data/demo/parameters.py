"""Sizes, rates and vocabularies of the demo story: what a run simulates and how often.
"""
from __future__ import annotations

DEFAULT_LOANS = 20_000
DEFAULT_MONTHS = 36
DEFAULT_SEED = 7
#: loans are issued from this many months before the first reported month: the old stock's history
PRE_WINDOW_MONTHS = 48
#: the segment cutoff sits this many months before the end month (fewer for short histories)
CUTOFF_MONTHS_BEFORE_END = 24
#: concealment and the careless officers' misreporting happen in the latest months only
RECENT_MONTHS = 12
#: a Loss loan this many days past due is written off at the next quarter end (data.demo.lifecycle.write_off)
WRITE_OFF_DAYS = 720
#: monthly rows simulated before the loans behind them are written and dropped (bounds the generator's memory)
STREAM_ROWS = 200_000
DEMO_PASSWORD_ROUNDS = 10

#: (username, password, role, scope): scope None = the whole union, else a cooperative code
DEMO_USERS: list[tuple[str, str, str, str | None]] = [
    ("director", "director-demo", "director", None),
    ("supervisor", "supervisor-demo", "supervisor", None),
    ("officer", "officer-demo", "officer", None),
    ("auditor", "auditor-demo", "auditor", None),
    ("admin", "admin-demo", "admin", None),
    ("supervisor_c1", "supervisor_c1-demo", "supervisor", "C01"),
]
_USER_IDS = {name: i + 1 for i, (name, *_rest) in enumerate(DEMO_USERS)}
_USER_NAMES = {"director": "Demo Director (union)", "supervisor": "Demo Supervisor (credit department)",
               "auditor": "Demo Internal Auditor", "admin": "Demo Administrator",
               "supervisor_c1": "Demo Supervisor (C01)"}

# --- lending ------------------------------------------------------------------------------------------
_HOUSEHOLD_PURPOSES = (("planting", 30), ("livestock", 22), ("machinery", 12), ("small_business", 18),
                       ("housing", 10), ("education", 8))
_ENTERPRISE_PURPOSES = (("small_business", 45), ("machinery", 25), ("planting", 15), ("livestock", 15))
_GUARANTEES = (("credit", 40), ("guarantee", 35), ("mortgage", 18), ("pledge", 7))
_RATE_RANGE = {"credit": (600, 900), "guarantee": (550, 800), "mortgage": (480, 650), "pledge": (450, 600)}
_TERMS = (12, 12, 12, 24, 24, 36)
#: monthly hazard of default (by vintage) and of temporary arrears, before the risk multipliers
_DEFAULT_HAZARD_PRE_WINDOW = 0.0042
_DEFAULT_HAZARD_OLD = 0.0034
_DEFAULT_HAZARD_NEW = 0.0024
_TEMP_HAZARD = 0.012
_TEMP_LENGTHS = (1, 1, 1, 2, 2, 3)  # months in arrears before the cure; 3 keeps days past due <= 90
_PURPOSE_RISK = {"refinance": 3.5, "interest_payment": 4.5}

# --- loan states in the simulation ------------------------------------------------------------------------
_PERF, _TEMP, _DEF, _RESTR = 0, 1, 2, 3

_ASSET_DESCRIPTIONS = {
    "land_use_right": "Contracted land-use right, {n} mu of farmland",
    "building": "Residential building with courtyard, {n} m2",
    "machinery": "Agricultural machinery: {n} hp tractor with implements",
    "vehicle": "Light truck, {n} t payload",
    "livestock": "Herd of {n} head of cattle",
    "equity": "{n}% equity stake in a township enterprise",
    "other": "Stock of fertiliser and seed, {n} t",
}
_DISPOSAL_METHODS_BY_TYPE = {
    "land_use_right": ("leasing", "sale", "auction"),
    "building": ("auction", "sale", "leasing"),
    "machinery": ("auction", "sale"),
    "vehicle": ("auction", "sale"),
    "livestock": ("sale", "auction"),
    "equity": ("restructuring", "sale", "auction"),
    "other": ("sale", "auction"),
}
_HOUSEHOLD_ASSETS = ("land_use_right", "building", "machinery", "vehicle", "livestock", "other")
_ENTERPRISE_ASSETS = ("building", "machinery", "vehicle", "equity", "land_use_right", "other")
