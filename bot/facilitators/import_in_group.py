"""/import in a facilitators' group: a CSV or text file sent with the caption /import CODE."""

from __future__ import annotations

from telegram import Document, Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.facilitators.gate import for_facilitators
from bot.services import App, BrewContext, Services
from conversations.importing import (
    MAX_BYTES,
    ImportProblem,
    answer_count,
    answers_for,
    prompt_for,
    read_answers,
)
from storage.records import Brew

CAPTION = r"^/import(@\w+)?(\s|$)"


def cannot_take(services: Services, brew: Brew, document: Document) -> str | None:
    """Say why a file can't be added to this brew before fetching it (too big, no pack), or None."""
    if (document.file_size or 0) > MAX_BYTES:
        return services.text("import_too_big", megabytes=MAX_BYTES // (1024 * 1024))
    if brew.pack_id not in services.packs:
        return services.text("import_no_pack")
    return None


@for_facilitators
async def import_file(update: Update, context: BrewContext) -> None:
    """Add the answers in the attached file to the brew named in the caption."""
    services, message = context.services, update.effective_message
    if message is None or message.document is None or message.caption is None:
        return
    words = message.caption.split()
    brew = await services.store.brew_by_code(words[1]) if len(words) > 1 else None
    if brew is None or brew.group_chat_id != message.chat_id:
        await message.reply_text(services.text("import_unknown_code"))
        return
    document = message.document
    if (refusal := cannot_take(services, brew, document)) is not None:
        await message.reply_text(refusal)
        return
    try:
        data = bytes(await (await document.get_file()).download_as_bytearray())
        imported = read_answers(data, name=document.file_name or "answers.csv")
        answers = answers_for(imported, prompt_for(services.packs[brew.pack_id], None))
    except ImportProblem as problem:
        await message.reply_text(services.text("import_problem", problem=problem))
        return
    added = await services.store.import_answers(
        brew_id=brew.id, sha256=imported.sha256, answers=answers
    )
    if added and services.embedding is not None:
        services.embedding.wake()  # their meanings are read in the background
    await message.reply_text(import_note(services, added, imported.empty, brew.theme))


def import_note(services: Services, added: int | None, empty: int, theme: str) -> str:
    """Say in one line what an import did."""
    if added is None:
        return services.text("import_again", theme=theme)
    if empty:
        return services.text(
            "import_added_skipped", answers=answer_count(added), empty=empty, theme=theme
        )
    return services.text("import_added", answers=answer_count(added), theme=theme)


@for_facilitators
async def import_how(update: Update, context: BrewContext) -> None:
    """Explain how to send a file for /import."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(context.services.text("import_how"))


def register(app: App, services: Services) -> None:
    """Add /import, as a file's caption and as a bare command."""
    app.add_handler(
        MessageHandler(filters.Document.ALL & filters.CaptionRegex(CAPTION), import_file)
    )
    app.add_handler(CommandHandler("import", import_how))
