"""What the tasks app holds about a customer (see patron/customers/registry.py).

A merge gives the merged customer's tasks to the survivor: the calls still to make are owed to
the one person. The copy of a person's data holds their tasks (titles and notes are written
about them). An erasure deletes them: a task's only purpose is to contact a person who has
asked to be forgotten, and its title and notes are free text about them; the reminders go with
them (Reminder cascades, and holds nothing about the person but its task).
"""

from patron.customers.registry import Holding, OnErase, OnMerge, register
from patron.tasks.models import Task

register(Holding("tasks", Task, OnMerge.MOVE, OnErase.DELETE, customer_fields=("customer", "actor_customer")))
