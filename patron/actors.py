"""Who does an action: a staff member, the customer themselves (through the portal to come) or
the system (a job). Services take one as ``by`` (a user alone is taken as staff), check it with
``patron.accounts.permissions.require`` and record it beside what they write: the kind, the user
(staff, or who asked a job), the customer, and the job's name."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class ActorKind(models.TextChoices):
    STAFF = "staff", gettext_lazy("staff")
    CUSTOMER = "customer", gettext_lazy("customer")
    SYSTEM = "system", gettext_lazy("system")


# Names of jobs as people read them ("nightly scoring"), by the job's name; see register_job.
_job_labels = {}


def register_job(name, label):
    """Give the job ``name`` the words shown for it in histories (lazily translated)."""
    _job_labels[name] = label


def job_label(name):
    return str(_job_labels.get(name, name))


@dataclass(frozen=True)
class Actor:
    kind: str
    user: object = None  # the staff member, or the user who asked a job
    customer_id: int | None = None  # the customer acting on their own records
    job: str = ""  # the system's job

    @classmethod
    def staff(cls, user):
        if user is None:
            raise ValueError("A staff actor is a user.")
        return cls(ActorKind.STAFF.value, user=user)

    @classmethod
    def customer(cls, customer):
        return cls(ActorKind.CUSTOMER.value, customer_id=getattr(customer, "pk", customer))

    @classmethod
    def system(cls, *, job, requested_by=None):
        """A job at work; ``requested_by``: the user who asked for it, None when it was scheduled."""
        if not job:
            raise ValueError("The system acts in a job, named.")
        return cls(ActorKind.SYSTEM.value, user=requested_by, job=job)

    @classmethod
    def for_job(cls, job, requested_by_id):
        """The system in ``job``, asked by the user of that id (or scheduled when None). A job
        whose requester was deleted meanwhile may do nothing: it is not taken as scheduled."""
        from django.contrib.auth import get_user_model
        from django.core.exceptions import PermissionDenied

        if requested_by_id is None:
            return cls.system(job=job)
        user = get_user_model().objects.filter(pk=requested_by_id).first()
        if user is None:
            raise PermissionDenied(_("You do not have permission to do this."))
        return cls.system(job=job, requested_by=user)

    @property
    def user_id(self):
        return self.user.pk if self.user is not None else None

    def columns(self, user_field="actor"):
        """The values to record the actor in a row: ``user_field`` (the user) and the actor_*
        columns (actor_customer only for a customer: a row only staff or jobs write has none)."""
        values = {user_field: self.user, "actor_kind": self.kind, "actor_job": self.job}
        if self.customer_id is not None:
            values["actor_customer_id"] = self.customer_id
        return values


def as_actor(by):
    """An Actor as given, or a user taken as staff (callers that pass ``by=user`` as before)."""
    if isinstance(by, Actor):
        return by
    if by is None:
        return None
    return Actor.staff(by)


def actor_text(kind, user, job=""):
    """Who did it, in plain words: "Somchai (staff)", "the customer", "system: nightly scoring,
    asked by Somchai"."""
    name = (user.get_full_name() or user.get_username()) if user is not None else ""
    if kind == ActorKind.CUSTOMER:
        return _("the customer")
    if kind == ActorKind.STAFF:
        return _("%(name)s (staff)") % {"name": name} if name else _("a staff member")
    if not job:
        return _("system")
    if name:
        return _("system: %(job)s, asked by %(name)s") % {"job": job_label(job), "name": name}
    return _("system: %(job)s") % {"job": job_label(job)}
