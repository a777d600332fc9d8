"""Reads the pages and the API share: a customer's or an organisation's level and its history."""

from patron.relationships.models import CustomerLevel, LevelChange, OrganisationLevel, Step, StepRun


def level_of(*, customer=None, organisation=None):
    """The current CustomerLevel or OrganisationLevel (with its change and who set it), or None."""
    if customer is not None:
        rows = CustomerLevel.objects.filter(customer=customer)
    else:
        rows = OrganisationLevel.objects.filter(organisation=organisation)
    return rows.select_related("change__set_by").first()


def level_history(*, customer=None, organisation=None):
    """The changes, newest first."""
    party = {"customer": customer} if customer is not None else {"organisation": organisation}
    return LevelChange.objects.select_related("set_by").filter(**party).order_by("-at", "-id")


def playbook_steps(level=None, *, active=True):
    steps = Step.objects.filter(active=active).select_related("updated_by").order_by("level", "id")
    return steps.filter(level=level) if level else steps


def playbook_runs(customer, limit=10):
    """What the playbooks did for the customer lately, newest first (step_run_customer)."""
    return StepRun.objects.filter(customer=customer).select_related("step").order_by("-done_at")[:limit]
