"""Maintainer tools of the course repository: run as ``python -m tools.<name>`` (or through ``tasks.py``).

Not part of the ``helpers`` wheel that students install on Colab; nothing in ``helpers`` imports them.

- ``tools.execute``: run notebooks in place and save their outputs (progress bars in their final state)
- ``tools.slides``: the RISE slide layout of the lecture notebooks
- ``tools.set_repo``: re-point every Colab badge and install line at another GitHub ``owner/repo``
- ``tools.course``: where the course lives on GitHub (the one place ``owner/repo`` is written)
- ``tools.homework``, ``tools.grade``: release and grade the homework (``tools.grade`` runs each student's
  kernel in a sandbox with ``tools.notebooks`` and judges the answers it hands in with ``tools.judge``)
- ``tools.site``: build the course website
"""
