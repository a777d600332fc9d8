"""What the tasks app tells the other apps, once the transaction that did it has committed:
``task_completed`` (receivers get ``task=``, the completed Task) when a task is marked done, so
that feedback can ask for a survey and a recurring follow-up can follow. A receiver runs in the
process that completed the task, after the commit: it should be quick and queue a job for long
work; one that raises is logged (``send_robust``) and the task stays done.
"""

from django.dispatch import Signal

from patron.commits import after_commit

task_completed = Signal()


def announce_completed(task):
    after_commit(task_completed.send_robust, sender=__name__, task=task)
