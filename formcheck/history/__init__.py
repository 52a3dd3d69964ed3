"""Every session in a SQLite database, and what is shown from it (table, adherence, plot)."""
