"""Helpers for the "data for deep learning" notebooks.

One module per topic — import what a notebook needs from it, e.g.
``from helpers.data import load_mnist``:

- ``helpers.data``: bundled/full MNIST, stratified splits, a Dataset, RGB photos
- ``helpers.plotting``: image grids and the figures of each notebook
- ``helpers.standardization``: exact statistics, normalize and its inverse
- ``helpers.env``: device choice and an environment report
- ``helpers.course``: where this course lives on GitHub (badges, Colab install)

Importing ``helpers`` never downloads, trains or prints anything.
"""

__version__ = "0.1.0"
