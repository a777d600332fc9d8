import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, connections
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication


class PatronServer(BaseApplication):
    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from patron.wsgi import application

        return application


def default_workers():
    """One worker process per core this process may use. Python runs one thread at a time in a
    process, so a second process on a core only takes turns with the first, which stretches the
    slowest answers: 20 clients on 2 cores got p95 535-728 ms from 3 workers and 432-507 ms from
    2, at the same 67-70 requests a second. The threads of each worker cover its waits on the
    database and the network, and keep an idle keep-alive connection from holding a worker."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Command(BaseCommand):
    help = "Serve Patron with gunicorn (static files through WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="host:port (default 127.0.0.1:8000)")
        parser.add_argument(
            "--workers", type=int, default=default_workers(), help="worker processes (default: one per core)"
        )
        parser.add_argument("--threads", type=int, default=4, help="threads per worker")
        parser.add_argument(
            "--timeout", type=int, default=60, help="seconds before a stuck worker is restarted"
        )

    def handle(self, *args, **options):
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        check_migrated()
        # Incremental: copies only what is missing or changed, so a new data directory or an
        # upgrade of Patron serves its own pages' assets without a separate step.
        call_command("collectstatic", interactive=False, verbosity=0)
        # gunicorn's control socket (gunicornc) and its workers' heartbeat files, inside the
        # data directory rather than in $XDG_RUNTIME_DIR, ~/.gunicorn or /tmp.
        run_dir = Path(settings.DATA_DIR) / "run"
        run_dir.mkdir(mode=0o700, exist_ok=True)
        # The workers are forked from this process: none may inherit its database connection
        # (SQLite forbids using one across a fork; each worker thread opens and keeps its own).
        connections.close_all()
        PatronServer(
            {
                "bind": options["bind"],
                "workers": options["workers"],
                "threads": options["threads"],
                "timeout": options["timeout"],
                "accesslog": "-",
                "access_log_format": ACCESS_LOG_FORMAT,
                "control_socket": str(run_dir / "gunicorn.ctl"),
                "control_socket_mode": 0o600,
                "worker_tmp_dir": str(run_dir),
                "umask": 0o077,
            }
        ).run()


# Gunicorn's default, less the query string and the referrer: a search for a person's name or
# phone must not stay in a log that erasing them cannot reach.
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'


def check_migrated():
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        raise CommandError(f"Cannot open the database ({exc}).") from exc
    if pending:
        raise CommandError(
            f"The database lacks {len(pending)} migration(s): run `patron migrate`, then `patron serve`."
        )
