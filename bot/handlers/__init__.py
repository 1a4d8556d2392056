"""One module per feature, each with ``register(app, services)``; bot/app.py puts them together."""
