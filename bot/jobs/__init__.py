"""Scheduled work. Each job reads what is due from the database, so a restart loses nothing."""
