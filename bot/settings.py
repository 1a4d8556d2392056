"""brewbot's configuration: one Settings object read from the environment and brewbot.yaml.

Every key can be set as an environment variable (``BREWBOT_TOKEN``) or in an optional
YAML file (``token:``); the environment wins. A missing or malformed value stops
start-up with one line that names it. The token is a :class:`Secret`: it never shows
in ``repr``, ``str`` or a log line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from conversations.messages import shipped_catalogue
from conversations.time_of_day import read_time_of_day
from storage.backend import is_postgresql

TELEGRAM_API_URL = "https://api.telegram.org/bot"
DEFAULT_CONFIG_FILE = "brewbot.yaml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The smallest group anything may be shared from. Written here only: the core takes it as a
# required keyword, so every summary, export and digest gets it from the settings.
MIN_GROUP = 5
DEFAULT_LISTEN = ("127.0.0.1", 8443)
# Workers on one database: how long a killed worker's chats wait before another takes them
# (a live worker renews its hold every third of this).
CHAT_LEASE_SECONDS = 20
# Workers on one database: how long a killed worker holds a scheduled job (news, live
# questions, the digest) before another carries it on; a run renews its hold every third of
# this, so a live worker keeps a long run.
JOB_LEASE_SECONDS = 60
# What Telegram allows in a webhook's secret token.
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class SettingsError(Exception):
    """A setting is missing or malformed. The message names it, in one line."""


class Secret:
    """A value that must never be printed: ``repr`` and ``str`` show stars."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the real value, for the one place that needs it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class HelpContact:
    """Where to find help now, shown when an answer suggests someone may be at risk.

    ``other`` holds its wording in other languages: (language, name, how), from
    ``name_cy:`` and ``how_cy:`` in brewbot.yaml.
    """

    name: str
    how: str
    other: tuple[tuple[str, str, str], ...] = ()

    def words(self, language: str) -> tuple[str, str]:
        """Return (name, how) in ``language``, or as written when it has no such wording."""
        for code, name, how in self.other:
            if code == language:
                return name, how
        return self.name, self.how


DEFAULT_HELP_CONTACTS = (
    HelpContact(
        "If someone is in danger right now",
        "call 999",
        (("cy", "Os oes rhywun mewn perygl nawr", "ffoniwch 999"),),
    ),
    HelpContact(
        "Samaritans, any time, free",
        "call 116 123",
        (("cy", "Y Samariaid, unrhyw bryd, am ddim", "ffoniwch 116 123"),),
    ),
    HelpContact(
        "Your local council's adult social care team",
        "ask them about a safeguarding concern",
        (
            (
                "cy",
                "Tîm gofal cymdeithasol oedolion eich cyngor",
                "soniwch wrthyn nhw am eich pryder",
            ),
        ),
    ),
)


@dataclass(frozen=True)
class Settings:
    """Everything brewbot can be told, with its defaults."""

    token: Secret = field(default_factory=lambda: Secret(""))
    api_url: str = TELEGRAM_API_URL
    db: Path | str = Path("brewbot.db")  # a file, or a postgresql:// URL (kept as text)
    facilitator_chats: tuple[int, ...] = ()
    digest_chat: int | None = None
    digest_chats: tuple[tuple[int, int], ...] = ()  # (facilitators' group, its digest chat)
    min_group: int = MIN_GROUP
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    nudge_after: timedelta = timedelta(days=2)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(9, 0)
    retention_days: int = 365
    digest_day: int = 0  # Monday
    digest_time: time = time(9, 0)
    help_contacts: tuple[HelpContact, ...] = DEFAULT_HELP_CONTACTS
    person_rate: float = 1.0  # messages a second to one person, on average (Telegram: about 1)
    group_per_minute: float = 20.0  # messages a minute to one group (Telegram: 20)
    api_timeout: float = 5.0  # seconds to wait for Telegram's answer to a call
    webhook_url: str | None = None  # None: poll Telegram (the default)
    listen: tuple[str, int] = DEFAULT_LISTEN  # where the webhook server listens
    webhook_secret: Secret = field(default_factory=lambda: Secret(""))  # "": new each start
    # The co-production loop: co-producers check summaries; a region compares its councils.
    review_chat: int | None = None
    region_chat: int | None = None
    meaning: bool = True  # themes group by meaning too (the bundled model), not words alone
    voice: bool = True  # voice notes are turned into words on this machine, to keep or not
    # The language people and groups start in (cy, en); None: each person's Telegram's.
    language: str | None = None
    chat_lease: timedelta = timedelta(seconds=CHAT_LEASE_SECONDS)  # shared database only
    job_lease: timedelta = timedelta(seconds=JOB_LEASE_SECONDS)  # shared database only

    @property
    def file_url(self) -> str:
        """The Bot API file URL that goes with ``api_url`` (``.../bot`` -> ``.../file/bot``)."""
        base = self.api_url.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file/bot"

    def require_token(self) -> str:
        """Return the token, or stop with a line that says how to set it."""
        if not self.token:
            raise SettingsError(
                "BREWBOT_TOKEN is not set: put your bot's token from @BotFather in the "
                "environment or in brewbot.yaml as 'token:'"
            )
        return self.token.reveal()

    def digest_chat_for(self, group: int) -> int:
        """Return where a facilitators' group's weekly digest goes: its own digest chat if
        given, the one digest chat when there is one group, else the group itself."""
        own = dict(self.digest_chats)
        if group in own:
            return own[group]
        if self.digest_chat is not None and len(self.facilitator_chats) == 1:
            return self.digest_chat
        return group

    @property
    def digest_chat_ids(self) -> tuple[int, ...]:
        """Every chat a digest goes to that is not itself a facilitators' group."""
        chats = [self.digest_chat_for(g) for g in self.facilitator_chats]
        if self.digest_chat is not None:
            chats.append(self.digest_chat)
        return tuple(dict.fromkeys(c for c in chats if c not in self.facilitator_chats))

    @property
    def loop_chats(self) -> tuple[int, ...]:
        """The co-producers' review chat and the region's chat, where they are set."""
        return tuple(c for c in (self.review_chat, self.region_chat) if c is not None)

    def is_quiet(self, local: time) -> bool:
        """Say whether a local wall-clock time falls in quiet hours."""
        if self.quiet_start <= self.quiet_end:
            return self.quiet_start <= local < self.quiet_end
        return local >= self.quiet_start or local < self.quiet_end


def database(text: str) -> Path | str:
    """Read the database setting: a postgresql:// URL as it is, anything else as a file path."""
    return text if is_postgresql(text) else Path(text)


def load_settings(
    environ: Mapping[str, str] | None = None, config_file: str | Path | None = None
) -> Settings:
    """Read settings from the environment and an optional YAML file (environment wins)."""
    env = dict(os.environ if environ is None else environ)
    path = Path(config_file or env.get("BREWBOT_CONFIG", DEFAULT_CONFIG_FILE))
    file_values = _read_yaml(path) if path.exists() else {}
    raw = _Raw(env, file_values, path)
    facilitator_chats = _chat_ids(raw, "facilitator_chats")
    return Settings(
        token=Secret(raw.get("token", "")),
        api_url=_url(raw, "api_url", TELEGRAM_API_URL),
        db=database(raw.get("db", "brewbot.db")),
        facilitator_chats=facilitator_chats,
        digest_chat=_one_digest_chat(raw, "digest_chat", facilitator_chats),
        digest_chats=_chat_pairs(raw, "digest_chats", facilitator_chats),
        min_group=_int(raw, "min_group", MIN_GROUP, lowest=2),
        timezone=_zone(raw, "timezone", "Europe/London"),
        nudge_after=timedelta(hours=_int(raw, "nudge_after_hours", 48, lowest=1)),
        quiet_start=_clock(raw, "quiet_start", time(21, 0)),
        quiet_end=_clock(raw, "quiet_end", time(9, 0)),
        retention_days=_int(raw, "retention_days", 365, lowest=1),
        digest_day=_weekday(raw, "digest_day", 0),
        digest_time=_clock(raw, "digest_time", time(9, 0)),
        help_contacts=_contacts(file_values, path),
        person_rate=_number(raw, "person_rate", 1.0),
        group_per_minute=_number(raw, "group_per_minute", 20.0),
        api_timeout=_number(raw, "api_timeout", 5.0),
        webhook_url=_url(raw, "webhook_url", "") if raw.get("webhook_url") else None,
        listen=_listen(raw, "listen"),
        webhook_secret=_webhook_secret(raw, "webhook_secret"),
        review_chat=_optional_chat_id(raw, "review_chat"),
        region_chat=_optional_chat_id(raw, "region_chat"),
        meaning=_yes_no(raw, "meaning", True),
        voice=_yes_no(raw, "voice", True),
        language=_language(raw, "language"),
        chat_lease=timedelta(seconds=_int(raw, "chat_lease_seconds", CHAT_LEASE_SECONDS, lowest=3)),
        job_lease=timedelta(seconds=_int(raw, "job_lease_seconds", JOB_LEASE_SECONDS, lowest=3)),
    )


class _Raw:
    """Look a key up in the environment (BREWBOT_KEY) and then the YAML file (key)."""

    def __init__(self, env: dict[str, str], file_values: dict[str, Any], path: Path) -> None:
        self.env = env
        self.file_values = file_values
        self.path = path

    def get(self, key: str, default: str = "") -> str:
        env_key = "BREWBOT_" + key.upper()
        if env_key in self.env:
            return self.env[env_key].strip()
        if key in self.file_values and self.file_values[key] is not None:
            value = self.file_values[key]
            if isinstance(value, list):
                return ",".join(str(v) for v in value)
            return str(value).strip()
        return default

    def name(self, key: str) -> str:
        env_key = "BREWBOT_" + key.upper()
        if env_key in self.env:
            return env_key
        return f"'{key}' in {self.path}"


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise SettingsError(f"{where}: {problem}; check the indentation and quotes") from None
    except OSError as exc:
        raise SettingsError(f"{path}: cannot be read ({exc.strerror})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: should hold 'key: value' lines, like 'db: brewbot.db'")
    return {str(k).lower(): v for k, v in data.items()}


def _int(raw: _Raw, key: str, default: int, *, lowest: int) -> int:
    text = raw.get(key, str(default))
    try:
        value = int(text)
    except ValueError:
        raise SettingsError(f"{raw.name(key)} should be a whole number, not {text!r}") from None
    if value < lowest:
        raise SettingsError(f"{raw.name(key)} should be at least {lowest}, not {value}")
    return value


def _yes_no(raw: _Raw, key: str, default: bool) -> bool:
    text = raw.get(key, "yes" if default else "no").strip().lower()
    if text in {"yes", "true", "on", "1"}:
        return True
    if text in {"no", "false", "off", "0"}:
        return False
    raise SettingsError(f"{raw.name(key)} should be yes or no, not {text!r}")


def _number(raw: _Raw, key: str, default: float) -> float:
    text = raw.get(key, str(default))
    try:
        value = float(text)
    except ValueError:
        raise SettingsError(f"{raw.name(key)} should be a number, not {text!r}") from None
    if not 0 < value <= 30:
        raise SettingsError(f"{raw.name(key)} should be above 0 and at most 30, not {value}")
    return value


def _chat_id(raw: _Raw, key: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SettingsError(
            f"{raw.name(key)} should hold Telegram chat ids like -1001234567890, not {text!r}"
        ) from None


def _chat_ids(raw: _Raw, key: str) -> tuple[int, ...]:
    parts = [p.strip() for p in raw.get(key).split(",") if p.strip()]
    return tuple(_chat_id(raw, key, p) for p in parts)


def _optional_chat_id(raw: _Raw, key: str) -> int | None:
    text = raw.get(key)
    return _chat_id(raw, key, text) if text else None


def _one_digest_chat(raw: _Raw, key: str, groups: tuple[int, ...]) -> int | None:
    """Read the one digest chat, which only fits one facilitators' group: two councils'
    digests must not meet in one chat."""
    chat = _optional_chat_id(raw, key)
    if chat is not None and len(groups) > 1:
        raise SettingsError(
            f"{raw.name(key)} is one chat, but there are {len(groups)} facilitators' groups; "
            "use BREWBOT_DIGEST_CHATS to give each group its own, like -1001:-1002,-1003:-1004"
        )
    return chat


def _chat_pairs(raw: _Raw, key: str, groups: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """Read 'group:chat' pairs, each group one of the facilitators' groups, and once only."""
    pairs: dict[int, int] = {}
    for part in (p.strip() for p in raw.get(key).split(",") if p.strip()):
        group, colon, chat = part.partition(":")
        if not colon:
            raise SettingsError(
                f"{raw.name(key)} should pair a facilitators' group with its digest chat, "
                f"like -1001:-1002, not {part!r}"
            )
        group_id, chat_id = _chat_id(raw, key, group.strip()), _chat_id(raw, key, chat.strip())
        if group_id not in groups:
            raise SettingsError(
                f"{raw.name(key)} names {group_id}, which is not in BREWBOT_FACILITATOR_CHATS"
            )
        if group_id in pairs:
            raise SettingsError(f"{raw.name(key)} names {group_id} twice")
        pairs[group_id] = chat_id
    return tuple(pairs.items())


def _zone(raw: _Raw, key: str, default: str) -> ZoneInfo:
    text = raw.get(key, default)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"{raw.name(key)} should be a time zone like Europe/London, not {text!r}"
        ) from None


def _clock(raw: _Raw, key: str, default: time) -> time:
    text = raw.get(key, default.strftime("%H:%M"))
    found = read_time_of_day(text)
    if found is None:
        raise SettingsError(f"{raw.name(key)} should be a time like 09:00, not {text!r}")
    return found


def _weekday(raw: _Raw, key: str, default: int) -> int:
    text = raw.get(key, WEEKDAYS[default]).lower()[:3]
    if text not in WEEKDAYS:
        raise SettingsError(f"{raw.name(key)} should be a day like Monday, not {text!r}")
    return WEEKDAYS.index(text)


def _url(raw: _Raw, key: str, default: str) -> str:
    text = raw.get(key, default)
    if not text.startswith(("http://", "https://")):
        raise SettingsError(f"{raw.name(key)} should start with http:// or https://, not {text!r}")
    return text


def _listen(raw: _Raw, key: str) -> tuple[str, int]:
    """Read 'host:port' (an IPv6 host in brackets, like [::1]:8443)."""
    text = raw.get(key, "{}:{}".format(*DEFAULT_LISTEN))
    host, colon, port = text.rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError(
            f"{raw.name(key)} should be a host and port like 127.0.0.1:8443, not {text!r}"
        )
    return host, int(port)


def _webhook_secret(raw: _Raw, key: str) -> Secret:
    text = raw.get(key)
    if text and not _SECRET_TOKEN.match(text):
        raise SettingsError(
            f"{raw.name(key)} should be 1 to 256 letters, digits, _ or -, as Telegram allows"
        )
    return Secret(text)


def _language(raw: _Raw, key: str) -> str | None:
    text = raw.get(key).casefold()
    if not text:
        return None
    spoken = shipped_catalogue().codes()
    if text not in spoken:
        raise SettingsError(
            f"{raw.name(key)} should be one of {', '.join(spoken)} (cy is Welsh), not {text!r}"
        )
    return text


def _contacts(file_values: dict[str, Any], path: Path) -> tuple[HelpContact, ...]:
    value = file_values.get("help_contacts")
    if value is None:
        return DEFAULT_HELP_CONTACTS
    if (
        not isinstance(value, list)
        or not all(
            isinstance(v, dict) and all(isinstance(w, str) for w in v.values()) for v in value
        )
        or not all(isinstance(v.get("name"), str) and isinstance(v.get("how"), str) for v in value)
    ):
        raise SettingsError(
            f"'help_contacts' in {path} should be a list of entries with 'name:' and 'how:'"
            " (and, if you like, 'name_cy:' and 'how_cy:' for their Welsh wording)"
        )
    return tuple(HelpContact(v["name"], v["how"], _contact_words(v)) for v in value)


def _contact_words(entry: dict[str, str]) -> tuple[tuple[str, str, str], ...]:
    """Read a help contact's other languages: ``name_cy`` with ``how_cy``."""
    codes = [code for code in shipped_catalogue().codes() if f"name_{code}" in entry]
    return tuple(
        (code, entry[f"name_{code}"], entry.get(f"how_{code}", entry["how"])) for code in codes
    )
