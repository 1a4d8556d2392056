"""brewbot's configuration: one Settings object read from the environment and brewbot.yaml.

Every key can be set as an environment variable (``BREWBOT_TOKEN``) or in an optional
YAML file (``token:``); the environment wins. A missing or malformed value stops
start-up with one line that names it. The token is a :class:`Secret`: it never shows
in ``repr``, ``str`` or a log line.

Each setting is declared once, as its field in :class:`Settings` (Starlette's ``Config``
shape): its environment name, how its text is read, its default and a line on what it does,
together. :func:`load_settings` reads them all from those declarations, and the README's
settings table lists the same names (``tests/test_settings_table.py``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import time, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from conversations.messages import shipped_catalogue
from conversations.time_of_day import read_time_of_day
from storage.backend import is_postgresql

T = TypeVar("T")

TELEGRAM_API_URL = "https://api.telegram.org/bot"
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
_DECLARED = "brewbot.setting"  # where a Settings field keeps its declaration


class SettingsError(Exception):
    """A setting is missing or malformed. The message names it, in one line."""


class Malformed(Exception):
    """What is wrong with a setting's value, said after its name ("should be ...")."""


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
class Setting:
    """One setting: where it is read from, how, its default and what it does.

    ``read`` turns the setting's text (or, for one kept in brewbot.yaml only, its YAML
    value) into its value, raising :class:`Malformed` with what is wrong. ``check`` is a
    rule that needs the other settings, run once all are read.
    """

    key: str  # in brewbot.yaml; in the environment, BREWBOT_ and the key in capitals
    read: Callable[[Any], Any]
    default: Any
    help: str  # one line
    in_environment: bool = True  # False: a structured value, in brewbot.yaml only
    check: Callable[[Any, Settings], None] | None = None

    @property
    def env(self) -> str:
        """The setting's name in the environment (and in the README's settings table)."""
        return "BREWBOT_" + self.key.upper()


def setting(
    env: str,
    read: Callable[[str], T],
    default: T,
    help: str,
    *,
    check: Callable[[T, Settings], None] | None = None,
) -> T:
    """Declare a field of :class:`Settings` by its environment name, its reader, its
    default and a line on what it does."""
    declared = Setting(env.removeprefix("BREWBOT_").lower(), read, default, help, check=check)
    return field(default=default, metadata={_DECLARED: declared})


def file_setting(key: str, read: Callable[[Any], T], default: T, help: str) -> T:
    """Declare a field of :class:`Settings` that only brewbot.yaml can hold (a list, say)."""
    declared = Setting(key, read, default, help, in_environment=False)
    return field(default=default, metadata={_DECLARED: declared})


# The settings file itself: named by the environment (or ``--config``), so not a field.
CONFIG = Setting("config", Path, Path("brewbot.yaml"), "the YAML settings file")


# How each kind of setting is read: from its text to its value, or Malformed.


def whole(*, lowest: int) -> Callable[[str], int]:
    """Read a whole number, at least ``lowest``."""

    def read(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise Malformed(f"should be a whole number, not {text!r}") from None
        if value < lowest:
            raise Malformed(f"should be at least {lowest}, not {value}")
        return value

    return read


def span(unit: str, *, lowest: int) -> Callable[[str], timedelta]:
    """Read a whole number of ``unit`` (``hours``, ``seconds``), at least ``lowest``."""
    count = whole(lowest=lowest)
    return lambda text: timedelta(**{unit: count(text)})


def _rate(text: str) -> float:
    """Read a number above 0 and at most 30 (a rate, or seconds to wait)."""
    try:
        value = float(text)
    except ValueError:
        raise Malformed(f"should be a number, not {text!r}") from None
    if not 0 < value <= 30:
        raise Malformed(f"should be above 0 and at most 30, not {value}")
    return value


def _yes_no(text: str) -> bool:
    text = text.strip().lower()
    if text in {"yes", "true", "on", "1"}:
        return True
    if text in {"no", "false", "off", "0"}:
        return False
    raise Malformed(f"should be yes or no, not {text!r}")


def database(text: str) -> Path | str:
    """Read the database setting: a postgresql:// URL as it is, anything else as a file path."""
    return text if is_postgresql(text) else Path(text)


def _chat_id(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Malformed(
            f"should hold Telegram chat ids like -1001234567890, not {text!r}"
        ) from None


def _chat_ids(text: str) -> tuple[int, ...]:
    return tuple(_chat_id(p.strip()) for p in text.split(",") if p.strip())


def _optional_chat_id(text: str) -> int | None:
    return _chat_id(text) if text else None


def _chat_pairs(text: str) -> tuple[tuple[int, int], ...]:
    """Read 'group:chat' pairs, each group once only."""
    pairs: dict[int, int] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        group, colon, chat = part.partition(":")
        if not colon:
            raise Malformed(
                "should pair a facilitators' group with its digest chat, "
                f"like -1001:-1002, not {part!r}"
            )
        group_id, chat_id = _chat_id(group.strip()), _chat_id(chat.strip())
        if group_id in pairs:
            raise Malformed(f"names {group_id} twice")
        pairs[group_id] = chat_id
    return tuple(pairs.items())


def _fits_one_group(chat: int | None, settings: Settings) -> None:
    """The one digest chat only fits one facilitators' group: two councils' digests must
    not meet in one chat."""
    groups = len(settings.facilitator_chats)
    if chat is not None and groups > 1:
        raise Malformed(
            f"is one chat, but there are {groups} facilitators' groups; "
            "use BREWBOT_DIGEST_CHATS to give each group its own, like -1001:-1002,-1003:-1004"
        )


def _pairs_name_groups(pairs: tuple[tuple[int, int], ...], settings: Settings) -> None:
    """Each digest chat pair's group is one of the facilitators' groups."""
    for group, _ in pairs:
        if group not in settings.facilitator_chats:
            raise Malformed(f"names {group}, which is not in BREWBOT_FACILITATOR_CHATS")


def _zone(text: str) -> ZoneInfo:
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise Malformed(f"should be a time zone like Europe/London, not {text!r}") from None


def _clock(text: str) -> time:
    found = read_time_of_day(text)
    if found is None:
        raise Malformed(f"should be a time like 09:00, not {text!r}")
    return found


def _weekday(text: str) -> int:
    text = text.lower()[:3]
    if text not in WEEKDAYS:
        raise Malformed(f"should be a day like Monday, not {text!r}")
    return WEEKDAYS.index(text)


def _url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise Malformed(f"should start with http:// or https://, not {text!r}")
    return text


def _optional_url(text: str) -> str | None:
    return _url(text) if text else None


def _listen(text: str) -> tuple[str, int]:
    """Read 'host:port' (an IPv6 host in brackets, like [::1]:8443)."""
    host, colon, port = text.rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise Malformed(f"should be a host and port like 127.0.0.1:8443, not {text!r}")
    return host, int(port)


def _webhook_secret(text: str) -> Secret:
    if text and not _SECRET_TOKEN.match(text):
        raise Malformed("should be 1 to 256 letters, digits, _ or -, as Telegram allows")
    return Secret(text)


def _language(text: str) -> str | None:
    text = text.casefold()
    if not text:
        return None
    spoken = shipped_catalogue().codes()
    if text not in spoken:
        raise Malformed(f"should be one of {', '.join(spoken)} (cy is Welsh), not {text!r}")
    return text


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


def _contacts(value: object) -> tuple[HelpContact, ...]:
    """Read help contacts: a list of entries with name and how (and their Welsh wording)."""
    if (
        not isinstance(value, list)
        or not all(
            isinstance(v, dict) and all(isinstance(w, str) for w in v.values()) for v in value
        )
        or not all(isinstance(v.get("name"), str) and isinstance(v.get("how"), str) for v in value)
    ):
        raise Malformed(
            "should be a list of entries with 'name:' and 'how:'"
            " (and, if you like, 'name_cy:' and 'how_cy:' for their Welsh wording)"
        )
    return tuple(HelpContact(v["name"], v["how"], _contact_words(v)) for v in value)


def _contact_words(entry: dict[str, str]) -> tuple[tuple[str, str, str], ...]:
    """Read a help contact's other languages: ``name_cy`` with ``how_cy``."""
    codes = [code for code in shipped_catalogue().codes() if f"name_{code}" in entry]
    return tuple(
        (code, entry[f"name_{code}"], entry.get(f"how_{code}", entry["how"])) for code in codes
    )


@dataclass(frozen=True)
class Settings:
    """Everything brewbot can be told: each field one setting, declared with its default."""

    token: Secret = setting("BREWBOT_TOKEN", Secret, Secret(""), "the bot's token (needed to run)")
    api_url: str = setting(
        "BREWBOT_API_URL", _url, TELEGRAM_API_URL, "the Bot API's base URL, token appended"
    )
    db: Path | str = setting(
        "BREWBOT_DB", database, database("brewbot.db"), "an SQLite file, or a postgresql:// URL"
    )
    facilitator_chats: tuple[int, ...] = setting(
        "BREWBOT_FACILITATOR_CHATS", _chat_ids, (), "the group chats where facilitators work"
    )
    digest_chat: int | None = setting(
        "BREWBOT_DIGEST_CHAT",
        _optional_chat_id,
        None,
        "with one facilitators' group, where its weekly digest goes",
        check=_fits_one_group,
    )
    digest_chats: tuple[tuple[int, int], ...] = setting(
        "BREWBOT_DIGEST_CHATS",
        _chat_pairs,
        (),
        "group:chat pairs: where each facilitators' group's digest goes",
        check=_pairs_name_groups,
    )
    min_group: int = setting(
        "BREWBOT_MIN_GROUP", whole(lowest=2), MIN_GROUP, "the smallest group a summary may show"
    )
    timezone: ZoneInfo = setting(
        "BREWBOT_TIMEZONE", _zone, ZoneInfo("Europe/London"), "for quiet hours and the digest"
    )
    nudge_after: timedelta = setting(
        "BREWBOT_NUDGE_AFTER_HOURS",
        span("hours", lowest=1),
        timedelta(days=2),
        "hours before one gentle reminder",
    )
    quiet_start: time = setting(
        "BREWBOT_QUIET_START", _clock, time(21, 0), "no reminders from this time"
    )
    quiet_end: time = setting("BREWBOT_QUIET_END", _clock, time(9, 0), "and until this time")
    retention_days: int = setting(
        "BREWBOT_RETENTION_DAYS", whole(lowest=1), 365, "days typed words are kept"
    )
    digest_day: int = setting("BREWBOT_DIGEST_DAY", _weekday, 0, "the weekly digest's day")
    digest_time: time = setting(
        "BREWBOT_DIGEST_TIME", _clock, time(9, 0), "the weekly digest's time"
    )
    help_contacts: tuple[HelpContact, ...] = file_setting(
        "help_contacts", _contacts, DEFAULT_HELP_CONTACTS, "where to find help now"
    )
    person_rate: float = setting(
        "BREWBOT_PERSON_RATE", _rate, 1.0, "messages a second to one person (Telegram: about 1)"
    )
    group_per_minute: float = setting(
        "BREWBOT_GROUP_PER_MINUTE", _rate, 20.0, "messages a minute to one group (Telegram: 20)"
    )
    api_timeout: float = setting(
        "BREWBOT_API_TIMEOUT", _rate, 5.0, "seconds to wait for Telegram's answer to a call"
    )
    webhook_url: str | None = setting(
        "BREWBOT_WEBHOOK_URL", _optional_url, None, "where Telegram sends updates (else poll)"
    )
    listen: tuple[str, int] = setting(
        "BREWBOT_LISTEN", _listen, DEFAULT_LISTEN, "in webhook mode, the host:port to listen on"
    )
    webhook_secret: Secret = setting(
        "BREWBOT_WEBHOOK_SECRET",
        _webhook_secret,
        Secret(""),
        "in webhook mode, the secret Telegram sends (else a new one each start)",
    )
    # The co-production loop: co-producers check summaries; a region compares its councils.
    review_chat: int | None = setting(
        "BREWBOT_REVIEW_CHAT", _optional_chat_id, None, "where co-producers approve summaries"
    )
    region_chat: int | None = setting(
        "BREWBOT_REGION_CHAT", _optional_chat_id, None, "where the region digest goes"
    )
    meaning: bool = setting(
        "BREWBOT_MEANING", _yes_no, True, "themes group by meaning too, not words alone"
    )
    voice: bool = setting(
        "BREWBOT_VOICE", _yes_no, True, "voice notes are turned into words on this machine"
    )
    language: str | None = setting(
        "BREWBOT_LANGUAGE",
        _language,
        None,
        "the language people and groups start in, cy or en (else each person's Telegram's)",
    )
    chat_lease: timedelta = setting(
        "BREWBOT_CHAT_LEASE_SECONDS",
        span("seconds", lowest=3),
        timedelta(seconds=CHAT_LEASE_SECONDS),
        "shared database: seconds a stopped worker's chats wait for another",
    )
    job_lease: timedelta = setting(
        "BREWBOT_JOB_LEASE_SECONDS",
        span("seconds", lowest=3),
        timedelta(seconds=JOB_LEASE_SECONDS),
        "shared database: seconds a stopped worker's jobs wait for another",
    )

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


def every_setting() -> tuple[Setting, ...]:
    """Every setting brewbot reads: the settings file's name, then each field's in order."""
    return (CONFIG, *(f.metadata[_DECLARED] for f in fields(Settings)))


def load_settings(
    environ: Mapping[str, str] | None = None, config_file: str | Path | None = None
) -> Settings:
    """Read settings from the environment and an optional YAML file (environment wins)."""
    env = dict(os.environ if environ is None else environ)
    path = Path(config_file or env.get(CONFIG.env, CONFIG.default))
    given = _Given(env, _read_yaml(path) if path.exists() else {}, path)
    values: dict[str, Any] = {}
    checks: list[tuple[Setting, Any]] = []
    for each in fields(Settings):
        declared: Setting = each.metadata[_DECLARED]
        found = given.find(declared)
        if found is not None:
            values[each.name] = given.named(declared, declared.read, found)
            checks.append((declared, values[each.name]))
    settings = Settings(**values)
    for declared, value in checks:
        if declared.check is not None:
            given.named(declared, declared.check, value, settings)
    return settings


class _Given:
    """What the environment (BREWBOT_KEY) and then the YAML file (key) say."""

    def __init__(self, env: dict[str, str], file_values: dict[str, Any], path: Path) -> None:
        self.env = env
        self.file_values = file_values
        self.path = path

    def find(self, declared: Setting) -> Any:
        """Return a setting's text as given (its YAML value, for one in the file only), or
        None when it is not given."""
        if declared.in_environment and declared.env in self.env:
            return self.env[declared.env].strip()
        value = self.file_values.get(declared.key)
        if value is None or not declared.in_environment:
            return value
        if isinstance(value, list):
            return ",".join(str(v) for v in value)
        return str(value).strip()

    def named(self, declared: Setting, run: Callable[..., T], *args: Any) -> T:
        """Run ``run(*args)``, turning what is Malformed into one line that names where it
        was set."""
        try:
            return run(*args)
        except Malformed as problem:
            in_env = declared.in_environment and declared.env in self.env
            where = declared.env if in_env else f"'{declared.key}' in {self.path}"
            raise SettingsError(f"{where} {problem}") from None


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
