"""One keyword-only function per user action. Each runs its work on the database thread
and hands success or failure back on the UI thread."""
