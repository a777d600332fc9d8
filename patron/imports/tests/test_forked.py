"""The child process an import hands its rules to: it computes, and only that."""

import os

import pytest

from patron.customers.models import Customer
from patron.imports.forked import Forked


def test_the_work_is_done_in_another_process_which_ends_with_close():
    with Forked(lambda item: (os.getpid(), item * 2)) as forked:
        pid, doubled = forked(21)
        assert (pid != os.getpid(), doubled) == (True, 42)
        assert forked(-1)[1] == -2  # it takes one item after another
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_an_error_in_the_child_is_raised_here():
    def work(_item):
        raise ValueError("a bad row")

    with Forked(work) as forked, pytest.raises(ValueError, match="a bad row"):
        forked(None)


def test_an_answer_that_cannot_be_pickled_is_told_as_an_error():
    with Forked(lambda _item: lambda: None) as forked, pytest.raises(RuntimeError, match="pickle"):
        forked(None)


@pytest.mark.django_db
def test_the_child_may_not_use_the_database_and_leaves_the_parents_connection_alone(thai_shop):
    Customer.objects.create(display_name="Somchai")
    with (
        Forked(lambda _item: Customer.objects.count()) as forked,
        pytest.raises(RuntimeError, match="may not use the database"),
    ):
        forked(None)
    assert Customer.objects.count() == 1  # the parent's connection still works
