"""/codebook in a facilitators' group: the themes a council already reports against.

A group chooses a shipped codebook by its id, or posts its own YAML file with /codebook as
its caption; brewbot says what it read (or each mistake as ``file.yaml:14: ...``, and keeps
what it had). From then on the group's open brews and new ones are read against it, until it
is replaced or ``/codebook off``. The button under a new brew's invite (bot/facilitators/
brews.py) changes one brew only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from telegram import Document, Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.codebook_in_use import in_use as read_kept
from bot.facilitators.gate import for_facilitators
from bot.services import App, BrewContext, Services
from conversations.codebook import Codebook, parse_codebook
from conversations.reporting import clean, trim
from conversations.yamlfile import PackError
from storage.records import Brew

CAPTION = r"^/codebook(@\w+)?(\s|$)"
MOST_BYTES = 64 * 1024  # a codebook of 60 themes with 20 examples each is well under this
SUFFIXES = (".yaml", ".yml")
THEMES_SHOWN = 12  # a longer list scrolls off a phone's screen
TITLE_SHOWN = 60
NAME_SHOWN = 80  # a posted file's name, in errors and in storage
OFF = "off"


@dataclass(frozen=True)
class InUse:
    """The codebook a group or brew reads its answers against, and which shipped one it is
    (None for a group's own)."""

    codebook: Codebook
    shipped_id: str | None


async def brew_in_use(services: Services, brew: Brew) -> InUse | None:
    """Return the codebook a brew's answers are read against, if it has one that reads."""
    if brew.codebook_id is None:
        return None
    stored = await services.store.brew_codebook(brew.id)
    codebook = read_kept(stored)
    if stored is None or codebook is None:
        return None
    shipped = services.codebooks.get(stored.name)
    same = shipped is not None and shipped.source == stored.source
    return InUse(codebook, stored.name if same else None)


def title_of(codebook: Codebook) -> str:
    """A codebook's title, short enough for a line or a button."""
    return trim(clean(codebook.title), TITLE_SHOWN) or codebook.id


def theme_lines(services: Services, codebook: Codebook) -> str:
    """The codebook's theme names, one a line, the first dozen."""
    lines = [
        services.text("codebook_theme_line", name=name) for name in codebook.names[:THEMES_SHOWN]
    ]
    if len(codebook.names) > THEMES_SHOWN:
        more = len(codebook.names) - THEMES_SHOWN
        lines.append(services.text("codebook_more_themes", count=more))
    return "\n".join(lines)


def how_to_choose(services: Services) -> str:
    """Say how to choose a codebook: the shipped ones by id, or a file of your own."""
    shipped = "\n".join(
        services.text("codebook_shipped_line", codebook_id=key, title=title_of(codebook))
        for key, codebook in sorted(services.codebooks.items())
    )
    return services.text("codebook_how", shipped=shipped)


def file_name(document: Document) -> str:
    """The posted file's own name, without any folder, short enough to show and keep."""
    name = PurePath((document.file_name or "").replace("\\", "/")).name
    return name[:NAME_SHOWN] or "codebook.yaml"


def cannot_read(services: Services, document: Document) -> str | None:
    """Say why a posted file can't be a codebook before fetching it (too big, not YAML)."""
    if (document.file_size or 0) > MOST_BYTES:
        return services.text("codebook_too_big", kilobytes=MOST_BYTES // 1024)
    if not file_name(document).lower().endswith(SUFFIXES):
        return services.text("codebook_not_yaml")
    return None


async def read_posted(services: Services, document: Document) -> Codebook | str:
    """Fetch and read a posted codebook; return it, or what to say instead."""
    if (refusal := cannot_read(services, document)) is not None:
        return refusal
    data = bytes(await (await document.get_file()).download_as_bytearray())
    if len(data) > MOST_BYTES:
        return services.text("codebook_too_big", kilobytes=MOST_BYTES // 1024)
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return services.text("codebook_not_text")
    try:
        return parse_codebook(source, file_name(document))
    except PackError as problem:
        return services.text("codebook_problem", problem=str(problem))


@for_facilitators
async def codebook_file(update: Update, context: BrewContext) -> None:
    """Read the attached codebook and use it for the group's open and new brews."""
    services, message = context.services, update.effective_message
    if message is None or message.document is None:
        return
    read = await read_posted(services, message.document)
    if isinstance(read, str):
        await message.reply_text(read)
        return
    await services.store.set_group_codebook(
        message.chat_id, read.source, file_name(message.document)
    )
    words = services.text("codebook_read", title=title_of(read), themes=theme_lines(services, read))
    await message.reply_text(words)


@for_facilitators
async def codebook_command(update: Update, context: BrewContext) -> None:
    """Show the group's codebook; or stop using it (off); or use a shipped one by its id."""
    services, message = context.services, update.effective_message
    if message is None:
        return
    word = " ".join(context.args or ()).strip()
    if not word:
        await message.reply_text(await group_words(services, message.chat_id))
    elif word.casefold() == OFF:
        await services.store.set_group_codebook(message.chat_id, None, OFF)
        await message.reply_text(services.text("codebook_off"))
    elif (shipped := services.codebooks.get(word.casefold())) is not None:
        await services.store.set_group_codebook(message.chat_id, shipped.source, shipped.id)
        themes = theme_lines(services, shipped)
        await message.reply_text(
            services.text("codebook_chosen", title=title_of(shipped), themes=themes)
        )
    else:
        shown = trim(clean(word), 40)
        await message.reply_text(
            services.text("codebook_unknown", word=shown, how=how_to_choose(services))
        )


async def group_words(services: Services, chat_id: int) -> str:
    """Say which codebook the group uses, with its themes, or that it uses none and how to."""
    stored = await services.store.group_codebook(chat_id)
    if stored is None:
        return services.text("codebook_none", how=how_to_choose(services))
    try:
        codebook = parse_codebook(stored.source, stored.name)
    except PackError as problem:
        return services.text("codebook_unreadable", problem=str(problem))
    themes = theme_lines(services, codebook)
    return services.text("codebook_in_use", title=title_of(codebook), themes=themes)


def register(app: App, services: Services) -> None:
    """Add /codebook, as a file's caption and as a command."""
    fresh = ~filters.UpdateType.EDITED  # an edited caption is not a new request
    app.add_handler(
        MessageHandler(filters.Document.ALL & filters.CaptionRegex(CAPTION) & fresh, codebook_file)
    )
    app.add_handler(CommandHandler("codebook", codebook_command, filters=fresh))
