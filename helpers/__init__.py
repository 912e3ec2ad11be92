"""Helpers for the "data for deep learning" notebooks, one module per topic: ``from helpers.data import load_mnist``.

- ``helpers.data``: bundled/full MNIST, stratified splits, a Dataset, RGB photos and patches cut from them
- ``helpers.plotting``: image grids and the figures of each notebook
- ``helpers.standardization``: exact statistics, normalize and its inverse
- ``helpers.loop``: the plain training loop, ``accuracy`` and the MLP builder (notebook 01's cell)
- ``helpers.runs``: small deterministic training runs on tensors and the learning-rate search (notebook 03)
- ``helpers.geometry``: the quadratic loss of a 2-feature linear model: 03's explorer and 03b's figures
- ``helpers.curves``: the ``LearningCurve`` record, its bootstrap, bands, gains and differences; the analyses' records
- ``helpers.extrapolation``: power-law fit, back-test and the bracket beyond the measured sizes
- ``helpers.worth``: how many examples augmentation is worth (``equivalent_size``, ``worth_intervals``)
- ``helpers.training``: the batched learning-curve engine (many small models trained at once) and a small CNN
- ``helpers.batched``: the engine's stacked models: one batched forward and gradient for all of them
- ``helpers.transforms``: the lecture's augmentation pipelines, ``FusedAugment`` and image-quality scores
- ``helpers.widgets``: 02's augmentation explorer; ``helpers.explorers``: 01, 03 and 04's explorers;
  both on one framework, ``helpers.explorer_base``
- ``helpers.env``: device choice and an environment report
- ``helpers.checks``: the homework self-checks ``check_task_N``, one module per task
- ``helpers.claims``: ``claim(...)``, the lecture's claims as visible ✅/❌ lines
- ``helpers.images``: the one image converter: any image as a numpy array, channels last
- ``helpers.validation``: the shared argument checks and their messages, the Settings ranges

Importing ``helpers`` never downloads, trains or prints anything; maintainer tools live in ``tools/``.
"""

__version__ = "0.1.0"
