"""What the tasks app holds about a customer (see patron/customers/registry.py).

A merge gives the merged customer's tasks to the survivor: the calls still to make are owed to
the one person. The copy of a person's data holds their tasks (titles and notes are written
about them). An erasure deletes them: a task's only purpose is to contact a person who has
asked to be forgotten, and its title and notes are free text about them; the reminders go with
them (Reminder cascades, and holds nothing about the person but its task; so do a reminder's
in-app notice and the e-mail it queued, which the outbox holds with the customer). Follow-up
rules and calendar feeds are about staff and every order, never one person.
"""

from patron.customers.registry import Holding, OnErase, OnMerge, Traces, register, register_traces
from patron.tasks.models import FollowUpRule, Task

register(Holding("tasks", Task, OnMerge.MOVE, OnErase.DELETE, customer_fields=("customer", "actor_customer")))
# A follow-up rule is about every order, never one person: its title is the tasks' it makes.
register_traces(
    Traces(FollowUpRule, ("remind_before_minutes",), personal=False, why="minutes before the due time")
)
