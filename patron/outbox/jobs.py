"""The outbox's worker side: send each queued message once its transaction has committed, every
minute sweep up what is waiting (a retry that fell due, a message whose worker stopped), and do
the same when a worker starts (patron.outbox.services explains the once-only sending)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, close_db, db_periodic_task

from patron.jobs.queue import job
from patron.outbox import services


@job(retries=0)
def mail_deliver(message_id):
    """Send the queued message; not retried by the queue, since the message keeps its own
    attempts and retry time (services.mail_deliver)."""
    services.mail_deliver(message_id)


@db_periodic_task(crontab(minute="*"))
def mail_deliver_waiting():
    services.mail_deliver_waiting()


@HUEY.on_startup()
@close_db
def mail_sweep_at_start():
    """A worker starting sends what is waiting, and takes up each message left being sent by a
    worker that stopped once its claim runs out (sooner than the minute's sweep)."""
    services.mail_deliver_waiting()
    now = timezone.now()
    for message_id, claim_end in services.mail_claims_pending():
        mail_deliver.schedule(args=(message_id,), eta=max(claim_end, now))
