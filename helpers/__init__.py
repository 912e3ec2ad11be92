"""Helpers for the "data for deep learning" notebooks.

One module per topic — import what a notebook needs from it, e.g.
``from helpers.data import load_mnist``:

- ``helpers.data``: bundled/full MNIST, stratified splits, a Dataset, RGB photos
- ``helpers.plotting``: image grids and the figures of each notebook
- ``helpers.standardization``: exact statistics, normalize and its inverse, and the
  measurements of notebook 03 (small deterministic training runs, 2-feature loss surface, colour patches)
- ``helpers.training``: the batched learning-curve engine (many small models trained at once, kept to
  evaluate on other images), a small CNN
- ``helpers.extrapolation``: power-law fit, back-test and bootstrap band of a learning curve
- ``helpers.augmentation_value``: how many examples augmentation is worth, read off a learning curve
- ``helpers.transforms``: the lecture's augmentation pipelines, ``FusedAugment`` (one affine
  resampling per batch) and image-quality scores
- ``helpers.widgets``: the augmentation explorer (ipywidgets sliders)
- ``helpers.env``: device choice and an environment report
- ``helpers.course``: where this course lives on GitHub (badges, Colab install)
- ``helpers.checks``: the homework self-checks ``check_task_N`` (a pass, or a hint that names the mistake)

Importing ``helpers`` never downloads, trains or prints anything.
"""

__version__ = "0.1.0"
