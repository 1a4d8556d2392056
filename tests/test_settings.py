"""Settings: environment and brewbot.yaml, defaults, one-line errors, a secret token."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import pytest

from bot.settings import Secret, SettingsError, load_settings

TOKEN = "123456789:AAHfakeTokenForTestsOnly_abcdefghijklmno"


def test_defaults_need_nothing(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path / "absent.yaml")
    assert settings.min_group == 5
    assert str(settings.timezone) == "Europe/London"
    assert settings.nudge_after == timedelta(days=2)
    assert settings.quiet_start == time(21) and settings.quiet_end == time(9)
    assert settings.api_url == "https://api.telegram.org/bot"
    with pytest.raises(SettingsError, match="BREWBOT_TOKEN"):
        settings.require_token()


def test_environment_wins_over_the_file(tmp_path: Path) -> None:
    config = tmp_path / "brewbot.yaml"
    config.write_text("min_group: 7\nfacilitator_chats: [-1001, -1002]\ntoken: from-file\n")
    settings = load_settings({"BREWBOT_MIN_GROUP": "6", "BREWBOT_TOKEN": TOKEN}, config)
    assert settings.min_group == 6
    assert settings.facilitator_chats == (-1001, -1002)
    assert settings.require_token() == TOKEN


def test_voice_notes_are_heard_unless_switched_off(tmp_path: Path) -> None:
    assert load_settings({}, tmp_path / "absent.yaml").voice
    assert not load_settings({"BREWBOT_VOICE": "no"}, tmp_path / "absent.yaml").voice
    config = tmp_path / "brewbot.yaml"
    config.write_text("voice: no\n")
    assert not load_settings({}, config).voice
    assert load_settings({"BREWBOT_VOICE": "yes"}, config).voice  # the environment wins


def test_themes_by_meaning_are_on_unless_switched_off(tmp_path: Path) -> None:
    assert load_settings({}, tmp_path / "absent.yaml").meaning
    assert not load_settings({"BREWBOT_MEANING": "no"}, tmp_path / "absent.yaml").meaning
    config = tmp_path / "brewbot.yaml"
    config.write_text("meaning: no\n")  # YAML reads this as false
    assert not load_settings({}, config).meaning


def test_a_chat_lease_is_twenty_seconds_unless_set(tmp_path: Path) -> None:
    assert load_settings({}, tmp_path / "absent.yaml").chat_lease == timedelta(seconds=20)
    shorter = load_settings({"BREWBOT_CHAT_LEASE_SECONDS": "4"}, tmp_path / "absent.yaml")
    assert shorter.chat_lease == timedelta(seconds=4)


def test_a_job_lease_is_a_minute_unless_set(tmp_path: Path) -> None:
    assert load_settings({}, tmp_path / "absent.yaml").job_lease == timedelta(minutes=1)
    shorter = load_settings({"BREWBOT_JOB_LEASE_SECONDS": "10"}, tmp_path / "absent.yaml")
    assert shorter.job_lease == timedelta(seconds=10)


def test_a_self_hosted_api_url_gets_its_file_url() -> None:
    settings = load_settings({"BREWBOT_API_URL": "http://127.0.0.1:8081/bot"}, "/nonexistent")
    assert settings.file_url == "http://127.0.0.1:8081/file/bot"


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("BREWBOT_MIN_GROUP", "five", "BREWBOT_MIN_GROUP"),
        ("BREWBOT_MIN_GROUP", "1", "at least 2"),
        ("BREWBOT_FACILITATOR_CHATS", "-100,abc", "BREWBOT_FACILITATOR_CHATS"),
        ("BREWBOT_TIMEZONE", "Mars/Olympus", "BREWBOT_TIMEZONE"),
        ("BREWBOT_DIGEST_TIME", "nine", "BREWBOT_DIGEST_TIME"),
        ("BREWBOT_QUIET_START", "24:00", "BREWBOT_QUIET_START"),
        ("BREWBOT_QUIET_END", "9:5", "BREWBOT_QUIET_END"),
        ("BREWBOT_DIGEST_DAY", "someday", "BREWBOT_DIGEST_DAY"),
        ("BREWBOT_API_URL", "ftp://x", "BREWBOT_API_URL"),
        ("BREWBOT_MEANING", "maybe", "yes or no"),
        ("BREWBOT_CHAT_LEASE_SECONDS", "soon", "BREWBOT_CHAT_LEASE_SECONDS"),
        ("BREWBOT_CHAT_LEASE_SECONDS", "1", "at least 3"),
        ("BREWBOT_JOB_LEASE_SECONDS", "a minute", "BREWBOT_JOB_LEASE_SECONDS"),
        ("BREWBOT_JOB_LEASE_SECONDS", "2", "at least 3"),
    ],
)
def test_a_malformed_value_is_named_in_one_line(key: str, value: str, named: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({key: value}, "/nonexistent")
    assert named in str(caught.value) and "\n" not in str(caught.value)


def test_each_facilitators_group_can_have_its_own_digest_chat(tmp_path: Path) -> None:
    env = {
        "BREWBOT_FACILITATOR_CHATS": "-1001,-1002,-1003",
        "BREWBOT_DIGEST_CHATS": "-1001:-2001,-1002:-2002",
    }
    settings = load_settings(env, tmp_path / "absent.yaml")
    assert [settings.digest_chat_for(g) for g in (-1001, -1002, -1003)] == [-2001, -2002, -1003]
    config = tmp_path / "brewbot.yaml"
    config.write_text("facilitator_chats: [-1001]\ndigest_chat: -2001\n")
    assert load_settings({}, config).digest_chat_for(-1001) == -2001


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"BREWBOT_DIGEST_CHATS": "-1001:-2001,-1001"}, "like -1001:-1002"),
        ({"BREWBOT_DIGEST_CHATS": "-1001:chat"}, "chat ids"),
        ({"BREWBOT_DIGEST_CHATS": "-1009:-2001"}, "not in BREWBOT_FACILITATOR_CHATS"),
        ({"BREWBOT_DIGEST_CHATS": "-1001:-2001,-1001:-2002"}, "twice"),
        ({"BREWBOT_DIGEST_CHAT": "-2001"}, "use BREWBOT_DIGEST_CHATS"),
    ],
)
def test_digest_chats_that_do_not_fit_the_groups_are_named(env: dict[str, str], said: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"BREWBOT_FACILITATOR_CHATS": "-1001,-1002", **env}, "/nonexistent")
    assert said in str(caught.value) and "\n" not in str(caught.value)
    assert str(caught.value).startswith(next(iter(env)))


def test_broken_yaml_names_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "brewbot.yaml"
    config.write_text("min_group: 5\nhelp_contacts:\n  - name: [unclosed\n")
    with pytest.raises(SettingsError, match=r"brewbot\.yaml:\d+"):
        load_settings({}, config)


def test_help_contacts_from_the_file(tmp_path: Path) -> None:
    config = tmp_path / "brewbot.yaml"
    config.write_text("help_contacts:\n  - name: Duty team\n    how: call 0123\n")
    assert load_settings({}, config).help_contacts[0].how == "call 0123"
    config.write_text("help_contacts: just call someone\n")
    with pytest.raises(SettingsError, match="help_contacts"):
        load_settings({}, config)


def test_help_contacts_can_have_welsh_wording(tmp_path: Path) -> None:
    config = tmp_path / "brewbot.yaml"
    config.write_text(
        "help_contacts:\n  - name: Duty team\n    how: call 0123\n"
        "    name_cy: Tîm dyletswydd\n    how_cy: ffoniwch 0123\n"
        "  - name: Samaritans\n    how: call 116 123\n",
        encoding="utf-8",
    )
    duty, samaritans = load_settings({}, config).help_contacts
    assert duty.words("cy") == ("Tîm dyletswydd", "ffoniwch 0123")
    assert duty.words("en") == ("Duty team", "call 0123")
    assert samaritans.words("cy") == ("Samaritans", "call 116 123")  # as written, if no Welsh
    config.write_text("help_contacts:\n  - name: Duty team\n    how: [call]\n")
    with pytest.raises(SettingsError, match="name_cy"):
        load_settings({}, config)


def test_the_language_is_one_brewbot_speaks() -> None:
    assert load_settings({"BREWBOT_LANGUAGE": "CY"}, "/nonexistent").language == "cy"
    assert load_settings({}, "/nonexistent").language is None
    with pytest.raises(SettingsError, match="BREWBOT_LANGUAGE should be one of en, cy"):
        load_settings({"BREWBOT_LANGUAGE": "fr"}, "/nonexistent")


def test_the_token_never_shows_in_repr_or_str() -> None:
    settings = load_settings({"BREWBOT_TOKEN": TOKEN}, "/nonexistent")
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)
    assert str(Secret(TOKEN)) == "**********"


def test_times_of_day_are_read_as_people_write_them() -> None:
    env = {"BREWBOT_QUIET_START": "22", "BREWBOT_QUIET_END": "9", "BREWBOT_DIGEST_TIME": "9.30am"}
    settings = load_settings(env, "/nonexistent")
    assert settings.quiet_start == time(22) and settings.quiet_end == time(9)
    assert settings.digest_time == time(9, 30)


def test_quiet_hours_wrap_midnight() -> None:
    settings = load_settings({}, "/nonexistent")
    assert settings.is_quiet(time(22)) and settings.is_quiet(time(3))
    assert not settings.is_quiet(time(9)) and not settings.is_quiet(time(20, 59))


def test_the_review_and_region_chats_are_read_and_known(tmp_path: Path) -> None:
    settings = load_settings(
        {"BREWBOT_REVIEW_CHAT": "-1007", "BREWBOT_REGION_CHAT": "-1008"}, tmp_path / "x.yaml"
    )
    assert (settings.review_chat, settings.region_chat) == (-1007, -1008)
    assert settings.loop_chats == (-1007, -1008)
    assert load_settings({}, tmp_path / "x.yaml").loop_chats == ()
    with pytest.raises(SettingsError, match="BREWBOT_REVIEW_CHAT"):
        load_settings({"BREWBOT_REVIEW_CHAT": "co-producers"}, tmp_path / "x.yaml")
