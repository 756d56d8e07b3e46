"""Numbers from the caller, checked one way everywhere (timeouts, rates, retry settings).

`math.isfinite` raises OverflowError on an int too large for a float, and repr() of an int
of thousands of digits raises ValueError: a setting of `10**400` must still get the same
clear ConfigurationError as NaN or infinity, so every check goes through here.
"""

from __future__ import annotations

# The longest wait any setting may ask for: a year. Finite values far past it (1e300) would
# pass a finiteness check and then overflow the platform's time_t in a sleep or a socket
# timeout, raising a raw OverflowError mid-call.
MAX_SECONDS = 365 * 24 * 3600.0


def finite(value: object) -> float | None:
    """The value as a finite float, or None: not a number (bools included), NaN, infinite,
    or an int too large to be a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if number - number == 0 else None  # false for NaN and infinities


def shown(value: object) -> str:
    """repr() for an error message, with huge ints described by size instead."""
    if isinstance(value, int) and value.bit_length() > 64:
        return f"an integer of {value.bit_length()} bits"
    return repr(value)


def seconds(value: object) -> float | None:
    """`finite`, and no longer than MAX_SECONDS (see there)."""
    number = finite(value)
    return number if number is not None and number <= MAX_SECONDS else None
