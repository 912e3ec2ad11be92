"""Self-checks for the homework: ``check_task_N(answer, …)`` says whether an answer is right — and if not, why.

A check tests the properties the task asks for, so every correct way of writing an answer passes; a wrong answer is
compared with the task's typical mistakes, so the hint names the mistake. It prints ``✅ Task N passed: …``,
``❌ Task N — not yet: …`` with the hint, or ``⏳ Task N: not done yet …`` while an answer is ``...`` or ``None``.
It never raises because of the answer (``TypeError`` or ``ValueError`` only when the task's own inputs or settings
are unusable) and does not touch the notebook's random state; ``grade_task(N, …)`` runs it for the autograder and
raises ``AssertionError`` with the hint unless the task passed. One module per task:

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
