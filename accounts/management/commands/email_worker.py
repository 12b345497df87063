"""Delivers the emails of the outbox until stopped (accounts/emails.py says how)."""

import signal
import threading

from django.core.management.base import BaseCommand

from accounts.emails import outbox_work, worker_id_new


class Command(BaseCommand):
    help = (
        "Delivers the outbox's emails, with retries, until SIGTERM or SIGINT (the email "
        "being sent is finished first). Several workers may share one database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch",
            action="store_true",
            help="deliver what is due now, then exit (a cron job, or a flush after an outage)",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds to wait when nothing is due (default 1)",
        )

    def handle(self, *args, batch: bool, interval: float, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        worker_id = worker_id_new()
        self.stdout.write(f"email worker {worker_id} started", ending="\n")
        self.stdout.flush()
        interval = max(interval, 0.05)
        sent = outbox_work(worker_id=worker_id, stop=stop, interval=interval, batch=batch)
        self.stdout.write(f"email worker {worker_id} stopped; {sent} email(s) sent")
