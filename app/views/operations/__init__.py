"""Named background operations (Anki's `qt/aqt/operations/`).

Each function here builds an `Op` (app/views/ops.py: the one runner) whose worker receives
services and plain values, never a widget, so a page closed mid-work can neither be called
from a worker thread nor keep the work from finishing. What an operation changed is published
on the window's `ChangeHub` (`Op.publishing`), and every page refreshes itself from there.
Cancelling is one thing everywhere: the worker raises `app.errors.Cancelled` when its flag
is set, and the `failure` callback sees that class.

- `account`: log in, log out, bring the roster cache up to date;
- `imports`: check a file, export its error report, import the chosen rows;
- `backups`: back up and restore the local data;
- `devices`: list the scanners.
"""
