"""The reports in English, as most tests read them.

A report takes the messages it speaks as a required argument (the facilitators' group's
language: the core has no default to fall back on). Tests of what a report shows, which are
written against the English wording, import these instead: the same functions, given the
shipped English. A test of another language passes its own messages to the real function.
"""

from __future__ import annotations

from functools import partial

from bot import charts
from bot.facilitators import export_files
from conversations import digest, reporting, shown, summary
from conversations.messages import load_messages

ENGLISH = load_messages()

# conversations.summary
build_summary = partial(summary.build_summary, messages=ENGLISH)
stage_sentence = partial(summary.stage_sentence, messages=ENGLISH)
taking_part = partial(summary.taking_part, messages=ENGLISH)
question_views = partial(summary.question_views, messages=ENGLISH)
answer_themes = partial(summary.answer_themes, messages=ENGLISH)
group_themes = partial(summary.group_themes, messages=ENGLISH)
# conversations.shown
too_few = partial(shown.too_few, messages=ENGLISH)
# conversations.digest
build_digest = partial(digest.build_digest, messages=ENGLISH)
trend_sentence = partial(digest.trend_sentence, messages=ENGLISH)
week_words = partial(digest.week_words, messages=ENGLISH)
# conversations.reporting
stage_label = partial(reporting.stage_label, messages=ENGLISH)
# bot.charts
render = partial(charts.render, messages=ENGLISH)
render_all = partial(charts.render_all, messages=ENGLISH)
# bot.facilitators.export_files
answer_row = partial(export_files.answer_row, messages=ENGLISH)
answers_csv = partial(export_files.answers_csv, messages=ENGLISH)
theme_of_each = partial(export_files.theme_of_each, messages=ENGLISH)
