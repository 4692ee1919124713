"""Qt item models over plain rows (never touching the database)."""
