"""Webhook settings: off by default, the listen address, and a secret that never shows."""

from __future__ import annotations

import pytest

from bot.cli.run import with_webhook
from bot.settings import SettingsError, load_settings


def test_polling_is_the_default() -> None:
    settings = load_settings({}, "/nonexistent")
    assert settings.webhook_url is None
    assert settings.listen == ("127.0.0.1", 8443)
    assert with_webhook(settings, None).webhook_secret.reveal() == ""


def test_webhook_settings_are_read() -> None:
    settings = load_settings(
        {
            "BREWBOT_WEBHOOK_URL": "https://bot.example.org/telegram",
            "BREWBOT_LISTEN": "[::1]:9000",
            "BREWBOT_WEBHOOK_SECRET": "abc_DEF-123",
        },
        "/nonexistent",
    )
    assert settings.webhook_url == "https://bot.example.org/telegram"
    assert settings.listen == ("::1", 9000)
    assert settings.webhook_secret.reveal() == "abc_DEF-123"
    assert "abc_DEF" not in repr(settings)


def test_the_flag_wins_and_a_secret_is_made_when_none_is_set() -> None:
    env = {"BREWBOT_WEBHOOK_URL": "https://one.example.org/a"}
    settings = with_webhook(load_settings(env, "/nonexistent"), "https://two.example.org/b")
    assert settings.webhook_url == "https://two.example.org/b"
    first = settings.webhook_secret.reveal()
    again = with_webhook(load_settings(env, "/nonexistent"), None).webhook_secret.reveal()
    assert len(first) >= 32 and first != again


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("BREWBOT_LISTEN", "8443"),
        ("BREWBOT_LISTEN", "127.0.0.1:port"),
        ("BREWBOT_LISTEN", "127.0.0.1:70000"),
        ("BREWBOT_WEBHOOK_URL", "bot.example.org/telegram"),
        ("BREWBOT_WEBHOOK_SECRET", "has spaces in it"),
    ],
)
def test_a_malformed_webhook_setting_is_named(key: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({key: value}, "/nonexistent")
    assert key in str(caught.value) and "\n" not in str(caught.value)
    assert "has spaces" not in str(caught.value)
