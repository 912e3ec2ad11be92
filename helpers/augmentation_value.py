"""How many training examples is augmentation worth? Read off the learning curve without augmentation.

The functions live in ``helpers.curves`` (``equivalent_size`` states the one rule for sizes
outside the measured range); this module keeps the notebooks'
``from helpers.augmentation_value import augmentation_worth, worth_table`` working.
"""

from __future__ import annotations

from helpers.curves import HOW, Worth, augmentation_worth, equivalent_size, worth_table

__all__ = ["HOW", "Worth", "augmentation_worth", "equivalent_size", "worth_table"]
