"""Gather a brew's results from storage, build its summary off the event loop, and post it."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping

from telegram import Bot, InputFile
from telegram.constants import ParseMode

from bot import codebook_in_use as codebooks
from bot import embedder
from bot.charts import render
from bot.services import Services
from conversations.messages import Messages
from conversations.model import Kind, Pack, Principle, Stage
from conversations.reading import Reader
from conversations.shown import FreeText
from conversations.summary import BrewResults, Summary, ThemeFinder, build_summary
from storage.records import Brew
from storage.store import Store


def idea_prompts(pack: Pack | None) -> frozenset[str]:
    """Return the ids of a pack's prompts that ask for ideas for change."""
    return frozenset(p.id for p in pack.prompts if p.idea) if pack else frozenset()


def question_words(pack: Pack | None, theme: str) -> dict[str, str]:
    """Map each of a pack's questions asking for words to its wording, the theme filled in."""
    if pack is None:
        return {}
    return {p.id: p.text.format(theme=theme) for p in pack.prompts if p.kind is Kind.TEXT}


def option_words(pack: Pack | None) -> dict[str, str]:
    """Map each option id of a pack to its words, for showing self-descriptions."""
    return {o.id: o.text for p in pack.prompts for o in p.options} if pack else {}


async def brew_results(services: Services, brew: Brew) -> BrewResults:
    """Read what a summary needs from storage: counts in SQL, texts without who wrote them."""
    return await results_from(services.store, services.packs, brew)


async def results_from(store: Store, packs: Mapping[str, Pack], brew: Brew) -> BrewResults:
    """Read a brew's results from a store (the bot's, or one the CLI opened)."""
    pack = packs.get(brew.pack_id)
    counts = await store.brew_counts(brew.id)
    stages: dict[Principle, dict[Stage, int]] = defaultdict(dict)
    for row in await store.stage_counts(brew.id):
        stages[row.principle][row.stage] = row.count
    words = option_words(pack)
    described = {
        words.get(key, key): n for key, n in (await store.self_descriptions(brew.id)).items()
    }
    about = await store.answerer_descriptions(brew.id)
    texts = tuple(
        FreeText(
            a.person,
            a.prompt_id,
            a.principle,
            a.text,
            a.quote_consent,
            about.get(a.person),
            a.answer_id,
        )
        for a in await store.answer_texts(brew.id)
    )
    return BrewResults(
        theme=brew.theme,
        pack_title=pack.title if pack else brew.pack_id,
        took_part=counts.people,
        finished=counts.finished,
        self_description=described,
        stages=stages,
        answers=texts,
        idea_prompts=idea_prompts(pack),
        imported=counts.imported,
        described_stages=tuple(await store.described_stages(brew.id)),
        questions=question_words(pack, brew.theme),
        live=brew.was_live,
    )


async def theme_finder(services: Services, brew: Brew) -> ThemeFinder:
    """Return how to read a brew's answers into themes (see :func:`brew_reader`)."""
    return await brew_reader(services.store, brew, meaning=services.settings.meaning)


async def brew_reader(store: Store, brew: Brew, *, meaning: bool) -> Reader:
    """Return how to read a brew's answers: against its codebook if it has one, and by
    meaning too (the vectors kept with its answers) unless the settings say words alone."""
    codebook = await codebooks.of_brew(store, brew.id)
    if not meaning:
        return Reader(None, codebook)
    return await embedder.brew_reader(store, brew.id, codebook)


async def brew_summary(services: Services, brew: Brew) -> Summary:
    """Build a brew's summary in a worker thread (finding themes can take a few seconds), in
    the language being spoken: the facilitators' group's."""
    results = await brew_results(services, brew)
    find = await theme_finder(services, brew)
    return await asyncio.to_thread(
        build_summary,
        results,
        min_group=services.settings.min_group,
        messages=services.messages,
        find=find,
    )


async def post_summary(
    bot: Bot, chat_id: int, summary: Summary, store: Store, brew: Brew, *, messages: Messages
) -> None:
    """Post a summary: its messages in Telegram HTML, then its charts as pictures, their words
    in ``messages`` (the summary's own language).

    Each message is linked to its brew in storage as it goes, so a command sent as a reply
    to any of them knows which brew it is about.
    """
    for section in summary.sections:
        sent = await bot.send_message(chat_id, section, parse_mode=ParseMode.HTML)
        await store.summary_posted(chat_id, [sent.message_id], brew.id)
    pictures = await asyncio.to_thread(
        lambda: [render(spec, messages=messages) for spec in summary.charts]
    )
    for spec, picture in zip(summary.charts, pictures, strict=True):
        sent = await bot.send_photo(
            chat_id, InputFile(picture, filename="chart.png"), caption=spec.alt[:1024]
        )
        await store.summary_posted(chat_id, [sent.message_id], brew.id)
