"""Claims of the lecture, stated as visible lines: ``✅ claim: numbers`` or ``❌ claim: numbers``."""

from __future__ import annotations

import os

__all__ = ["claim", "STRICT_ENV"]

STRICT_ENV = "COURSE_STRICT_CLAIMS"


def claim(holds: object, statement: str) -> bool:
    """Print ``✅ statement`` when ``holds`` is true, else ``❌ statement``; return whether it held.

    ``statement`` says the claim with the numbers that decide it. A false claim lets "Run all" go on in a live
    lecture; under ``COURSE_STRICT_CLAIMS=1`` (the test run, executing notebooks to commit them) it raises
    ``AssertionError`` with the same line, so that the run fails.

    >>> claim(0.9 > 0.8, "accuracy rises: 80.0 % → 90.0 %")
    ✅ accuracy rises: 80.0 % → 90.0 %
    True
    """
    if not isinstance(statement, str) or not statement.strip():
        raise TypeError(f"statement must be a non-empty str, got {statement!r}")
    ok = bool(holds)
    line = f"{'✅' if ok else '❌'} {statement}"
    print(line, flush=True)
    if not ok and os.environ.get(STRICT_ENV, "") == "1":
        raise AssertionError(line)
    return ok
