"""domain.forecast on hand-made matrices: an absorbing state, a window with no transitions, new lending, the
backtest of a book that follows its own matrix exactly, and the target verdict."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from domain import forecast as fc
from domain.months import previous_month
from domain.npl_flows import FLOW_COLUMNS


def test_an_absorbing_loss_class_keeps_what_it_receives():
    # Substandard: half stays, half goes to Loss; Loss is absorbing (stays whole); other classes stay put
    matrix = np.eye(5)
    matrix[2] = [0, 0, 0.5, 0, 0.5]
    start = np.array([0, 0, 1000, 0, 0], dtype=float)
    path = fc.project(start, matrix, np.zeros(5), 3)
    assert path[:, 2].tolist() == [500, 250, 125]
    assert path[:, 4].tolist() == [500, 750, 875]
    assert fc.npl_of(path).tolist() == [1000, 1000, 1000]  # nothing leaves the NPL classes


def rows_of(month, *entries):
    return [(month, 1, "old", a, b, 1, o, c, 0, 0, 0) for a, b, o, c in entries]


def test_balance_matrix_from_rows_and_an_empty_class_stays_put():
    m = dt.date(2025, 2, 1)
    frame = pd.DataFrame(rows_of(m, ("normal", "normal", 1000, 900), ("normal", "substandard", 0, 0),
                                 ("substandard", "loss", 400, 400), ("substandard", "closed", 600, 0),
                                 ("new", "normal", 0, 300)), columns=FLOW_COLUMNS)
    matrix = fc.balance_matrix(frame)
    assert matrix[0].tolist() == [0.9, 0, 0, 0, 0]  # 10 % of Normal amortised
    assert matrix[2].tolist() == [0, 0, 0, 0, 0.4]  # 60 % repaid (closed), 40 % to Loss
    assert matrix[1].tolist() == [0, 1, 0, 0, 0] and matrix[3].tolist() == [0, 0, 0, 1, 0]  # no evidence
    assert fc.new_lending(frame, 1).tolist() == [300, 0, 0, 0, 0]


def test_a_window_with_no_transitions_projects_no_change():
    m = dt.date(2025, 1, 1)
    only_new = pd.DataFrame(rows_of(m, ("new", "substandard", 0, 800), ("new", "normal", 0, 1000)),
                            columns=FLOW_COLUMNS)
    result = fc.forecast(only_new, m, horizon=3)
    assert result.window == ()  # the first month of the data has no transitions
    assert result.npl.tolist() == [800, 800, 800]  # no matrix, no new lending: the balance stays
    assert result.low.tolist() == result.high.tolist() == [800, 800, 800]
    assert fc.backtest(only_new).origins == ()
    assert fc.backtest(only_new).mape == {3: None, 6: None}


def steady_book(months: int = 20) -> pd.DataFrame:
    """Every month Substandard keeps 90 % (10 % repaid) and 100 of new Substandard loans come in."""
    first = dt.date(2024, 1, 1)
    out, balance = [], 1000.0
    out += rows_of(first, ("new", "substandard", 0, balance))
    for k in range(1, months):
        month = previous_month(first, -k)
        out += rows_of(month, ("substandard", "substandard", balance * 0.9, balance * 0.9),
                       ("substandard", "closed", balance * 0.1, 0), ("new", "substandard", 0, 100))
        balance = balance * 0.9 + 100
    return pd.DataFrame(out, columns=FLOW_COLUMNS)


def test_forecast_and_backtest_of_a_book_that_follows_its_matrix():
    book = steady_book()
    last = book.month.max()
    result = fc.forecast(book, last, horizon=2)
    now = fc.class_balances(book, last)[2]
    assert result.npl.iloc[0] == pytest.approx(now * 0.9 + 100)
    assert result.npl.iloc[1] == pytest.approx((now * 0.9 + 100) * 0.9 + 100)
    assert result.low.iloc[0] == pytest.approx(result.high.iloc[0])  # every month alike: no spread
    test = fc.backtest(book)
    # 19 months of transitions (2024-02..2025-08); an origin needs 12 before it and 6 after: 2025-01, -02
    assert test.origins == (dt.date(2025, 1, 1), dt.date(2025, 2, 1))
    assert test.mape[3] == pytest.approx(0, abs=1e-12) and test.mape[6] == pytest.approx(0, abs=1e-12)


def test_the_band_spreads_when_months_differ():
    book = steady_book(14)
    shock = (book.month == dt.date(2024, 6, 1)) & (book.from_class == "substandard")
    # in one month half of the Substandard balance is repaid instead of a tenth (1000 then, as every month)
    book.loc[shock & (book.to_class == "substandard"), ["opening_cents", "closing_cents"]] = 500
    book.loc[shock & (book.to_class == "closed"), "opening_cents"] = 500
    result = fc.forecast(book, book.month.max(), horizon=6, seed=1)
    # most paths never draw that month (11/12 a step): the top of the band is the steady book, 1000 a month;
    # the average matrix (Substandard keeps 0.9 - 0.4/12 of its balance) projects below it
    assert result.high.tolist() == pytest.approx([1000] * 6)
    assert result.npl.iloc[0] == pytest.approx(1000 * (0.9 - 0.4 / 12) + 100)
    # after one month fewer than a tenth of the paths drew it: no spread yet; later the shocked paths open the band
    # below the average projection (the band is the spread of months, not a confidence interval around it)
    assert result.low.iloc[0] == pytest.approx(1000)
    assert (result.low.iloc[1:] < result.npl.iloc[1:]).all() and (result.npl < result.high).all()


def test_target_verdict():
    origin = dt.date(2026, 10, 1)
    assert fc.target_month(origin) == dt.date(2026, 12, 1)
    assert fc.target_month(dt.date(2026, 12, 1)) == dt.date(2027, 12, 1)
    future = [dt.date(2026, 11, 1), dt.date(2026, 12, 1)]
    result = fc.Forecast(origin, (origin,), pd.Series([900.0, 800.4], index=future), pd.Series([0.0, 0.0], index=future),
                         pd.Series([0.0, 0.0], index=future))
    met = fc.check_target(result, pd.Series({dt.date(2026, 12, 1): 850}), dt.date(2026, 12, 1))
    assert met.met and met.gap_cents == 800 - 850
    missed = fc.check_target(result, pd.Series({dt.date(2026, 12, 1): 700}), dt.date(2026, 12, 1))
    assert not missed.met and missed.gap_cents == 100
    assert fc.check_target(result, pd.Series({dt.date(2027, 1, 1): 1}), dt.date(2026, 12, 1)) is None
