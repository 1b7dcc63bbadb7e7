"""Hypothesis fuzzing of every parser that reads what people type or what a file holds:
amounts, durations, periods, dates, the import's cell parser (each field kind) and the
CSV reader. Whatever the input, the result is a correct value or an ``InputError`` (with
a short message), never another exception; round trips hold where they exist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vergoeding.core.dates import parse_date
from vergoeding.core.duration import format_minutes, parse_duration
from vergoeding.core.money import parse_amount
from vergoeding.core.period import Period, parse_period
from vergoeding.errors import InputError
from vergoeding.importing.fields import SHEETS, Field
from vergoeding.importing.load import MAX_TEXT, parse_cell
from vergoeding.importing.readers import read_csv

# parsers only, no database: runs once (the SQLite suite)
pytestmark = pytest.mark.no_database

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# text that looks like what the parsers expect, mixed with anything at all
_NUMBERISH = st.text(alphabet="0123456789.,:-+ €uhmQ/\u00a0\u0663\u00b2e", max_size=24)
TEXT = st.one_of(st.text(max_size=40), _NUMBERISH)

# one Field per kind the import knows, with the attrs that change behaviour
KIND_FIELDS: dict[str, Field] = {}
for spec in SHEETS:
    for f in spec.fields:
        KIND_FIELDS.setdefault(f.kind, f)
        if f.attr in ("kind", "bsn", "role", "regime"):
            KIND_FIELDS[f"{f.kind}:{f.attr}"] = f

CELL_VALUES = st.one_of(
    TEXT,
    st.text(min_size=MAX_TEXT - 2, max_size=MAX_TEXT + 3),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@FUZZ
@given(TEXT)
@example("1" * 40)  # more digits than a Decimal context holds: was InvalidOperation
@example("9" * 30 + ",99")
def test_parse_amount_only_input_error(text: str) -> None:
    try:
        value = parse_amount(text)
    except InputError as exc:
        assert len(exc.message) <= len(repr(text)) + 150  # the input and a short explanation
        return
    assert isinstance(value, Decimal) and value.is_finite()
    assert value == value.quantize(Decimal("0.01"))


@FUZZ
@given(st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2))
def test_parse_amount_round_trip(amount: Decimal) -> None:
    assert parse_amount(f"{amount:f}") == amount
    assert parse_amount(f"{amount:f}".replace(".", ",")) == amount
    dutch = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    assert parse_amount(f"€ {dutch}") == amount


@FUZZ
@given(TEXT)
def test_parse_duration_only_input_error(text: str) -> None:
    try:
        minutes = parse_duration(text)
    except InputError:
        return
    assert isinstance(minutes, int) and minutes >= 0


@FUZZ
@given(st.integers(min_value=0, max_value=999 * 60 + 59))
def test_parse_duration_round_trip(minutes: int) -> None:
    assert parse_duration(format_minutes(minutes)) == minutes
    assert parse_duration(f"{minutes}m") == minutes


@FUZZ
@given(st.one_of(TEXT, st.from_regex(r"\A[0-9]{4}(-[0-9]{1,2}|-?[Qq][1-4])?\Z")))
@example("0000-01")  # year 0: was ValueError from date()
@example("9999-12")  # the month after ends in year 10000: was ValueError
@example("9999-Q4")
@example("9999")
def test_parse_period_only_input_error(text: str) -> None:
    try:
        period = parse_period(text)
    except InputError:
        return
    assert isinstance(period, Period) and period.start < period.end


@FUZZ
@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9998, 1, 1)), st.sampled_from(["month", "quarter", "year"]))
def test_parse_period_round_trip(day: dt.date, kind: str) -> None:
    text = {"month": f"{day.year:04d}-{day.month:02d}", "quarter": f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}",
            "year": f"{day.year:04d}"}[kind]
    period = parse_period(text)
    assert day in period and str(period) == text and parse_period(str(period)) == period


@FUZZ
@given(st.one_of(TEXT, st.integers(), st.floats(), st.none(), st.booleans()))
def test_parse_date_only_input_error(value: object) -> None:
    try:
        day = parse_date(value)
    except InputError:
        return
    assert isinstance(day, dt.date)


@FUZZ
@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_parse_date_round_trip(day: dt.date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.day}-{day.month}-{day.year}") == day
    assert parse_date(f"{day:%d/%m/%Y}") == day


@FUZZ
@given(st.sampled_from(sorted(KIND_FIELDS)), CELL_VALUES)
@example("lastday", "31-12-9999")  # the day after does not exist: was OverflowError
@example("lastday", 2958465)  # the same day as an Excel serial
@example("int", "²")  # str.isdigit() says yes, int() says no: was ValueError
@example("int", "9" * 5000)  # more digits than int() accepts: was ValueError
@example("money", float("nan"))
@example("money", 1e300)  # would fail later when rounded to cents
@example("money", "1" * 40)
@example("date", 1e279)  # the message quoted all 280 digits
@example("duration", 1e279)
def test_parse_cell_only_input_error(kind: str, value: object) -> None:
    f = KIND_FIELDS[kind]
    try:
        out = parse_cell(f, value)
    except InputError as exc:
        assert len(exc.message) < 300  # never the whole (possibly huge) cell in a message
        return
    base = f.kind
    if base in ("text", "digits"):
        assert isinstance(out, str) and len(out) <= MAX_TEXT
    elif base == "choice":
        assert isinstance(out, str)
    elif base in ("date", "lastday"):
        assert type(out) is dt.date
    elif base == "bool":
        assert isinstance(out, bool)
    elif base in ("money", "decimal"):
        assert isinstance(out, Decimal) and out.is_finite() and abs(out) < 10**9
    elif base in ("duration", "int"):
        assert isinstance(out, int) and not isinstance(out, bool)


@FUZZ
@given(st.dates(min_value=dt.date(1928, 1, 1), max_value=dt.date(2100, 1, 1)))  # 5-digit Excel serials
def test_parse_cell_dates_every_way_people_write_them(day: dt.date) -> None:
    f = KIND_FIELDS["date"]
    names = dict(enumerate(["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                            "september", "oktober", "november", "december"], start=1))
    serial = (day - dt.date(1899, 12, 30)).days
    for value in (day.isoformat(), f"{day.day}-{day.month}-{day.year}", f"{day.day} {names[day.month]} {day.year}",
                  dt.datetime(day.year, day.month, day.day), serial, float(serial), str(serial)):
        assert parse_cell(f, value) == day, value


@FUZZ
@given(st.binary(max_size=300))
@example(b"opdracht;datum\n\x81\x8d;1-1-2026\n")  # not UTF-8, and not Windows-1252 either: was UnicodeDecodeError
@example(b'opdracht;datum\n"G1;1-1-2026\n')
@example(b"opdracht,datum\n\x00G1,1-1-2026\n")
def test_read_csv_only_input_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "uren.csv"
    path.write_bytes(data)
    try:
        tables = read_csv(path)
    except InputError as exc:
        assert exc.file == "uren.csv"
        return
    for table in tables:
        assert all(isinstance(h, str) for h in table.headers)
        assert all(isinstance(n, int) and n >= 2 for n, _ in table.rows)


@FUZZ
@given(st.lists(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
                                 max_size=12), min_size=3, max_size=3), min_size=1, max_size=8),
       st.sampled_from([";", ","]), st.sampled_from(["utf-8", "utf-8-sig"]))
def test_read_csv_round_trip(tmp_path: Path, rows: list[list[str]], sep: str, encoding: str) -> None:
    import csv
    import io

    header = ["opdracht", "datum", "activiteit"]
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=sep).writerows([header, *rows])
    path = tmp_path / "uren.csv"
    path.write_bytes(buf.getvalue().encode(encoding))
    broken = next((n for n, r in enumerate(rows, start=2) if any("\n" in v or "\r" in v for v in r)), None)
    if broken is not None:  # a line break inside a cell: refused, naming the row (an unclosed quote)
        with pytest.raises(InputError) as exc:
            read_csv(path)
        assert exc.value.row is not None and exc.value.row >= broken and "aanhalingsteken" in str(exc.value)
        return
    tables = read_csv(path)
    assert len(tables) == 1 and tables[0].headers == header
    kept = [r for r in rows if any(v.strip() for v in r)]
    assert [list(v) for _, v in tables[0].rows] == kept


def test_every_kind_is_fuzzed() -> None:
    assert {f.kind for spec in SHEETS for f in spec.fields} == {k.split(":")[0] for k in KIND_FIELDS}
    assert pytest.importorskip("hypothesis")
