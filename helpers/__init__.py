"""Helpers for the "data for deep learning" notebooks.

One module per topic — import what a notebook needs from it, e.g.
``from helpers.data import load_mnist``:

- ``helpers.data``: bundled/full MNIST, stratified splits, a Dataset, RGB photos and patches cut from them
- ``helpers.plotting``: image grids and the figures of each notebook
- ``helpers.standardization``: exact statistics, normalize and its inverse
- ``helpers.loop``: the plain training loop, ``accuracy`` and the MLP builder (notebook 01's cell)
- ``helpers.runs``: small deterministic training runs on tensors and the learning-rate search (notebook 03)
- ``helpers.geometry``: the quadratic loss of a 2-feature linear model (its surface, curvature,
  minimum and gradient descent on it): 03's explorer and 03b's figures
- ``helpers.curves``: the ``LearningCurve`` record, its bootstrap and bands, the gain per doubling and the
  difference of two curves, and the records the analyses return — numpy/scipy only
- ``helpers.extrapolation``: power-law fit, back-test and the bracket beyond the measured sizes
- ``helpers.worth``: how many examples augmentation is worth (``equivalent_size``, ``worth_intervals``)
- ``helpers.training``: the batched learning-curve engine (many small models trained at once, kept to
  evaluate on other images), a small CNN: ``plan = plan_learning_curve(labels, train_pool, val_idx, sizes)``,
  then ``learning_curve(images, labels, plan, "mlp", Training(epochs=30, lr=0.1))``
- ``helpers.batched``: the engine's stacked models: one batched forward and gradient for all of them
- ``helpers.transforms``: the lecture's augmentation pipelines, ``FusedAugment`` (one affine
  resampling per batch) and image-quality scores
- ``helpers.widgets``: 02's augmentation explorer; ``helpers.explorers``: 01, 03 and 04's explorers;
  both on one framework, ``helpers.explorer_base`` (ipywidgets controls, one picture per view)
- ``helpers.env``: device choice and an environment report
- ``helpers.checks``: the homework self-checks ``check_task_N`` (a pass, or a hint that names the mistake),
  one module per task
- ``helpers.claims``: ``claim(...)``, the lecture's claims as visible ✅/❌ lines (strict in the test run)
- ``helpers.images``: the one image converter: any image the course handles as a numpy array, channels last
- ``helpers.validation``: the shared argument checks and their messages, the Settings ranges

Importing ``helpers`` never downloads, trains or prints anything. Maintainer tools (executing
notebooks, slides, the GitHub address, releasing homework) live in ``tools/``, outside this package.
"""

__version__ = "0.1.0"
