"""Foreclosed assets: taken over, appraised, held past their legal limit or disposed of.
"""
from __future__ import annotations

import datetime as dt

from data.demo.months import _days
from data.demo.parameters import _ASSET_DESCRIPTIONS, _DISPOSAL_METHODS_BY_TYPE, _ENTERPRISE_ASSETS, _HOUSEHOLD_ASSETS
from data.demo.records import _Asset, _Run, _yuan
from domain import assets as asset_rules
from domain.methods import ASSET_DISPOSAL


class Foreclosure:
    """Foreclosed assets: taken in payment, held, disposed of. A part of data.demo.generator._Generator."""

    def plan_asset(self, x: _Run, s: int, assigned_on: dt.date) -> None:
        """Take an asset in payment (old stock: before the cutoff) and plan its disposal, if any."""
        rng, loan = self.rng, x.loan
        defaulted_on = self.mend[s] - _days(x.dpd)
        if s == self.C and rng.random() < 0.6:
            lo, hi = max(defaulted_on + _days(60), self.cutoff - _days(1000)), self.cutoff - _days(10)
            acquired = (lo + _days(rng.randint(0, (hi - lo).days)) if lo <= hi else
                        assigned_on + _days(rng.randint(20, 150)))
        else:
            acquired = assigned_on + _days(rng.randint(20, 400 if s == self.C else 150))
        if acquired > self.end_date - _days(20):
            return
        forced = bool(self._asset_roles)
        role = self._asset_roles.pop(0) if forced else \
            rng.choices(("disposed", "in_disposal", "pending"), weights=(5, 2, 3))[0]
        pool = list(_ENTERPRISE_ASSETS if loan.borrower.kind == "enterprise" else _HOUSEHOLD_ASSETS)
        if role in ("pending_overdue", "pending_recent"):  # pending past / within the legal disposal limit
            fitting = [t for t in asset_rules.ASSET_TYPES
                       if self.past_disposal_limit(acquired, t) == (role == "pending_overdue")]
            if fitting:
                pool = fitting
            else:
                self._asset_roles.insert(0, role)  # this loan cannot show it; a later asset will
            role = "pending"
        unseen = [t for t in self._asset_types if t in pool]
        asset_type = unseen[0] if unseen else rng.choice(pool)
        if asset_type in self._asset_types:
            self._asset_types.remove(asset_type)
        disposal = None
        if role == "disposed":
            start = max(acquired, self.cutoff)
            room = (self.end_date - _days(5) - start).days
            if forced and room >= 30:
                disposal = start + _days(rng.randint(30, min(600, room)))
            else:
                disposal = start + _days(rng.randint(60, 600))
            if disposal > self.end_date - _days(5):
                if forced:
                    self._asset_roles.insert(0, role)
                disposal, role = None, "in_disposal"
        book = max(100_000, int(x.bal * rng.uniform(0.3, 0.9)))
        appraised = acquired + _days(rng.randint(0, 400)) if rng.random() < 0.85 else None
        if appraised is not None and appraised > self.end_date:
            appraised = self.end_date
        n = {"land_use_right": rng.randint(3, 40), "building": rng.randint(80, 400), "machinery": rng.randint(30, 180),
             "vehicle": rng.randint(2, 10), "livestock": rng.randint(8, 60), "equity": rng.randint(5, 40),
             "other": rng.randint(5, 60)}[asset_type]
        on_bs = len(self.assets) % 2 == 0 if len(self.assets) < 2 else rng.random() < 0.75
        asset = _Asset(len(self.assets) + 1, loan, asset_type, _ASSET_DESCRIPTIONS[asset_type].format(n=n), on_bs,
                       acquired, book, int(book * rng.uniform(0.6, 1.3)) if appraised else None, appraised,
                       "in_disposal" if role == "in_disposal" else "pending", disposal)
        if role == "in_disposal" and asset_type in ("land_use_right", "building") and rng.random() < 0.5:
            asset.lease_income = int(book * rng.uniform(0.02, 0.08))  # leased out while a buyer is sought
        self.assets.append(asset)
        x.asset = asset
        if disposal is not None:
            x.events.append((disposal, 3, "dispose", None))

    def past_disposal_limit(self, acquired: dt.date, asset_type: str) -> bool:
        """Still undisposed at the end month, an asset acquired then would be past its legal time limit."""
        years = asset_rules.limit_years(asset_type)
        return asset_rules.disposal_deadline(acquired, years) < self.end_date

    def dispose_asset(self, x: _Run, on: dt.date) -> tuple:
        rng, asset = self.rng, x.asset
        method = rng.choice(_DISPOSAL_METHODS_BY_TYPE[asset.asset_type])
        if method == "leasing":
            proceeds = int(asset.book_value * rng.uniform(0.3, 0.7))
            asset.lease_income = int(asset.book_value * rng.uniform(0.05, 0.15))
        else:
            proceeds = int(asset.book_value * rng.uniform(0.6, 1.5))
        cost = int(proceeds * rng.uniform(0.01, 0.05))
        asset.status, asset.disposal_method, asset.proceeds = asset_rules.DISPOSED, method, proceeds
        asset.disposal_cost = cost
        # the same booking as the disposal form (data/asset_commands.py): net proceeds capped at the balance, the
        # cost kept on the asset and not on the action, so the methods page does not deduct it twice
        amount = asset_rules.disposal_recovery(proceeds, cost, x.bal)
        return (ASSET_DISPOSAL, amount, 0, "paid_full" if amount >= x.bal else "paid_partial", None,
                f"{asset.description} disposed by {method}; proceeds {_yuan(proceeds)}")
