"""How brewbot reaches people: python-telegram-bot handlers, jobs and the CLI."""
