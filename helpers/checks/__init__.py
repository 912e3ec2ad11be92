"""Self-checks for the homework: ``check_task_N(answer, …)`` says whether an answer is right — and if not, why.

Each check verifies the properties the task asks for (for a pipeline: output shape,
dtype, value range, determinism, the spec's pixels and random draws; for a learning
curve: its sizes, model, settings and split; for datasets: which split each uses), so
every correct way of writing an answer passes. When an answer is wrong, the check
compares it with the *typical* wrong answers of that task, so the hint names the
mistake, e.g. "your std equals the mean of per-batch stds — compute it over all pixels
at once". A check prints one of

- ``✅ Task N passed: …`` (and what the answer means),
- ``❌ Task N — not yet: …`` with a specific hint,
- ``⏳ Task N: not done yet …`` while an answer is still ``...`` or ``None`` (the student stub).

A check never raises because of the answer (a wrong type or a transform that fails
is a hint, too); it raises ``ValueError`` only when the task's own inputs are unusable.
``grade_task(N, …)`` runs the same check for the autograder and raises ``AssertionError``
with the hint unless the task passed. Checks do not touch the notebook's random state.

This package's names are the checks the homework calls; one module per task:

- ``common``: the ``Hint`` record, the ✅/❌/⏳ report, ``grade_task`` and what several tasks share
- ``task1``: the train/test pipelines
- ``task2``: exact per-channel statistics
- ``task3``: a learning curve, its gain per doubling, interval and decision
- ``task4``: what augmentation is worth in examples
- ``task5``: random transforms at test time
"""

from helpers.checks.common import grade_task
from helpers.checks.task1 import check_task_1
from helpers.checks.task2 import check_task_2
from helpers.checks.task3 import check_task_3
from helpers.checks.task4 import check_task_4
from helpers.checks.task5 import check_task_5

__all__ = ["check_task_1", "check_task_2", "check_task_3", "check_task_4", "check_task_5", "grade_task"]
