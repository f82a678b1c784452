"""Is the task queue running tasks? For a watchdog (deploy/digihelp-queue-watchdog.*).

The outbox sweep runs every minute, so a working queue finishes a task at least once a
minute. A cluster can look alive and run nothing: a django-q2 worker killed while it
waits for its next task keeps the cluster's task-queue lock, and its brothers wait for
that lock for good. Restarting the cluster frees it, and the sweep then takes back what
was in flight. This command says which it is; the watchdog restarts the cluster when it
fails.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_q.models import Schedule, Task


class Command(BaseCommand):
    help = (
        "Exit 1 when the task queue has finished no task (success or failure) for "
        "--max-minutes while tasks are scheduled; 0 otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-minutes",
            type=int,
            default=5,
            help="how long without a finished task means stuck (default 5; the outbox "
            "sweep runs every minute)",
        )

    def handle(self, *args, max_minutes, **options):
        if max_minutes < 2:
            raise CommandError(
                "--max-minutes: at least 2 (the outbox sweep runs once a minute, so a "
                "working queue can be a minute without finishing a task)"
            )
        if not Schedule.objects.exists():
            self.stdout.write("no tasks are scheduled: nothing to check")
            return
        last = Task.objects.order_by("-stopped").values_list("stopped", flat=True).first()
        if last is None:
            raise CommandError("the task queue has not finished a task yet")
        minutes = (timezone.now() - last).total_seconds() / 60
        if minutes > max_minutes:
            raise CommandError(
                f"the task queue has finished no task for {minutes:.0f} minutes "
                f"(last at {timezone.localtime(last):%Y-%m-%d %H:%M:%S}): restart it"
            )
        self.stdout.write(f"ok: the last task finished {minutes * 60:.0f} s ago")
