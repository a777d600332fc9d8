"""Patron's analytics against `lifetimes` 0.11.3, the reference Python implementation.

Three parts: the fitted parameters and standard errors on the CDNOW calibration sample;
per-customer predictions with the same parameters in both libraries (CDNOW and a grid of
extreme histories); and the summaries of a random transaction table.
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

from patron.analytics import BetaGeo, GammaGamma, ParetoNBD, clv, score, summarise

with warnings.catch_warnings():  # lifetimes sets a pandas option that pandas 3 deprecates
    warnings.simplefilter("ignore")
    import lifetimes
    from lifetimes.utils import calibration_and_holdout_data, summary_data_from_transaction_data

CDNOW = Path(__file__).parent / "data" / "cdnow_sample.csv"

# Patron's names and lifetimes' names (in lifetimes' order) for each model's parameters.
NAMES = {
    "bgnbd": (("r", "alpha", "a", "b"), ("r", "alpha", "a", "b")),
    "paretonbd": (("r", "alpha", "s", "beta"), ("r", "alpha", "s", "beta")),
    "gammagamma": (("p", "q", "gamma"), ("p", "q", "v")),
}


def close(ours, theirs, rel=1e-6, near_zero=1e-12):
    """Elementwise: within `rel` relative, or `near_zero` absolute where lifetimes' value is tiny."""
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    return np.abs(ours - theirs) <= np.maximum(rel * np.abs(theirs), near_zero)


def four_figures(value):
    return f"{value:.4g}"


# --------------------------------------------------------------------------------------------
# 1. Fits on the CDNOW calibration sample
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cdnow():
    return summarise(
        CDNOW,
        customer="customer",
        time="date",
        amount="amount",
        period="week",
        grain="day",
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
    )


@pytest.fixture(scope="module")
def arrays(cdnow):
    x, t_x, T = (cdnow[c].to_numpy().astype(np.float64) for c in ("x", "t_x", "T"))
    return x, t_x, T, cdnow["mean_spend"].to_numpy()


@pytest.fixture(scope="module")
def ours(cdnow):
    return {
        "bgnbd": BetaGeo().fit(cdnow),
        "paretonbd": ParetoNBD().fit(cdnow),
        "gammagamma": GammaGamma().fit(cdnow),
    }


@pytest.fixture(scope="module")
def theirs(arrays):
    x, t_x, T, m = arrays
    repeat = x > 0
    return {
        "bgnbd": lifetimes.BetaGeoFitter().fit(x, t_x, T),
        # Without initial_params lifetimes starts Nelder-Mead from a random point (np.random), so
        # its stopping point, and this test, would change from run to run.
        "paretonbd": lifetimes.ParetoNBDFitter().fit(x, t_x, T, initial_params=np.ones(4)),
        "gammagamma": lifetimes.GammaGammaFitter().fit(x[repeat], m[repeat]),
    }


def lifetimes_loglik(kind, params, arrays):
    """lifetimes' own log-likelihood of the CDNOW sample, in weeks, at `params` (lifetimes' order)."""
    x, t_x, T, m = arrays
    params = np.asarray(params, dtype=np.float64)
    if kind == "bgnbd":
        n = len(x)
        return -n * lifetimes.BetaGeoFitter._negative_log_likelihood(
            np.log(params), x, t_x, T, np.ones(n), 0.0
        )
    if kind == "paretonbd":
        return float(lifetimes.ParetoNBDFitter._conditional_log_likelihood(params, x, t_x, T).sum())
    repeat = x > 0
    n = int(repeat.sum())
    return -n * lifetimes.GammaGammaFitter._negative_log_likelihood(
        np.log(params), x[repeat], m[repeat], np.ones(n), 0.0
    )


@pytest.mark.parametrize("kind", ["bgnbd", "paretonbd", "gammagamma"])
def test_likelihoods_are_the_same_function(kind, ours, arrays):
    names, _ = NAMES[kind]
    fitted = ours[kind]
    assert lifetimes_loglik(kind, [fitted.params_[n] for n in names], arrays) == pytest.approx(
        fitted.loglik_, rel=1e-12
    )


@pytest.mark.parametrize("kind", ["bgnbd", "paretonbd", "gammagamma"])
def test_parameters_agree_to_four_figures(kind, ours, theirs, cdnow, arrays):
    """Equal to 4 significant figures, or else Patron's likelihood is the higher one.

    lifetimes stops early: BG/NBD and Gamma-Gamma (BFGS on autograd gradients, tol 1e-7) land
    within 1e-6 of Patron's optimum, but Pareto/NBD uses Nelder-Mead with tol 1e-4 on a
    likelihood that is very flat along (s, beta); from the start (1, 1, 1, 1) it stops at
    r = 0.55325, s = 0.60628 where the optimum is r = 0.55328, s = 0.60624 (0.5532 vs 0.5533),
    about 2e-7 below the maximum log-likelihood. There Patron's log-likelihood must be at
    least as high, by lifetimes' own likelihood function as well as Patron's.
    """
    names, their_names = NAMES[kind]
    fitted, reference = ours[kind], theirs[kind]
    our_params = [fitted.params_[n] for n in names]
    their_params = [float(reference.params_[n]) for n in their_names]
    differing = [
        n
        for n, a, b in zip(names, our_params, their_params, strict=True)
        if four_figures(a) != four_figures(b)
    ]
    if differing:
        their_model = {"bgnbd": BetaGeo, "paretonbd": ParetoNBD}.get(kind)
        if their_model is not None:
            their_loglik = their_model(dict(zip(names, their_params, strict=True))).loglik(cdnow)
            assert fitted.loglik_ >= their_loglik, differing
        their_loglik = lifetimes_loglik(kind, their_params, arrays)
        assert lifetimes_loglik(kind, our_params, arrays) >= their_loglik, differing
    # Whichever stops first, the two optima are the same point.
    assert np.allclose(our_params, their_params, rtol=1e-3, atol=0)
    if kind != "paretonbd":
        assert not differing


@pytest.mark.parametrize("kind", ["bgnbd", "gammagamma"])
def test_standard_errors_agree(kind, ours, theirs):
    """lifetimes' standard errors come from autograd's exact Hessian of its mean negative
    log-likelihood in log-parameters (scaled time for BG/NBD), mapped back by the delta method
    (its variance_matrix_ is right on the diagonal only: it scales column j by p_j^2, not p_i p_j)."""
    names, their_names = NAMES[kind]
    for ours_name, their_name in zip(names, their_names, strict=True):
        assert ours[kind].standard_errors_[ours_name] == pytest.approx(
            float(theirs[kind].standard_errors_[their_name]), rel=1e-2
        ), ours_name
    # lifetimes' summary frame holds the same numbers.
    assert np.allclose(theirs[kind].summary["se(coef)"].to_numpy(), theirs[kind].standard_errors_.to_numpy())


def test_pareto_standard_errors_agree_with_the_curvature_of_lifetimes_likelihood(ours, theirs, arrays):
    """lifetimes 0.11.3 gives no standard errors for Pareto/NBD (its fit sets _hessian_ = None and
    never computes variance_matrix_). So take the observed information from lifetimes' own
    log-likelihood: central differences in log-parameters at Patron's estimate, delta method back."""
    assert theirs["paretonbd"]._hessian_ is None
    fitted = ours["paretonbd"]
    names, _ = NAMES["paretonbd"]
    params = np.array([fitted.params_[n] for n in names])
    theta, step, eye = np.log(params), 1e-4, np.eye(4) * 1e-4

    def loglik(th):
        return lifetimes_loglik("paretonbd", np.exp(th), arrays)

    hessian = np.empty((4, 4))
    for i in range(4):
        for j in range(4):
            plus = loglik(theta + eye[i] + eye[j]) + loglik(theta - eye[i] - eye[j])
            minus = loglik(theta + eye[i] - eye[j]) + loglik(theta - eye[i] + eye[j])
            hessian[i, j] = -(plus - minus) / (4 * step**2)
    errors = params * np.sqrt(np.diag(np.linalg.inv(hessian)))
    for name, expected in zip(names, errors, strict=True):
        assert fitted.standard_errors_[name] == pytest.approx(expected, rel=1e-2), name


# --------------------------------------------------------------------------------------------
# 2. Predictions with the same parameters
# --------------------------------------------------------------------------------------------


def twins(model):
    """A lifetimes fitter holding exactly `model`'s parameters (lifetimes' names and order)."""
    kind = {BetaGeo: "bgnbd", ParetoNBD: "paretonbd", GammaGamma: "gammagamma"}[type(model)]
    names, their_names = NAMES[kind]
    fitter = {
        "bgnbd": lifetimes.BetaGeoFitter,
        "paretonbd": lifetimes.ParetoNBDFitter,
        "gammagamma": lifetimes.GammaGammaFitter,
    }[kind]()
    fitter.params_ = pd.Series([float(model.params_[n]) for n in names], index=list(their_names))
    if kind != "gammagamma":
        fitter.predict = fitter.conditional_expected_number_of_purchases_up_to_time
    return fitter


@pytest.mark.parametrize("kind", ["bgnbd", "paretonbd"])
def test_cdnow_predictions_equal_lifetimes(kind, ours, arrays, cdnow):
    model = ours[kind]
    reference = twins(model)
    x, t_x, T, _ = arrays
    p_alive = np.asarray(reference.conditional_probability_alive(x, t_x, T))
    assert np.isfinite(p_alive).all()
    assert close(model.p_alive(cdnow), p_alive).all()
    for horizon in (1, 10, 52):
        expected = reference.conditional_expected_number_of_purchases_up_to_time(horizon, x, t_x, T)
        assert np.isfinite(expected).all()
        assert close(model.expected_purchases(horizon, cdnow), expected).all(), horizon
    ages = np.array([0.5, 1.0, 10.0, 39.0, 52.0, 78.0, 520.0])
    assert close(
        model.expected_population(ages), reference.expected_number_of_purchases_up_to_time(ages)
    ).all()


def test_cdnow_spend_equals_lifetimes(ours, arrays, cdnow):
    gg = ours["gammagamma"]
    x, _, _, m = arrays
    # x = 0 customers have mean_spend 0 in both; both then give the population mean gamma p / (q - 1).
    expected = twins(gg).conditional_expected_average_profit(x, m)
    assert close(gg.expected_spend(cdnow), expected).all()


@pytest.mark.parametrize("kind", ["bgnbd", "paretonbd"])
def test_cdnow_clv_equals_lifetimes(kind, ours, arrays, cdnow):
    """lifetimes' freq "W" counts 4.345 weeks a month; both discount month i by (1 + d)^i."""
    model, gg = ours[kind], ours["gammagamma"]
    x, t_x, T, m = arrays
    index = pd.Index(cdnow["customer"].to_list())
    frequency, recency, age, spend = (pd.Series(v, index=index) for v in (x, t_x, T, m))
    with np.errstate(divide="ignore"):  # lifetimes' log A0 is log 0 = -inf when t_x = T (P(alive) = 1)
        expected = twins(gg).customer_lifetime_value(
            twins(model), frequency, recency, age, spend, time=12, discount_rate=0.01, freq="W"
        )
    expected = expected.to_numpy()
    assert np.isfinite(expected).all()
    got = clv(model, gg, cdnow, horizon=12, discount=0.01, periods_per_month=4.345)
    assert close(got, expected).all()


def extreme_histories():
    """x from 0 to 300, recency from just after the first purchase to exactly T, T from 1 to 5,000."""
    rows = []
    for T in (1.0, 39.0, 78.0, 500.0, 5000.0):
        rows.append((0.0, 0.0, T))
        for x in (1, 2, 5, 20, 50, 100, 200, 300):
            for share in (1e-3, 0.01, 0.5, 0.99, 0.999999, 1.0):
                rows.append((float(x), share * T, T))
    return pd.DataFrame(rows, columns=["x", "t_x", "T"])


# Parameters: CDNOW's, and sets on the other side of each formula's branches (Pareto/NBD's A0
# differs for alpha < beta and alpha >= beta; BG/NBD's with a below and above 1).
EXTREME_MODELS = [
    BetaGeo({"r": 0.2425945, "alpha": 4.413602, "a": 0.7929220, "b": 2.425906}),
    BetaGeo({"r": 2.5, "alpha": 0.8, "a": 3.0, "b": 12.0}),
    ParetoNBD({"r": 0.5532777, "alpha": 10.57768, "s": 0.6062401, "beta": 11.66874}),
    ParetoNBD({"r": 1.8, "alpha": 30.0, "s": 0.35, "beta": 2.0}),
]


def test_bgnbd_expected_purchases_where_hyp2f1_overflows():
    """E[X(t) | x, t_x, T] multiplies ((alpha+T)/(alpha+T+t))^(r+x), which underflows to 0, by
    2F1(r+x, b+x; a+b+x-1; z), which overflows to inf: 0 * inf = nan, unless computed (as Patron
    and lifetimes do) by Euler's transformation, 2F1(a, b; c; z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z)
    (mpmath at 50 digits: 155.31286153965676565...)."""
    model = BetaGeo({"r": 2.5, "alpha": 0.8, "a": 3.0, "b": 12.0})
    with np.errstate(all="ignore"):
        expected = twins(model).conditional_expected_number_of_purchases_up_to_time(52.0, 300.0, 1.0, 1.0)
        got = model.expected_purchases(52.0, x=[300], t_x=[1.0], T=[1.0])
    assert expected == pytest.approx(155.31286153965676, rel=1e-9)
    assert got[0] == pytest.approx(155.31286153965676, rel=1e-9)


@pytest.mark.parametrize("model", EXTREME_MODELS, ids=repr)
def test_extreme_histories(model):
    """Equal where lifetimes gives a finite number; sane where it does not.

    lifetimes' Pareto/NBD fails (nan) for customers who bought at the very end (t_x = T) with
    many purchases: its log A0 is a logsumexp of log(2F1(..; z(t_x))) + k log(m + T) and, with
    weight -1, log(2F1(..; z(T))) + k log(m + t_x) (m = max(alpha, beta), k = r + s + x), which
    cancel exactly when t_x = T. scipy returns -inf for that (so P(alive) = 1, fine) while the
    terms are below about 700, and nan above (on this grid: x >= 100 with T = 5,000, x >= 200
    with smaller T). Patron computes A0 as
    A(t_x) (1 - A(T)/A(t_x)) in log space and gives P(alive) = 1 there, as it must: no time
    has passed since the last purchase. Those predictions are checked for sanity instead.
    BG/NBD's lifetimes formulas stay finite on the whole grid.
    """
    d = extreme_histories()
    x, t_x, T = (d[c].to_numpy() for c in ("x", "t_x", "T"))
    reference = twins(model)
    with np.errstate(all="ignore"):
        p_alive = np.asarray(reference.conditional_probability_alive(x, t_x, T), dtype=np.float64)
    ours_alive = model.p_alive(d)
    finite = np.isfinite(p_alive)
    assert finite.sum() >= 0.9 * len(d)
    assert close(ours_alive[finite], p_alive[finite]).all()
    assert ((ours_alive >= 0) & (ours_alive <= 1)).all()
    if isinstance(model, BetaGeo):
        assert finite.all()
    else:
        assert (t_x[~finite] == T[~finite]).all()
        assert ours_alive[t_x == T] == pytest.approx(1.0, abs=1e-12)
    for horizon in (1, 10, 52):
        with np.errstate(all="ignore"):
            expected = np.asarray(
                reference.conditional_expected_number_of_purchases_up_to_time(horizon, x, t_x, T),
                dtype=np.float64,
            )
        got = model.expected_purchases(horizon, d)
        finite = np.isfinite(expected)
        assert close(got[finite], expected[finite]).all(), horizon
        assert (np.isfinite(got) & (got >= 0)).all(), horizon
        if isinstance(model, ParetoNBD):
            # Where lifetimes fails (t_x = T, alive for sure), E[X(t)] is the alive customer's:
            # (r + x)(beta + T) / ((alpha + T)(s - 1)) (1 - ((beta + T) / (beta + T + t))^(s - 1)).
            r, alpha, s, beta = (model.params_[n] for n in ("r", "alpha", "s", "beta"))
            decay = 1 - ((beta + T) / (beta + T + horizon)) ** (s - 1)
            alive = (r + x) * (beta + T) / ((alpha + T) * (s - 1)) * decay
            assert close(got[~finite], alive[~finite], rel=1e-9).all(), horizon
        else:
            assert finite.all()


# --------------------------------------------------------------------------------------------
# 3. Summaries of a random transaction table
# --------------------------------------------------------------------------------------------

START = pd.Timestamp("2022-01-01")  # a Saturday, so weeks (Monday to Sunday) straddle the start
CALIBRATION_END, OBSERVATION_END = "2023-06-14", "2023-12-20"  # Wednesdays
END_OF_DAY = pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)

# (period, grain) in Patron and (freq, freq_multiplier) in lifetimes.
CLOCKS = [("day", None, "D", 1), ("week", None, "W", 1), ("week", "day", "D", 7)]
CLOCK_IDS = ["day", "week", "week-of-days"]


@pytest.fixture(scope="module")
def transactions():
    """3,000 customers over two years (2022-2023), at random times of day; a fifth of the rows
    have a second row on the same day, so occasions hold several rows."""
    rng = np.random.default_rng(20240611)
    customers = 3000
    first = rng.integers(0, 700, customers)
    purchases = rng.geometric(0.3, customers)
    customer = np.repeat(np.arange(customers), purchases)
    start = np.repeat(first, purchases)
    day = start + rng.integers(0, 730 - start)
    day[np.r_[0, np.cumsum(purchases)[:-1]]] = first  # each customer's first row is on their first day
    again = rng.random(len(day)) < 0.2
    customer, day = np.r_[customer, customer[again]], np.r_[day, day[again]]
    return pd.DataFrame(
        {
            "customer": [f"c{c:04d}" for c in customer],
            "time": START
            + pd.to_timedelta(day, unit="D")
            + pd.to_timedelta(rng.integers(0, 86_400, len(day)), unit="s"),
            "amount": np.round(rng.gamma(2.0, 20.0, len(day)), 2) + 0.01,
        }
    )


@pytest.fixture(scope="module")
def dated(transactions):
    """The same rows at midnight: a table of dates, as most order exports are."""
    return transactions.assign(time=transactions["time"].dt.floor("D"))


def patron_summary(rows, period, grain, **ends):
    return (
        summarise(pl.from_pandas(rows), period=period, grain=grain, **ends).to_pandas().set_index("customer")
    )


def assert_same(ours, theirs, columns):
    assert sorted(ours.index) == sorted(theirs.index)
    theirs = theirs.loc[ours.index]
    for our_column, their_column in columns:
        assert np.allclose(
            ours[our_column].to_numpy(np.float64),
            theirs[their_column].to_numpy(np.float64),
            rtol=1e-12,
            atol=1e-9,
        ), our_column


SUMMARY_COLUMNS = [("x", "frequency"), ("t_x", "recency"), ("T", "T"), ("mean_spend", "monetary_value")]
CALIBRATION_COLUMNS = [
    ("x", "frequency_cal"),
    ("t_x", "recency_cal"),
    ("T", "T_cal"),
    ("mean_spend", "monetary_value_cal"),
    ("x_holdout", "frequency_holdout"),
    ("duration_holdout", "duration_holdout"),
]


@pytest.mark.parametrize(("period", "grain", "freq", "multiplier"), CLOCKS, ids=CLOCK_IDS)
def test_summary_equals_lifetimes(transactions, period, grain, freq, multiplier):
    """x, t_x, T and mean repeat spend equal lifetimes' frequency, recency, T and monetary_value
    (lifetimes sums the rows of a period before averaging, as Patron sums an occasion's rows).
    lifetimes' freq "W" is pandas' W-SUN, weeks from Monday to Sunday, as Patron's."""
    ours = patron_summary(transactions, period, grain)
    theirs = summary_data_from_transaction_data(
        transactions, "customer", "time", monetary_value_col="amount", freq=freq, freq_multiplier=multiplier
    )
    assert len(ours) == 3000
    assert_same(ours, theirs, SUMMARY_COLUMNS)


def test_observation_end_inside_a_week(transactions):
    """A definitional difference, where Patron is right.

    lifetimes truncates every purchase to the start of its period and keeps those whose period
    starts on or before the observation end's period: with weeks and an end on a Wednesday, it
    counts the purchases of that Thursday to Sunday, after the end (and T is still measured
    to the Monday). Patron keeps the purchases up to the end of the end day only. The two agree
    when lifetimes is given only the rows up to the end; with days they agree as they are.
    """
    end = pd.Timestamp(OBSERVATION_END)
    ours = patron_summary(transactions, "week", None, observation_end=OBSERVATION_END)
    leaky = summary_data_from_transaction_data(
        transactions,
        "customer",
        "time",
        monetary_value_col="amount",
        observation_period_end=OBSERVATION_END,
        freq="W",
    )
    times = transactions["time"]
    assert ((times > end + END_OF_DAY) & (times < end + pd.Timedelta(days=5))).any()
    common = leaky.index.intersection(ours.index)
    assert len(leaky) > len(ours) or (leaky.loc[common, "frequency"] != ours.loc[common, "x"]).any()
    kept = transactions[transactions["time"] <= end + END_OF_DAY]
    theirs = summary_data_from_transaction_data(
        kept,
        "customer",
        "time",
        monetary_value_col="amount",
        observation_period_end=OBSERVATION_END,
        freq="W",
    )
    assert_same(ours, theirs, SUMMARY_COLUMNS)
    days = summary_data_from_transaction_data(
        transactions,
        "customer",
        "time",
        monetary_value_col="amount",
        observation_period_end=OBSERVATION_END,
        freq="D",
    )
    assert_same(
        patron_summary(transactions, "day", None, observation_end=OBSERVATION_END), days, SUMMARY_COLUMNS
    )


def test_daily_fit_and_scores_equal_lifetimes(transactions):
    """At the daily grain, lifetimes' default (freq "D"), where t_x and T are whole days and
    predictions are made once per distinct (x, T): the BG/NBD fit agrees to 4 significant
    figures, and with the same parameters P(alive), expected purchases and CLV (lifetimes
    counts 30 days a month) equal lifetimes' for every customer."""
    ours = summarise(pl.from_pandas(transactions), period="day")
    theirs = summary_data_from_transaction_data(
        transactions, "customer", "time", monetary_value_col="amount", freq="D"
    ).loc[ours["customer"].to_list()]
    frequency, recency, age, spend = (theirs[c] for c in ("frequency", "recency", "T", "monetary_value"))
    bg, gg = BetaGeo().fit(ours), GammaGamma().fit(ours)
    their_bg = lifetimes.BetaGeoFitter().fit(frequency, recency, age)
    for name in NAMES["bgnbd"][0]:
        assert four_figures(bg.params_[name]) == four_figures(their_bg.params_[name]), name
    reference, their_gg = twins(bg), twins(gg)
    table = score(ours, bg, gg, period="day", purchases_within=30)
    assert close(table["p_alive"], reference.conditional_probability_alive(frequency, recency, age)).all()
    expected = reference.conditional_expected_number_of_purchases_up_to_time(30, frequency, recency, age)
    assert close(table["expected_purchases"], expected).all()
    value = their_gg.customer_lifetime_value(
        reference, frequency, recency, age, spend, time=12, discount_rate=0.01, freq="D"
    )
    assert close(clv(bg, gg, ours, horizon=12, discount=0.01, periods_per_month=30), value).all()


def lifetimes_holdout(
    frame, freq, multiplier, calibration_end=CALIBRATION_END, observation_end=OBSERVATION_END
):
    """lifetimes' calibration and holdout summary of a frame of customer, time and amount."""
    return calibration_and_holdout_data(
        frame,
        "customer",
        "time",
        calibration_end,
        observation_end,
        freq=freq,
        freq_multiplier=multiplier,
        monetary_value_col="amount",
    )


@pytest.mark.parametrize(("period", "grain", "freq", "multiplier"), CLOCKS, ids=CLOCK_IDS)
def test_calibration_and_holdout_equal_lifetimes_on_dates(dated, period, grain, freq, multiplier):
    ours = patron_summary(
        dated, period, grain, calibration_end=CALIBRATION_END, observation_end=OBSERVATION_END
    )
    theirs = lifetimes_holdout(dated, freq, multiplier)
    assert ours["x_holdout"].sum() > 0
    assert_same(ours, theirs, CALIBRATION_COLUMNS)


@pytest.mark.parametrize(("period", "grain", "freq", "multiplier"), CLOCKS, ids=CLOCK_IDS)
def test_calibration_end_day_is_whole_in_patron(transactions, period, grain, freq, multiplier):
    """A definitional difference: a date as calibration or observation end.

    Patron's date end takes in the whole day. lifetimes' calibration_and_holdout_data turns the
    date into its midnight and cuts the rows there, so a purchase at 10:00 on the calibration
    end day goes to the holdout, and one at 10:00 on the observation end day is dropped (while
    its own summary_data_from_transaction_data, by truncating rows to periods, keeps the whole
    end day). Given the last instant of each end day instead, lifetimes equals Patron.
    """
    ours = patron_summary(
        transactions, period, grain, calibration_end=CALIBRATION_END, observation_end=OBSERVATION_END
    )
    at_midnight = lifetimes_holdout(transactions, freq, multiplier)
    common = at_midnight.index.intersection(ours.index)
    moved = at_midnight.loc[common, "frequency_cal"] != ours.loc[common, "x"]
    assert len(common) < len(ours) or moved.any()
    theirs = lifetimes_holdout(
        transactions,
        freq,
        multiplier,
        pd.Timestamp(CALIBRATION_END) + END_OF_DAY,
        pd.Timestamp(OBSERVATION_END) + END_OF_DAY,
    )
    assert_same(ours, theirs, CALIBRATION_COLUMNS)


@pytest.mark.parametrize(("period", "grain", "freq", "multiplier"), CLOCKS, ids=CLOCK_IDS)
def test_holdout_spend_is_per_occasion(dated, period, grain, freq, multiplier):
    """A definitional difference: lifetimes' monetary_value_holdout is the mean of the holdout
    rows, Patron's spend_holdout the mean of the holdout occasions (the rows of one grain unit
    summed, as for the calibration spend, and as Gamma-Gamma wants). They differ when an occasion
    has several rows, and agree once the rows are summed per occasion (per side of the
    calibration end and of the observation end, since a week can straddle them)."""
    ours = patron_summary(
        dated, period, grain, calibration_end=CALIBRATION_END, observation_end=OBSERVATION_END
    )
    per_row = lifetimes_holdout(dated, freq, multiplier)
    per_row = per_row.loc[ours.index]
    assert not np.allclose(ours["spend_holdout"].to_numpy(), per_row["monetary_value_holdout"].to_numpy())
    unit = "W" if (grain or period) == "week" else "D"
    times = dated["time"]
    side = (times > pd.Timestamp(CALIBRATION_END)).astype(int) + (times > pd.Timestamp(OBSERVATION_END))
    occasions = (
        dated.assign(unit=dated["time"].dt.to_period(unit), side=side)
        .groupby(["customer", "unit", "side"], as_index=False)
        .agg(time=("time", "min"), amount=("amount", "sum"))
    )
    theirs = lifetimes_holdout(occasions, freq, multiplier)
    assert_same(ours, theirs, [*CALIBRATION_COLUMNS, ("spend_holdout", "monetary_value_holdout")])
