"""`manage.py email_worker` as deployed: real processes on the test database, a real SMTP server.

A worker killed between claiming an email and sending it, a mail server that is
down and then comes back, two workers on one queue: every email arrives, once.
The processes read config.settings with the test database and secret key, so
they open what the tests wrote.
"""

import os
import signal
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from accounts import emails
from accounts.models import OutboxEmail
from tests.servers import ROOT, base_env, free_port
from tests.smtp import SmtpServer

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

# Generous: a busy machine may be slow; a passing wait takes a fraction of it.
WITHIN = 60


def _database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + database["NAME"]))


def worker_env(*, smtp_port: int, **overrides: str) -> dict[str, str]:
    """The production settings on the test database, sending to the test SMTP server."""
    return base_env(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        DATABASE_URL=_database_url(),
        DJANGO_EMAIL_BACKEND="smtp",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        AUTH_EMAIL_RETRY_SECONDS="1",
        AUTH_EMAIL_RETRY_MAX_SECONDS="1",
        **overrides,
    )


class Worker:
    def __init__(self, log_path, *, smtp_port: int, **overrides: str):
        env = worker_env(smtp_port=smtp_port, **overrides)
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "email_worker", "--interval", "0.1"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=WITHIN)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=WITHIN)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def workers(tmp_path):
    started = []

    def start(**kwargs) -> Worker:
        worker = Worker(tmp_path / f"worker-{len(started)}.log", **kwargs)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.kill()


@pytest.fixture
def smtp():
    server = SmtpServer()
    yield server
    server.stop()


def queue(make_user, settings, count: int = 1) -> list[OutboxEmail]:
    settings.AUTH_EMAIL_DELIVERY = "worker"
    for n in range(count):
        user = make_user(f"user{n}")
        emails.email_send(
            template="password_reset",
            user=user,
            context={"link": f"http://localhost:3000/reset-password?n={n}", "valid_for": "1 h"},
        )
    return list(OutboxEmail.objects.order_by("pk"))


def wait_until(condition, what: str, *, processes=()):
    deadline = time.monotonic() + WITHIN
    while not condition():
        for worker in processes:
            if worker.process.poll() is not None:
                raise AssertionError(f"the worker exited while waiting for {what}:\n{worker.log()}")
        if time.monotonic() > deadline:
            logs = "\n".join(worker.log()[-2000:] for worker in processes)
            raise AssertionError(f"not within {WITHIN} s: {what}\n{logs}")
        time.sleep(0.05)


def all_sent() -> bool:
    return not OutboxEmail.objects.exclude(status="sent").exists()


def test_a_worker_killed_between_claim_and_send_leaves_the_email_to_be_sent_once(
    make_user, settings, smtp, workers
):
    [queued] = queue(make_user, settings)
    smtp.hold()  # the server takes the connection but does not answer yet
    smtp.start()
    first = workers(
        smtp_port=smtp.port, AUTH_EMAIL_LEASE_SECONDS="2", EMAIL_TIMEOUT=str(WITHIN * 2)
    )
    wait_until(smtp.connected.is_set, "the worker connecting to send", processes=[first])
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == ("sending", 1)

    first.kill()  # SIGKILL: no chance to clean up
    smtp.release()
    assert smtp.messages == []
    queued.refresh_from_db()
    assert queued.status == "sending"  # still claimed by the dead worker, until its lease ends

    second = workers(smtp_port=smtp.port)
    wait_until(all_sent, "the email taken over and sent", processes=[second])
    assert second.stop() == 0

    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == ("sent", 2)
    assert smtp.recipients() == ["user0@example.com"]
    assert "reset-password?n=0" in smtp.messages[0].get_body(("plain",)).get_content()


def test_mail_waits_while_the_mail_server_is_down_and_goes_once_it_is_back(
    make_user, settings, workers
):
    [queued] = queue(make_user, settings)
    down = free_port()  # nothing listens here yet
    worker = workers(smtp_port=down)

    wait_until(
        lambda: OutboxEmail.objects.filter(pk=queued.pk, attempts__gte=2).exists(),
        "two failed attempts",
        processes=[worker],
    )
    queued.refresh_from_db()
    assert queued.status in ("pending", "sending")
    assert "ConnectionRefusedError" in worker.log()

    smtp = SmtpServer(port=down).start()
    try:
        wait_until(all_sent, "the email sent once the server is up", processes=[worker])
        assert worker.stop() == 0
        assert smtp.recipients() == ["user0@example.com"]
    finally:
        smtp.stop()
    log = worker.log()
    assert "reset-password" not in log and "user0@example.com" not in log


def test_two_workers_on_one_queue_send_every_email_exactly_once(make_user, settings, smtp, workers):
    count = 30
    queue(make_user, settings, count=count)
    smtp.start()

    pair = [workers(smtp_port=smtp.port), workers(smtp_port=smtp.port)]
    wait_until(all_sent, f"{count} emails sent", processes=pair)
    assert [worker.stop() for worker in pair] == [0, 0]

    recipients = smtp.recipients()
    assert len(recipients) == count
    assert sorted(recipients) == sorted(f"user{n}@example.com" for n in range(count))
    assert set(OutboxEmail.objects.values_list("attempts", flat=True)) == {1}


def test_a_batch_run_delivers_what_is_due_and_exits(make_user, settings, smtp):
    queue(make_user, settings, count=2)
    smtp.start()

    batch = subprocess.run(
        [sys.executable, "manage.py", "email_worker", "--batch"],
        cwd=ROOT,
        env=worker_env(smtp_port=smtp.port),
        capture_output=True,
        text=True,
        timeout=WITHIN,
    )

    assert batch.returncode == 0, batch.stdout + batch.stderr
    assert "2 email(s) sent" in batch.stdout
    assert len(smtp.messages) == 2
