"""What is known once every loan is simulated: demo users, reviews of officers and four-eyes
decisions, legal cases and assets as of the end month.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict

from data.demo.months import _add_months, _days
from data.demo.parameters import DEMO_PASSWORD_ROUNDS, DEMO_USERS, _USER_IDS, _USER_NAMES
from data.demo.records import _Assignment, _Officer, _yuan
from data.models import (AppUser, Base, Decision, DecisionAssignment, ForeclosedAsset, LegalCase, Review,
    ReviewAssignment)
from data.passwords import hash_password
from domain import assets as asset_rules, decisions as dec
from domain.assignments import MISSED, OPEN, PARTIAL, RECOVERED


@functools.cache
def _demo_password_hash(password: str) -> str:
    """bcrypt is slow by design; one hash per demo password and process is enough (tests generate often)."""
    return hash_password(password, rounds=DEMO_PASSWORD_ROUNDS)


class Governance:
    """Demo users, officer reviews and four-eyes decisions, written once every loan is simulated. A part of data.demo.generator._Generator."""

    def pick_demo_officer(self) -> None:
        """The 'officer' login: an officer of C01 holding overdue assignments (the one prepared, if it does)."""
        held: dict[int, list[_Assignment]] = defaultdict(list)
        for a in self.assignments:
            held[a.officer.id].append(a)

        def key(o: _Officer) -> tuple:
            overdue = sum(a.outcome == OPEN and a.deadline < self.end_date for a in held[o.id])
            return overdue > 0, o is self.demo_officer, not o.conceals, len(held[o.id]), -o.id

        self.demo_officer = max(self.coop_officers[1], key=key)

    def stamp(self, day: dt.date) -> dt.datetime:
        """A working-hours timestamp on a day, never after the end of the end month."""
        day = min(day, self.end_date)
        return dt.datetime.combine(day, dt.time(8 + self.rng.randint(0, 9), self.rng.randint(0, 59)))

    def reviews(self, supervisor_id: int, supervisor_c1_id: int) -> tuple[list[dict], list[dict]]:
        """Quarterly written evaluations of officers after the cutoff, linked to the assignments reviewed."""
        rng, rows, links = self.rng, [], []
        by_officer: dict[int, list[_Assignment]] = defaultdict(list)
        for a in self.assignments:
            by_officer[a.officer.id].append(a)
        q = dt.date(self.cutoff.year, (self.cutoff.month - 1) // 3 * 3 + 1, 1)
        if q < self.cutoff:
            q = _add_months(q, 3)
        while _add_months(q, 3) - _days(1) <= self.end_date:
            q_end = _add_months(q, 3) - _days(1)
            for officer in self.officers:
                held = [a for a in by_officer[officer.id] if a.assigned_on <= q_end and
                        (a.closed_on is None or a.closed_on >= q)]
                if not held or rng.random() >= 0.45:
                    continue
                met = sum(1 for a in held if a.outcome == RECOVERED and a.closed_on and q <= a.closed_on <= q_end)
                missed = sum(1 for a in held if a.outcome in (MISSED, PARTIAL) and a.closed_on and
                             q <= a.closed_on <= q_end)
                late = sum(1 for a in held if a.deadline < q_end and (a.closed_on is None or a.closed_on > q_end))
                score = 0.6 * officer.diligence + 0.4 * (met / (met + missed) if met + missed else 0.5)
                score += rng.uniform(-0.12, 0.12) - 0.05 * late
                rating = dec.REVIEW_RATINGS[0 if score > 0.78 else 1 if score > 0.6 else 2 if score > 0.45
                                            else 3 if score > 0.3 else 4]
                remark = {"excellent": "Recoveries ahead of targets; keep as a reference for the team.",
                          "good": "Steady recovery work; follow up promises more quickly.",
                          "satisfactory": "Targets partly met; more village-coordinated visits advised.",
                          "needs_improvement": "Deadlines slipping; weekly follow-up with the supervisor.",
                          "unsatisfactory": "Few actions recorded and targets missed; sanction to be considered."}
                findings = (f"Q{(q.month - 1) // 3 + 1} {q.year}: {len(held)} NPL assignments held, {met} targets met, "
                            f"{missed} missed or partial, {late} past deadline. {remark[rating]}")
                rid = len(rows) + 1
                reviewer = supervisor_c1_id if officer.cooperative_id == 1 and rng.random() < 0.5 else supervisor_id
                rows.append({"id": rid, "officer_id": officer.id, "cooperative_id": officer.cooperative_id,
                             "period_start": q, "period_end": q_end, "rating": rating, "findings": findings,
                             "reviewer_id": reviewer, "created_at": self.stamp(q_end + _days(rng.randint(3, 20)))})
                for a in rng.sample(held, min(3, len(held))):
                    links.append({"review_id": rid, "assignment_id": a.id})
            q = _add_months(q, 3)
        return rows, links

    def decisions(self, proposer_id: int, proposer_c1_id: int, director_id: int) -> tuple[list[dict], list[dict]]:
        """Sanctions for officers who missed targets, rewards for the best recoverers, in every status.

        About half of the officers with missed assignments get no decision at all, and most overdue open
        assignments stay unlinked: the accountability gap the dashboard must show.
        """
        rng = self.rng
        by_officer: dict[int, list[_Assignment]] = defaultdict(list)
        for a in self.assignments:
            by_officer[a.officer.id].append(a)
        officers = {o.id: o for o in self.officers}

        def count(oid: int, *outcomes: str) -> int:
            return sum(a.outcome in outcomes for a in by_officer[oid])

        def badness(oid: int) -> float:
            overdue = sum(a.outcome == OPEN and a.deadline < self.end_date for a in by_officer[oid])
            return (2 * count(oid, MISSED) + count(oid, PARTIAL) + overdue) / max(3, len(by_officer[oid]))

        def recovered(oid: int) -> int:
            return sum(a.recovered for a in by_officer[oid] if a.outcome == RECOVERED)

        missed = [a for a in self.assignments if a.outcome == MISSED]
        forgotten = max(missed, key=lambda a: (a.closed_on, a.id)) if missed else None  # the newest stays undecided
        missers = sorted((oid for oid in by_officer if count(oid, MISSED, PARTIAL)),
                         key=lambda oid: (-badness(oid), oid))
        chosen = missers[: max(1, len(missers) * 11 // 20)]
        plans: list[tuple[int, str]] = []
        worst = next((oid for oid in chosen if oid != self.demo_officer.id), None)  # the demo login stays active
        for rank, oid in enumerate(chosen):  # the worse the record, the heavier the sanction
            share = rank / len(chosen)
            if officers[oid].conceals:
                kind = dec.LEGAL_REFERRAL
            elif oid == worst:
                kind = dec.DISMISSAL
            else:
                kind = (dec.DUTY_SUSPENSION if share < 0.12 else dec.COMPENSATION if share < 0.3 else
                        dec.SALARY_SUSPENSION if share < 0.55 else dec.WARNING)
            plans.append((oid, kind))
        recoverers = sorted((oid for oid in by_officer if oid not in chosen and count(oid, RECOVERED) >= 2 and
                             count(oid, RECOVERED) >= count(oid, MISSED, PARTIAL)),
                            key=lambda oid: (-recovered(oid), oid))
        if not recoverers:
            recoverers = sorted((oid for oid in by_officer if count(oid, RECOVERED)),
                                key=lambda oid: (-recovered(oid), oid))
        plans += [(oid, dec.REWARD) for oid in recoverers[: max(1, len(self.officers) // 12)]]
        # every kind appears at least once: the missing ones go to the next sanction candidates
        spare = chosen + [oid for oid in missers if oid not in chosen]
        spare += sorted((oid for oid in by_officer if oid not in spare), key=lambda oid: (-badness(oid), oid))
        for kind in dec.KINDS:
            if kind != dec.REWARD and spare and all(k != kind for _, k in plans):
                oid = spare.pop(0)
                if kind == dec.DISMISSAL and oid == self.demo_officer.id and spare:
                    oid = spare.pop(0)
                plans.append((oid, kind))
        rows, links = [], []
        for oid, kind in plans:
            officer, lst = officers[oid], by_officer[oid]
            if kind == dec.REWARD:
                linked = [a for a in lst if a.outcome == RECOVERED][:4]
                amount = min(3_000_000, max(100_000, int(sum(a.recovered for a in linked) * rng.uniform(0.01, 0.03))))
                reason = f"Reward for recovering {_yuan(sum(a.recovered for a in linked))} on {len(linked)} NPLs"
            else:
                failed = [a for a in lst if a.outcome in (MISSED, PARTIAL) and a is not forgotten]
                linked = rng.sample(failed, min(3, len(failed) - 1)) if len(failed) > 1 else failed
                overdue = [a for a in lst if a.outcome == OPEN and a.deadline < self.end_date]
                if overdue and (rng.random() < 0.3 or not linked):
                    linked.append(overdue[0])
                if not linked:  # an officer without a failure yet: a warning about the pace of an open one
                    linked = [a for a in lst if a is not forgotten][:1]
                shortfall = sum(max(0, a.target - a.recovered) for a in linked)
                amount = min(5_000_000, max(200_000, int(shortfall * rng.uniform(0.02, 0.08)))) \
                    if kind == dec.COMPENSATION else None
                what = ("recovery targets missed or only partly met" if any(a.outcome != OPEN for a in linked)
                        else "assignments behind their deadline")
                reason = (f"{len(linked)} {what}; shortfall {_yuan(shortfall)}"
                          + ("; NPLs recorded as performing" if officer.conceals else ""))
            if not linked:
                continue
            basis = max(a.closed_on or a.deadline for a in linked)
            proposed = min(basis + _days(rng.randint(5, 40)), self.end_date - _days(1))
            did = len(rows) + 1
            rows.append({"id": did, "officer_id": oid, "cooperative_id": officer.cooperative_id, "kind": kind,
                         "amount_cents": amount if kind in dec.KINDS_WITH_AMOUNT else None,
                         "months": rng.randint(1, 6) if kind in dec.KINDS_WITH_MONTHS else None,
                         "reason": reason, "effective_on": proposed, "status": dec.PENDING,
                         "proposed_by_id": proposer_c1_id if officer.cooperative_id == 1 and rng.random() < 0.5
                         else proposer_id, "proposed_at": self.stamp(proposed), "decided_by_id": None,
                         "decided_at": None, "decision_comment": None, "revoked_by_id": None, "revoked_at": None,
                         "revocation_reason": None})
            links += [{"decision_id": did, "assignment_id": a.id} for a in linked]
        # statuses: the newest proposals wait; the rest are decided by the director (four eyes)
        order = sorted(rows, key=lambda r: (r["proposed_at"], r["id"]))
        n_pending = max(1, len(order) // 6)
        statuses = [rng.choices((dec.APPROVED, dec.REJECTED, dec.REVOKED), weights=(70, 15, 15))[0]
                    for _ in order[:-n_pending]] + [dec.PENDING] * n_pending
        for status in (dec.APPROVED, dec.REJECTED, dec.REVOKED):  # every status shows at least once
            if status not in statuses:
                spare_ix = [i for i, st in enumerate(statuses) if st != dec.PENDING and statuses.count(st) > 1]
                if spare_ix:
                    statuses[spare_ix[0]] = status
        for row, status in zip(order, statuses):
            if status == dec.PENDING:
                continue
            proposed = row["proposed_at"]
            decided = proposed + dt.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 6))
            if decided.date() > self.end_date:
                decided = proposed + dt.timedelta(hours=2)
            row.update(status=status, decided_by_id=director_id, decided_at=decided, effective_on=decided.date())
            if status == dec.REJECTED:
                row["decision_comment"] = "Rejected: the file does not show the officer could have met the target"
                continue
            row["decision_comment"] = "Approved after reviewing the assignments and the officer's statement"
            if status == dec.REVOKED:
                revoked = decided + dt.timedelta(days=rng.randint(5, 60))
                if revoked.date() > self.end_date:
                    revoked = decided + dt.timedelta(hours=3)
                row.update(revoked_by_id=director_id, revoked_at=revoked,
                           revocation_reason="Revoked: the borrower repaid after the decision and the officer appealed")
            if status == dec.APPROVED and row["kind"] == dec.DISMISSAL:
                self.dismissed.add(row["officer_id"])
        return rows, links

    def closing_tables(self) -> dict[type[Base], list[dict]]:
        """What is known only once every loan is simulated: users, cases, assets, reviews and decisions."""
        user_ids = _USER_IDS
        reviews, review_links = self.reviews(user_ids["supervisor"], user_ids["supervisor_c1"])
        decisions, decision_links = self.decisions(user_ids["supervisor"], user_ids["supervisor_c1"],
                                                   user_ids["director"])
        codes = {c["id"]: c["code"] for c in self.coops}
        created = dt.datetime.combine(self.cutoff - _days(7), dt.time(9, 0))
        users = [{"id": user_ids[name], "username": name, "email": f"{name}@demo.example",
                  "display_name": self.demo_officer.name if name == "officer" else _USER_NAMES[name],
                  "password_hash": _demo_password_hash(password), "role": role,
                  "cooperative_id": next(cid for cid, code in codes.items() if code == scope) if scope else None,
                  "officer_id": self.demo_officer.id if name == "officer" else None, "active": True,
                  "failed_logins": 0, "locked_until": None, "created_at": created}
                 for name, password, role, scope in DEMO_USERS]
        cases = [{"id": c.id, "loan_id": c.loan.id, "cooperative_id": c.loan.borrower.cooperative_id,
                  "court": c.court, "filed_on": c.filed_on, "claim_cents": c.claim, "stage": c.stage,
                  "judgment_on": c.judgment_on, "enforcement_on": c.enforcement_on, "closed_on": c.closed_on,
                  "costs_cents": c.costs, "recovered_cents": c.recovered} for c in self.cases]
        assets = [{"id": a.id, "loan_id": a.loan.id, "cooperative_id": a.loan.borrower.cooperative_id,
                   "asset_type": a.asset_type, "description": a.description, "on_balance_sheet": a.on_balance_sheet,
                   "acquired_on": a.acquired_on, "book_value_cents": a.book_value, "appraisal_cents": a.appraisal,
                   "appraised_on": a.appraised_on, "status": a.status, "disposal_method": a.disposal_method,
                   "disposed_on": a.disposal_on if a.status == asset_rules.DISPOSED else None,
                   "proceeds_cents": a.proceeds, "disposal_cost_cents": a.disposal_cost,
                   "lease_income_cents": a.lease_income} for a in self.assets]
        return {AppUser: users, LegalCase: cases, ForeclosedAsset: assets, Review: reviews,
                ReviewAssignment: review_links, Decision: decisions, DecisionAssignment: decision_links}
