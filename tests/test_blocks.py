"""A report written once as blocks reads the same in Telegram HTML and in Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conversations.blocks import (
    Bullets,
    Heading,
    Numbered,
    Para,
    Quote,
    Span,
    Topic,
    fill,
    say_span,
    to_html,
    to_markdown,
)
from conversations.messages import Messages, load_messages
from conversations.reporting import SectionTooLong
from tests.summary_support import shown

FSI, PDI = "\u2068", "\u2069"


@pytest.fixture
def messages(tmp_path: Path) -> Messages:
    (tmp_path / "m.yaml").write_text(
        "title:\n  text: '☕ About {theme}'\n"
        "count:\n  text: '{theme} · {n} answers'\n"
        "note:\n  text: 'Said & done <b>'\n",
        encoding="utf-8",
    )
    return load_messages(tmp_path)


def test_fill_keeps_their_words_apart_from_ours(messages: Messages) -> None:
    line = fill(messages, "count", theme=Span("<b>x</b>", theirs=True), n=3)
    assert line == (Span("<b>x</b>", theirs=True), Span(" · "), Span("3"), Span(" answers"))
    with pytest.raises(KeyError, match=re.escape("needs a value for {n}")):
        fill(messages, "count", theme="x")


def test_both_renderings_escape_everything_and_html_isolates_their_words(
    messages: Messages,
) -> None:
    topic = Topic(
        (
            (
                Heading(fill(messages, "title", theme=Span("<i>&", theirs=True)), level=1),
                Para(((say_span(messages, "note", italic=True), Span(" *x*", theirs=True)),)),
                Quote("a <quote>"),
            ),
        )
    )
    (html,) = to_html([topic])
    assert html == (
        f"<b>☕ About {FSI}&lt;i&gt;&amp;{PDI}</b>\n"
        f"<i>Said &amp; done &lt;b&gt;</i>{FSI} *x*{PDI}\n"
        f"“{FSI}a &lt;quote&gt;{PDI}”"
    )
    assert shown(html) == "☕ About <i>&\nSaid & done <b> *x*\n“a <quote>”"
    assert to_markdown([topic]) == (
        "# ☕ About \\<i\\>\\&\n\n*Said \\& done \\<b\\>* \\*x\\*\n\n> “a \\<quote\\>”\n"
    )


def test_a_part_heading_stands_clear_and_list_items_stay_together() -> None:
    item = (Span("one"),)
    topic = Topic(
        (
            (Para((item,)), Heading(item), Heading(item, level=3), Bullets((item,))),
            (Bullets((item,)),),
            (Numbered(2, (Span("two", bold=True),)),),
        ),
        joiner="\n",
    )
    assert to_html([topic]) == ("one\n\n<b>one</b>\n\n<b>one</b>\n• one\n• one\n2. <b>two</b>",)
    assert to_markdown([topic]) == "one\n\n## one\n\n### one\n\n- one\n- one\n\n2. **two**\n"


def test_each_topic_starts_a_new_message_and_long_ones_are_split() -> None:
    para = Para(((Span("x" * 600),),))
    sections = to_html([Topic(((para,), (para,))), Topic(((para,),)), Topic(())])
    assert [len(s) for s in sections] == [600, 600, 600]
    with pytest.raises(SectionTooLong):
        to_html([Topic(((Para(((Span("x" * 5000),),)),),))])


def test_a_paragraph_stands_a_blank_line_clear_of_the_next_point() -> None:
    # "Most mentioned first." then the ideas; the brew's pack, then who took part.
    intro, first = Para(((Span("Most mentioned first."),),)), Numbered(1, (Span("Tea"),))
    chunk = (Heading((Span("Ideas"),)), intro, first, Quote("more tea"))
    (html,) = to_html([Topic(chunks=(chunk, (Para(((Span("Over a brew"),),)), intro)))])
    assert html == (
        f"<b>Ideas</b>\nMost mentioned first.\n\n1. Tea\n“{FSI}more tea{PDI}”\n\n"
        "Over a brew\n\nMost mentioned first."
    )
