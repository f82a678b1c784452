"""What notifications tells the apps above it, which it must not import.

`opt_out_changed` is sent inside the transaction that records or ends an opt-out, so
that a receiver (the audit trail, in teams) writes in the same transaction.
"""

from django.dispatch import Signal

# sender: OptOut; opt_out: the row; operation: "opted_out" or "opted_in";
# message: the message the person answered, when known (it says where they were reached).
opt_out_changed = Signal()
