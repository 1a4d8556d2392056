"""What stands in for python-telegram-bot's Updater, request and rate limiter: the poller and
the webhook that keep each update in the inbox before Telegram forgets it, the HTTP client,
Telegram's limits (per chat, per group, for the whole bot), the job leases several workers
share, and trying a send again. None of it knows brewbot's features."""
