"""Money as ``Decimal``: one constructor that refuses floats, one rounding rule, one parser.

Where rounding happens (the only place is :func:`round_cents`):

* every invoice line and every payment line is rounded to the cent once, when its
  amount (quantity x unit price) is computed;
* totals are sums of rounded lines and are never rounded again;
* VAT is computed per VAT rate over the invoice (sum of the rounded lines at that rate,
  times the rate, rounded once).

Rounding is to the cent, ROUND_HALF_UP (0.005 -> 0.01), the way people round by hand.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from vergoeding.errors import InputError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def D(value: object = "0") -> Decimal:  # noqa: N802 - beancount's name, on purpose
    """Make a Decimal from str, int or Decimal. Floats are refused: they are not exact."""
    if isinstance(value, bool):
        raise TypeError("a bool is not an amount")
    if isinstance(value, float):
        raise TypeError(f"float {value!r} refused: write amounts as strings, e.g. D('5.75')")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError(f"bedrag {value} is geen getal")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            raise InputError(f"{value!r} is geen bedrag (verwacht bijvoorbeeld 12.50)") from None
        if not d.is_finite():
            raise InputError(f"{value!r} is geen bedrag")
        return d
    raise TypeError(f"cannot make an amount from {type(value).__name__}")


def unsigned_zero(amount: Decimal) -> Decimal:
    """``amount``, but a zero never carries a minus sign. ``Decimal`` keeps the sign of a
    zero (``-1 * Decimal("0.00")`` is ``Decimal("-0.00")``, as on a credit note that negates
    a KOR line without VAT), and every writer would show it: "-0.00" in a UBL, "€ -0,00"."""
    return amount.copy_abs() if amount.is_zero() else amount


def round_cents(amount: Decimal) -> Decimal:
    """Round to the cent, ROUND_HALF_UP. The package's only rounding function. The result
    is never a negative zero (-0.004 rounds to 0.00; see :func:`unsigned_zero`)."""
    return unsigned_zero(D(amount).quantize(CENT, rounding=ROUND_HALF_UP))


def to_cents(amount: Decimal) -> int:
    """Amount -> integer cents (for storage). The amount must already be whole cents."""
    q = D(amount)
    if q != round_cents(q):
        raise ValueError(f"{q} has more than two decimals; round first")
    return int(q * 100)


def from_cents(cents: int) -> Decimal:
    """Integer cents (from storage) -> Decimal with two decimals."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError("cents must be an int")
    return (Decimal(cents) / 100).quantize(CENT)


def money_sum(amounts: object) -> Decimal:
    """Sum of amounts, starting at 0.00 (so an empty sum still has two decimals)."""
    total = ZERO
    for a in amounts:  # type: ignore[attr-defined]
        total += D(a)
    return total


_CURRENCY = re.compile(r"^(?:€|eur|euro)\s*|\s*(?:€|eur|euro)$", re.IGNORECASE)
_DUTCH_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
_ENGLISH_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_amount(text: str, *, field: str | None = None) -> Decimal:
    """Parse an amount the way people type it; refuse what is ambiguous.

    Accepted: ``12,50``, ``12.50``, ``1.234,56``, ``1234.56``, ``1,234.56``, ``€ 12,50``,
    ``-3,00``. At most two decimals. Refused as ambiguous: ``1.234`` and ``1,234`` (a
    thousands separator or a decimal mark?) - write ``1234`` or ``1,23`` instead.
    """
    if not isinstance(text, str):
        raise TypeError("parse_amount takes text")
    raw = text
    s = _CURRENCY.sub("", text.strip()).strip().replace(" ", "").replace("\u00a0", "")
    sign = ""
    if s.startswith(("-", "+")):
        sign, s = ("-" if s[0] == "-" else ""), s[1:]
    if not s:
        raise InputError(f"leeg bedrag {raw!r}", field=field)
    if not re.fullmatch(r"[\d.,]+", s):
        raise InputError(f"{raw!r} is geen bedrag (verwacht bijvoorbeeld 12,50)", field=field)
    if "." in s and "," in s:
        if _DUTCH_THOUSANDS.match(s):
            s = s.replace(".", "").replace(",", ".")
        elif _ENGLISH_THOUSANDS.match(s):
            s = s.replace(",", "")
        else:
            raise InputError(f"{raw!r} is geen geldig bedrag (punten en komma's kloppen niet)", field=field)
    elif s.count(".") + s.count(",") > 1:
        if _DUTCH_THOUSANDS.match(s):
            s = s.replace(".", "")
        elif _ENGLISH_THOUSANDS.match(s):
            s = s.replace(",", "")
        else:
            raise InputError(f"{raw!r} is geen geldig bedrag", field=field)
    elif "." in s or "," in s:
        sep = "." if "." in s else ","
        whole, frac = s.split(sep)
        if not whole or not frac:
            raise InputError(f"{raw!r} is geen geldig bedrag", field=field)
        if len(frac) == 3:
            raise InputError(
                f"{raw!r} is dubbelzinnig: duizendtal of decimalen? "
                f"Schrijf {whole}{frac} of {whole},{frac[:2]}",
                field=field,
            )
        s = f"{whole}.{frac}"
    value = D(sign + s)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise InputError(f"{raw!r} heeft meer dan twee decimalen", field=field)
    try:
        value = value.quantize(CENT)
    except InvalidOperation:  # more digits than a Decimal holds (28)
        raise InputError(f"{raw!r} is te groot voor een bedrag", field=field) from None
    # "-0" and "-0,00" are zero: never a negative zero, which would be stored and shown as "-0"
    return value.copy_abs() if value.is_zero() else value
