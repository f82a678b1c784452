"""What the task queue runs for the outbox. The timetable is in config/schedules.py."""

from notifications import sending


def send_message(message_id: int) -> str:
    """One message to its provider; queued by the outbox for each message it takes."""
    return sending.send_message(message_id)


def sweep_outbox() -> dict:
    """Every minute: take back stuck sends, reconcile unknown outcomes, dispatch what is
    due."""
    return sending.sweep_outbox()
