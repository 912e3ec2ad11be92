"""Would more data help? The power-law fit, back-test and band of a learning curve.

The functions live in ``helpers.curves`` (with the rest of the analysis of learning curves);
this module keeps the notebooks' ``from helpers.extrapolation import fit_power_law`` working.
"""

from __future__ import annotations

from helpers.curves import PowerLawFit, fit_power_law, power_law

__all__ = ["PowerLawFit", "fit_power_law", "power_law"]
