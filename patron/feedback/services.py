"""Surveys and feedback: send a survey, record its answer and comment, record feedback, and the
settings an Admin changes; each with its permission check, in one transaction.

Sending (``survey_send``): one invitation a call, by e-mail in the customer's language, with one
link per score. It is not sent, and kept as "skipped" with why, to a customer who has no e-mail
address, who refused e-mail (for any purpose: a satisfaction survey is not worth a doubt about
consent), who was merged or erased, or, when it was asked automatically (after an order, a task,
or by a playbook), who was sent one less than ``min_interval_days`` ago. By hand, a member of
staff may send one at any time.

Answering (``survey_answer``): the first answer counts; the public page records it on a POST
only, never on opening a link, so mail scanners that open every link record nothing
(patron.feedback.views). The person who answered may correct the score from the same browser
for CORRECTION_MINUTES, before writing a comment (``survey_correct``): a mis-tap on a phone is
mended, while anyone else's later click changes nothing. A comment may follow, once, while the
link is valid. A detractor (NPS 0-6) or a complaint opens a follow-up task for the
customer's owner at once (the settings' fallback, else the first active Admin), due the next
business day at 10:00 in the workspace's time zone.
"""

import hashlib
import secrets
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patron.accounts.permissions import require
from patron.accounts.roles import ADMIN
from patron.actors import Actor, ActorKind, as_actor, register_job
from patron.customers.models import Channel, Consent, Customer
from patron.feedback.events import announce_recorded
from patron.feedback.models import (
    SCORES,
    Band,
    Feedback,
    FeedbackCategory,
    FeedbackKind,
    SkipReason,
    Survey,
    SurveyKind,
    SurveyReason,
    SurveySettings,
    SurveyStatus,
    band_of,
)
from patron.interactions.models import Interaction
from patron.interactions.services import interaction_log
from patron.outbox.services import mail_render, mail_send
from patron.workspace.services import get_workspace, workspace_language

FOLLOW_UP_JOB = "feedback.follow_up"
register_job(FOLLOW_UP_JOB, gettext_lazy("feedback follow-up"))
HISTORY_JOB = "feedback.history"
register_job(HISTORY_JOB, gettext_lazy("survey answers in the contact history"))
# Asked by something other than a person choosing to: these respect the minimum interval.
AUTOMATIC = (SurveyReason.ORDER, SurveyReason.TASK, SurveyReason.PLAYBOOK)
COMMENT_LIMIT = 5000
# How long the person who answered may change the score from the same browser (before a comment).
CORRECTION_MINUTES = 10
FEEDBACK_TEXT_LIMIT = 10000
FOLLOW_UP_HOUR = 10


def survey_settings():
    return SurveySettings.objects.get_or_create(pk=1)[0]


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def customer_language(customer):
    """The customer's language if Patron speaks it ("th-TH" is Thai, "tl" Filipino), else the
    workspace's (by its country), else the default."""
    known = dict(settings.LANGUAGES)
    code = (customer.locale or "").replace("_", "-").split("-")[0].lower()
    code = "fil" if code == "tl" else code
    if code in known:
        return code
    return workspace_language()


def customer_email(customer):
    """The customer's primary e-mail address, else their first; "" when they have none."""
    points = sorted(customer.email_points, key=lambda point: (not point.is_primary, point.pk))
    return points[0].value if points else ""


def email_refused(customer):
    return Consent.objects.filter(customer=customer, channel=Channel.EMAIL, granted=False).exists()


def _skip_reason(customer, reason, interval_days, now):
    if customer.erased_at is not None:
        return SkipReason.ERASED
    if customer.merged_into_id:
        return SkipReason.MERGED
    if not customer_email(customer):
        return SkipReason.NO_EMAIL
    if email_refused(customer):
        return SkipReason.REFUSED
    if reason in AUTOMATIC and interval_days:
        since = now - timedelta(days=interval_days)
        recent = Survey.objects.filter(customer=customer, created_at__gte=since).exclude(
            status=SurveyStatus.SKIPPED
        )
        if recent.exists():
            return SkipReason.TOO_SOON
    return ""


def answer_links(survey, token, *, root=None):
    """[(score, absolute link)] of a survey, one a score, under ``root`` (the request's site),
    else settings.PATRON_BASE_URL (for e-mails sent without a request)."""
    root = (root or settings.PATRON_BASE_URL).rstrip("/")
    return [
        (score, root + reverse("feedback:answer", args=[survey.pk, token, score]))
        for score in SCORES[survey.kind]
    ]


def survey_send(*, by, customer, kind, reason, root_url=None):
    """Send ``customer`` a ``kind`` survey ("nps" or "csat") because of ``reason`` ("order",
    "task", "hand", "playbook"); returns the Survey, whose ``status`` says whether it went:
    "sent", "failed" (the mail server refused it; the outbox keeps the reply) or "skipped", with
    ``skip_reason`` and ``get_skip_reason_display()`` saying why not. ``root_url``: where the
    links point (the request's site), else PATRON_BASE_URL. Staff need to be allowed to log a
    contact (interactions.add_interaction); a scheduled job may always.

    The survey is recorded in a transaction of its own that locks the customer's row (so two
    automatic surveys at once keep the minimum interval), and the e-mail sent after it, so no
    transaction stays open through the SMTP conversation (unless the caller holds one). The
    e-mail goes through mail_send, not the outbox's queue, so that the record conceals the
    links' token: the database never holds a usable link."""
    actor = as_actor(by)
    require(actor, "interactions.add_interaction", customer=customer)
    if kind not in SurveyKind.values:
        raise ValidationError(
            {"kind": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(SurveyKind.values)}]}
        )
    if reason not in SurveyReason.values:
        raise ValidationError(
            {"reason": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(SurveyReason.values)}]}
        )
    config = survey_settings()
    columns = actor.columns("sent_by")
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        now = timezone.now()
        skip = _skip_reason(customer, reason, config.min_interval_days, now)
        if skip:
            return Survey.objects.create(
                customer=customer,
                kind=kind,
                reason=reason,
                status=SurveyStatus.SKIPPED,
                skip_reason=skip,
                **columns,
            )
        language = customer_language(customer)
        email = customer_email(customer)
        survey = Survey.objects.create(
            customer=customer,
            kind=kind,
            reason=reason,
            status=SurveyStatus.SENT,
            email=email,
            language=language,
            token_hash=hash_token(token),
            expires_at=now + timedelta(days=config.link_days),
            **columns,
        )
    context = {
        "customer": customer,
        "workspace": get_workspace(),
        "kind": kind,
        "links": answer_links(survey, token, root=root_url),
        "days": config.link_days,
    }
    subject, body = mail_render(f"feedback/mail/survey_{kind}", context, language=language)
    message = mail_send(
        to=email,
        subject=subject,
        body=body,
        by=actor,
        purpose="survey",
        language=language,
        customer=customer,
        conceal=[token],
        fail_silently=True,
    )
    survey.message = message
    if message.status == message.Status.FAILED:
        survey.status = SurveyStatus.FAILED
    survey.save(update_fields=["message", "status"])
    return survey


class LinkRefused(Exception):
    """A survey link that records nothing; ``code``: "invalid", "expired" or "answered"."""

    def __init__(self, code, survey=None):
        super().__init__(code)
        self.code = code
        self.survey = survey


def survey_by_link(survey_id, token):
    """The survey a link names, if its token is that survey's; LinkRefused("invalid") if not
    (no such survey, a forged token, another survey's token), ("expired") past its time."""
    survey = Survey.objects.select_related("customer").filter(pk=survey_id).first()
    if (
        survey is None
        or not survey.token_hash
        or not secrets.compare_digest(survey.token_hash, hash_token(token))
    ):
        raise LinkRefused("invalid")
    if survey.expires_at is None or survey.expires_at <= timezone.now():
        raise LinkRefused("expired", survey)
    return survey


def _locked(survey):
    return Survey.objects.select_for_update().select_related("customer").get(pk=survey.pk)


@transaction.atomic
def survey_answer(*, by, survey, score):
    """Record ``score`` as the answer to ``survey``, by ``by`` (the customer through the link;
    staff who recorded it by phone through the API need interactions.add_interaction). The
    first answer counts: a survey answered already raises LinkRefused("answered"). A detractor
    opens a follow-up task."""
    actor = as_actor(by)
    if actor.kind == ActorKind.CUSTOMER:
        if actor.customer_id != survey.customer_id:
            raise LinkRefused("invalid")
    else:
        require(actor, "interactions.add_interaction", customer=survey.customer)
    survey = _locked(survey)
    if survey.status == SurveyStatus.SKIPPED:
        raise ValidationError({"survey": [_("This survey was not sent.")]})
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES[survey.kind]:
        low, high = SCORES[survey.kind][0], SCORES[survey.kind][-1]
        raise ValidationError(
            {"score": [_("Give a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}]}
        )
    if survey.answered_at is not None:
        raise LinkRefused("answered", survey)
    survey.score = score
    survey.band = band_of(survey.kind, score)
    survey.answered_at = timezone.now()
    survey.answer_actor_kind = actor.kind
    survey.answered_by = actor.user
    survey.answer_actor_customer_id = actor.customer_id
    if survey.band == Band.DETRACTOR:
        survey.follow_up = _follow_up(survey.customer, _detractor_title(survey))
    survey.save()
    _history(
        survey,
        lambda: _("%(survey)s answered: %(score)d of %(most)d (%(band)s)") % _answer_words(survey),
        staff=actor.user,
    )
    announce_recorded([survey.customer_id])
    return survey


def _answer_words(survey):
    return {
        "survey": survey.kind.upper(),  # NPS, CSAT: the same in every language
        "score": survey.score,
        "most": SCORES[survey.kind][-1],
        "band": survey.get_band_display(),
    }


def _history(survey, subject, body="", staff=None):
    """An answer, its correction or its comment in the customer's contact history: an inbound
    contact, logged by the system, its subject in the workspace's language, which the staff who
    read the history share. On the web when the customer wrote it; by phone when ``staff``
    recorded their answer (the API)."""
    with translation.override(workspace_language()):
        subject = subject()
    interaction_log(
        by=Actor.system(job=HISTORY_JOB),
        staff=staff,
        customer=survey.customer,
        channel=Interaction.Channel.PHONE if staff else Interaction.Channel.WEB,
        direction=Interaction.Direction.INBOUND,
        subject=subject,
        body=body,
    )


def _detractor_title(survey):
    return lambda: (
        _("Follow up: %(customer)s answered %(score)d of 10 to the NPS survey")
        % {"customer": survey.customer, "score": survey.score}
    )


def correctable(survey, now=None):
    """Whether the customer's answer may still be changed: answered by the customer less than
    CORRECTION_MINUTES ago, without a comment. (That it is the same browser, the view checks.)"""
    return (
        survey.answered_at is not None
        and survey.answer_actor_kind == ActorKind.CUSTOMER
        and not survey.comment
        and (now or timezone.now()) - survey.answered_at < timedelta(minutes=CORRECTION_MINUTES)
    )


@transaction.atomic
def survey_correct(*, by, survey, score):
    """Change the customer's answer to ``score``, by the customer, while ``correctable``; else
    LinkRefused("answered"). The answer keeps its time (the window does not grow). The follow-up
    follows the score: a detractor's open task is retitled, or opened when there is none open;
    an answer that is no longer a detractor's cancels the open one (kept on the survey, as history)."""
    from patron.tasks.models import Task
    from patron.tasks.services import task_cancel, task_update

    actor = as_actor(by)
    if actor.kind != ActorKind.CUSTOMER or actor.customer_id != survey.customer_id:
        raise LinkRefused("invalid")
    survey = _locked(survey)
    if score not in SCORES[survey.kind]:
        raise LinkRefused("invalid")
    if not correctable(survey):
        raise LinkRefused("answered", survey)
    if score == survey.score:
        return survey
    survey.score = score
    survey.band = band_of(survey.kind, score)
    task = survey.follow_up
    is_open = task is not None and task.status == Task.Status.OPEN
    system = Actor.system(job=FOLLOW_UP_JOB)
    if survey.band == Band.DETRACTOR and is_open:
        with translation.override(_assignee_language(task.assignee)):
            task_update(by=system, task=task, title=_detractor_title(survey)()[:200])
    elif survey.band == Band.DETRACTOR:
        survey.follow_up = _follow_up(survey.customer, _detractor_title(survey))
    elif is_open:
        task_cancel(by=system, task=task)
    survey.save()
    _history(
        survey,
        lambda: _("%(survey)s answer corrected: %(score)d of %(most)d (%(band)s)") % _answer_words(survey),
    )
    announce_recorded([survey.customer_id])
    return survey


@transaction.atomic
def survey_comment(*, by, survey, comment):
    """Add the customer's comment to their answer, once; LinkRefused("answered") if it has one."""
    actor = as_actor(by)
    if actor.kind != ActorKind.CUSTOMER or actor.customer_id != survey.customer_id:
        require(actor, "interactions.add_interaction", customer=survey.customer)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": [_("Write a comment, or close this page.")]})
    if len(comment) > COMMENT_LIMIT:
        raise ValidationError({"comment": [_("At most %(limit)d characters.") % {"limit": COMMENT_LIMIT}]})
    survey = _locked(survey)
    if survey.answered_at is None:
        raise ValidationError({"comment": [_("Choose a score first.")]})
    if survey.comment:
        raise LinkRefused("answered", survey)
    survey.comment = comment
    survey.commented_at = timezone.now()
    survey.save(update_fields=["comment", "commented_at"])
    _history(survey, lambda: _("Comment on the %(survey)s survey") % {"survey": survey.kind.upper()}, comment)
    announce_recorded([survey.customer_id])
    return survey


def _first_admin():
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(Q(is_superuser=True) | Q(groups__name=ADMIN)).order_by("pk").first()


def follow_up_assignee(customer):
    """Who follows up: the customer's owner, else the settings' fallback, else the first Admin."""
    for user in (customer.owner, survey_settings().fallback_assignee):
        if user is not None and user.is_active:
            return user
    return _first_admin()


def next_business_morning(now=None):
    """The next weekday (Monday to Friday) after ``now``, at FOLLOW_UP_HOUR in the workspace's zone."""
    zone = ZoneInfo(get_workspace().time_zone)
    day = (now or timezone.now()).astimezone(zone).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(FOLLOW_UP_HOUR), tzinfo=zone)


def _assignee_language(user):
    from patron.accounts.models import UserProfile

    profile = UserProfile.objects.filter(user=user).first() if user else None
    return (profile.language if profile else "") or settings.LANGUAGE_CODE


def _follow_up(customer, title):
    """Open the follow-up task (as the system's job: the customer may not create tasks), titled
    by ``title()`` in its assignee's language; None when nobody can take it."""
    from patron.tasks.services import task_create

    assignee = follow_up_assignee(customer)
    if assignee is None:
        return None
    with translation.override(_assignee_language(assignee)):
        title = title()[:200]
    return task_create(
        by=Actor.system(job=FOLLOW_UP_JOB),
        customer=customer,
        title=title,
        due_at=next_business_morning(),
        assignee=assignee,
        kind="call",
    )


def _check_choice(value, choices, field, errors):
    if value not in choices:
        errors[field] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}]


@transaction.atomic
def feedback_record(*, by, customer, kind, category, text="", link="", occurred_at=None):
    """Record what ``customer`` said: a compliment, concern, complaint, public review (``link``:
    where it is published) or co-created idea, in ``category`` (a FeedbackCategory in use).
    A complaint opens a follow-up task for the customer's owner at once. Staff need to be
    allowed to log a contact (interactions.add_interaction)."""
    actor = as_actor(by)
    require(actor, "interactions.add_interaction", customer=customer)
    errors = {}
    if customer.merged_into_id:
        errors["customer"] = [_("This customer was merged into another one.")]
    _check_choice(kind, FeedbackKind.values, "kind", errors)
    if category is None or not category.is_active:
        errors["category"] = [_("Choose a category in use.")]
    text = (text or "").strip()
    if len(text) > FEEDBACK_TEXT_LIMIT:
        errors["text"] = [_("At most %(limit)d characters.") % {"limit": FEEDBACK_TEXT_LIMIT}]
    elif not text and not link:
        errors["text"] = [_("Say what the customer said.")]
    if occurred_at is not None and timezone.is_naive(occurred_at):
        errors["occurred_at"] = [_("Give the time with its time zone.")]
    if errors:
        raise ValidationError(errors)
    feedback = Feedback(
        customer=customer,
        kind=kind,
        category=category,
        text=text,
        link=link or "",
        occurred_at=occurred_at or timezone.now(),
        **actor.columns("recorded_by"),
    )
    try:
        feedback.full_clean(exclude=["customer", "category", "follow_up", "recorded_by", "actor_customer"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    if kind == FeedbackKind.COMPLAINT:
        feedback.follow_up = _follow_up(
            customer,
            lambda: (
                _("Follow up: a complaint from %(customer)s about %(category)s")
                % {"customer": customer, "category": category}
            ),
        )
    feedback.save()
    announce_recorded([customer.pk])
    return feedback


MANAGE = "feedback.manage_feedback"
SETTINGS_FIELDS = (
    "after_orders",
    "after_orders_count",
    "after_orders_kind",
    "after_task",
    "after_task_kind",
    "min_interval_days",
    "link_days",
    "fallback_assignee",
)


@transaction.atomic
def settings_update(*, by, **values):
    """Change the survey settings (Admins: feedback.manage_feedback); fields not given stay."""
    require(by, MANAGE)
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This setting does not exist.")] for name in sorted(unknown)})
    config = SurveySettings.objects.select_for_update().get(pk=survey_settings().pk)
    for name, value in values.items():
        setattr(config, name, value)
    errors = {}
    if not 1 <= config.after_orders_count <= 1000:
        errors["after_orders_count"] = [
            _("Give a whole number from %(low)d to %(high)d.") % {"low": 1, "high": 1000}
        ]
    if not 1 <= config.link_days <= 365:
        errors["link_days"] = [_("Give a whole number from %(low)d to %(high)d.") % {"low": 1, "high": 365}]
    if not 0 <= config.min_interval_days <= 3650:
        errors["min_interval_days"] = [
            _("Give a whole number from %(low)d to %(high)d.") % {"low": 0, "high": 3650}
        ]
    _check_choice(config.after_orders_kind, SurveyKind.values, "after_orders_kind", errors)
    _check_choice(config.after_task_kind, SurveyKind.values, "after_task_kind", errors)
    if config.fallback_assignee is not None and not config.fallback_assignee.is_active:
        errors["fallback_assignee"] = [_("Choose an active member of staff.")]
    if errors:
        raise ValidationError(errors)
    config.save()
    return config


def _check_name(name):
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the category a name.")]})
    if len(name) > 100:
        raise ValidationError({"name": [_("At most %(limit)d characters.") % {"limit": 100}]})
    return name


@transaction.atomic
def category_add(*, by, name):
    require(by, MANAGE)
    name = _check_name(name)
    position = (
        FeedbackCategory.objects.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    return FeedbackCategory.objects.create(name=name, position=position)


@transaction.atomic
def category_change(*, by, category, name=None, is_active=None):
    """Rename a category (a default one then shows the new name in every language) or take it
    out of use (its feedback keeps it) and back."""
    require(by, MANAGE)
    # A default category's name as shown (in the reader's language) sent back unchanged stays a
    # default one, shown in every reader's language.
    if name is not None and _check_name(name) != str(category):
        category.name = _check_name(name)
    if is_active is not None:
        category.is_active = bool(is_active)
    category.save()
    return category
