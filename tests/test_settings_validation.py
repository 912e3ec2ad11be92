"""A bad value in a notebook's Settings cell stops "Run all" at once, naming the setting and its range."""

from __future__ import annotations

import math

import pytest

from helpers.validation import check_setting


@pytest.mark.parametrize(("name", "value", "low", "high", "integer"), [
    ("SEED", 0, 0, 2**31 - 1, True),
    ("SEED", 119, 0, 2**31 - 1, True),
    ("REPEATS", 2, 2, math.inf, True),
    ("TARGET_ACCURACY", 0.85, 0.5, 0.95, False),
    ("TARGET_ACCURACY", 1, 0.5, 1.0, False),  # an int is a number too
])
def test_a_value_in_range_passes(name, value, low, high, integer):
    assert check_setting(name, value, low, high, integer) is None


@pytest.mark.parametrize(("value", "integer", "message"), [
    (-1, True, "SEED = -1 is outside its range; allowed: an integer from 0 to 100"),
    (101, True, "SEED = 101 is outside its range; allowed: an integer from 0 to 100"),
    (1.5, True, "SEED = 1.5 is outside its range; allowed: an integer from 0 to 100"),
    (True, True, "SEED = True is outside its range"),  # a bool is not a seed
    ("3", True, "SEED = '3' is outside its range"),
    (float("nan"), False, "SEED = nan is outside its range; allowed: a number from 0 to 100"),
])
def test_a_bad_value_raises_a_value_error_naming_the_setting_and_its_range(value, integer, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", "\\(").replace(")", "\\)")):
        check_setting("SEED", value, 0, 100, integer)


def test_an_open_range_says_upwards():
    with pytest.raises(ValueError, match="REPEATS = 1 is outside its range; allowed: an integer from 2 upwards"):
        check_setting("REPEATS", 1, 2, math.inf)
