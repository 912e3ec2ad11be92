"""The ✅/❌ claim lines of the lecture notebooks: printed always, raising only in strict mode."""

import pytest

from helpers.claims import STRICT_ENV, claim


def test_a_true_claim_prints_a_check_mark(capsys, monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")
    assert claim(True, "accuracy rises: 80 % → 90 %") is True
    assert capsys.readouterr().out == "✅ accuracy rises: 80 % → 90 %\n"


def test_a_false_claim_prints_a_cross_and_goes_on_in_a_live_lecture(capsys, monkeypatch):
    monkeypatch.delenv(STRICT_ENV, raising=False)
    assert claim(False, "accuracy rises: 90 % → 80 %") is False
    assert capsys.readouterr().out == "❌ accuracy rises: 90 % → 80 %\n"


def test_a_false_claim_fails_the_test_run(capsys, monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")
    with pytest.raises(AssertionError, match="❌ accuracy rises: 90 % → 80 %"):
        claim(False, "accuracy rises: 90 % → 80 %")
    assert "❌" in capsys.readouterr().out


def test_the_test_run_is_strict():
    import os

    assert os.environ.get(STRICT_ENV) == "1"


@pytest.mark.parametrize("statement", ["", "   ", None, 3])
def test_a_claim_needs_a_statement(statement):
    with pytest.raises(TypeError, match="statement must be a non-empty str"):
        claim(True, statement)
