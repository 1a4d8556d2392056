"""/export: a brew's answers as a safe CSV and its summary as Markdown, end to end and up close."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.facilitators.export_files import COLUMNS, guard
from bot.facilitators.picking import RECENT
from conversations.model import Kind, Principle, Rag, Stage
from storage.records import StoredAnswer
from tests.english import answer_row, answers_csv
from tests.facilitator_support import finish_pack, group_calls, group_texts, in_group, tap_in_group
from tests.running import Running

PEOPLE = [880301 + n for n in range(5)]
LONDON = ZoneInfo("Europe/London")
WORRYING = "My son shouts at me and hits me when the carers have gone."
# A formula a spreadsheet would run (with no web address in it: those are taken out).
FORMULA = '=IMPORTXML(CONCAT(A1,A2),"//a")'


def _answer(**changes: object) -> StoredAnswer:
    values: dict[str, object] = {
        "id": 7,
        "participant_id": "p" * 22,
        "brew_id": 1,
        "prompt_id": "what_matters",
        "principle": Principle.THEME,
        "kind": Kind.TEXT,
        "stage": None,
        "rag": None,
        "option": None,
        "text": "Knowing who is coming.",
        "quote_consent": True,
        "held": False,
        "review": None,
        "imported": False,
        "created_at": datetime(2026, 11, 23, 23, 30, tzinfo=UTC),
    }
    values.update(changes)
    return StoredAnswer(**values)  # type: ignore[arg-type]


def _read(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _documents(brewbot: Running, mark: int) -> dict[str, bytes]:
    return {
        upload.filename: upload.data
        for call in group_calls(brewbot)[mark:]
        if call.method == "sendDocument"
        for upload in call.files.values()
    }


# ------------------------------------------------------------------ the CSV itself


def test_cells_that_a_spreadsheet_would_run_are_defused() -> None:
    for risky in ("=1+1", "+44 7700", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert guard(risky) == "'" + risky
    for safe in ("", "tea", "1-2", "a=b", "'quoted"):
        assert guard(safe) == safe


def test_a_row_keeps_words_only_with_consent_and_never_an_id() -> None:
    words = {"draws_on_care": "I draw on care and support"}
    kept = answer_row(_answer(), words, LONDON)
    assert kept[COLUMNS.index("text")] == "Knowing who is coming."
    assert kept[COLUMNS.index("may_quote")] == "yes"
    private = answer_row(_answer(quote_consent=False), words, LONDON)
    assert private[COLUMNS.index("text")] == ""
    assert private[COLUMNS.index("may_quote")] == "no"
    choice = answer_row(
        _answer(kind=Kind.CHOICE, option="draws_on_care", text=None, prompt_id="about_you"),
        words,
        LONDON,
    )
    assert choice[COLUMNS.index("option_words")] == "I draw on care and support"
    stage = answer_row(
        _answer(kind=Kind.STAGE, stage=Stage.GETTING_THERE, rag=Rag.AMBER, text=None), {}, LONDON
    )
    assert stage[COLUMNS.index("stage")] == "3"
    assert stage[COLUMNS.index("stage_words")] == "getting there"
    assert stage[COLUMNS.index("rag")] == "amber"
    assert all("p" * 22 not in cell for cell in kept + private + choice + stage)
    assert "participant_id" not in COLUMNS
    assert kept[COLUMNS.index("created_at")] == "2026-11-23"  # the day, not the minute


def test_held_answers_are_left_out_and_text_round_trips() -> None:
    tricky = 'Line one,\nline two "quoted" ‮ مرحبا 🫖'
    data = answers_csv(
        [
            _answer(id=1, text=tricky),
            _answer(id=2, text=WORRYING, held=True, review="pending"),
            _answer(id=3, text=FORMULA),
        ],
        {},
        LONDON,
    )
    rows = _read(data)
    assert [r["row"] for r in rows] == ["1", "2"]  # row numbers, not storage ids
    assert sorted(r["text"] for r in rows) == sorted([tricky, "'" + FORMULA])
    assert WORRYING.encode() not in data
    assert list(rows[0]) == list(COLUMNS)


def test_rows_are_ordered_by_question_and_answer_not_by_person() -> None:
    alice = [
        _answer(id=1, prompt_id="what_matters", text="Trust"),
        _answer(id=2, prompt_id="better", text="Zebra crossings"),
    ]
    bob = [
        _answer(id=3, prompt_id="what_matters", text="Being asked"),
        _answer(id=4, prompt_id="better", text="A bench"),
    ]
    rows = _read(answers_csv([*alice, *bob], {}, LONDON))
    assert [(r["prompt_id"], r["text"]) for r in rows] == [
        ("better", "A bench"),
        ("better", "Zebra crossings"),
        ("what_matters", "Being asked"),
        ("what_matters", "Trust"),
    ]


# ------------------------------------------------------------------ /export in the group


async def test_export_sends_a_safe_csv_and_the_report(brewbot: Running) -> None:
    brew = await brewbot.new_brew("getting help at home")
    said = {
        PEOPLE[0]: ["Knowing who is coming.", FORMULA, "Time to talk.", "Same faces."],
        PEOPLE[1]: ["My own words, not to share.", "Quiet mornings.", "Ring back.", "Listen."],
        PEOPLE[2]: [WORRYING, "The lunch club.", "Fewer forms.", "Ask me first."],
    }
    quote = [True, False, True, True, True]
    await finish_pack(brewbot, brew.code, PEOPLE, quote=quote, texts=said)
    mark = len(group_calls(brewbot))
    await in_group(brewbot, "/export")

    files = _documents(brewbot, mark)
    stem = f"brew-{brew.id}-{brew.opened_at.date().isoformat()}"
    assert set(files) == {f"{stem}-answers.csv", f"{stem}-summary.md"}
    table = files[f"{stem}-answers.csv"]
    rows = _read(table)
    texts = [r["text"] for r in rows if r["kind"] == "text"]
    assert "Knowing who is coming." in texts and "'" + FORMULA in texts
    assert "My own words, not to share." not in texts  # no consent: words blanked
    assert any(r["kind"] == "text" and r["may_quote"] == "no" and not r["text"] for r in rows)
    assert WORRYING not in table.decode("utf-8-sig")  # held for a check: left out
    with sqlite3.connect(brewbot.settings.db) as con:
        people = [str(r[0]) for r in con.execute("SELECT id FROM participants")]
        kept = con.execute("SELECT count(*) FROM answers WHERE held = 0").fetchone()[0]
        held = con.execute("SELECT held FROM answers WHERE text = ?", (WORRYING,)).fetchall()
    assert held == [(1,)]
    assert len(rows) == kept
    body = table.decode("utf-8-sig")
    for secret in [*people, *(str(p) for p in PEOPLE)]:
        assert secret not in body
    report = files[f"{stem}-summary.md"].decode()
    assert report.startswith("# ☕ Over a Brew: getting help at home")  # as in the chat
    assert "5 people took part" in report
    assert "no names and no ids" in group_texts(brewbot)[-2]
    brewbot.standin.assert_no_problems()


async def test_export_with_too_few_people_sends_no_answers(brewbot: Running) -> None:
    brew = await brewbot.new_brew("getting help at home")
    await finish_pack(brewbot, brew.code, PEOPLE[:4])
    mark = len(group_calls(brewbot))
    await in_group(brewbot, "/export")
    assert _documents(brewbot, mark) == {}
    refusal = brewbot.services.text("export_too_few", theme=brew.theme, min_group=5)
    assert group_texts(brewbot)[-1] == refusal


async def test_export_asks_which_brew_when_there_are_several(brewbot: Running) -> None:
    await in_group(brewbot, "/export")
    assert group_texts(brewbot)[-1] == brewbot.services.text("no_brews", days=RECENT.days)
    first = await brewbot.new_brew("getting help at home")
    await brewbot.new_brew("staying connected")
    await brewbot.services.store.close_brew(first.id)
    await in_group(brewbot, "/export")
    labels = [label for label, _ in brewbot.standin.buttons(group_calls(brewbot)[-1])]
    assert labels == ["staying connected", "getting help at home (closed)"]
    await tap_in_group(brewbot, "getting help at home (closed)")
    refusal = brewbot.services.text("export_too_few", theme=first.theme, min_group=5)
    assert group_texts(brewbot)[-1] == refusal


def test_each_typed_answer_gets_its_theme_as_the_summary_would_name_it() -> None:
    from conversations.shown import FreeText
    from conversations.summary import AnswerTheme, BrewResults
    from tests.english import build_summary, theme_of_each
    from tests.summary_support import KeywordFinder

    waiting = [
        "waiting weeks for a call back",
        "so much waiting for the assessment",
        "the waiting list is too long",
        "waiting and waiting with no news",
        "months of waiting for a review",
        "waiting to hear if my care is agreed",
    ]
    said = [
        FreeText(f"person{n}", "what_matters", Principle.THEME, text, True, answer_id=n)
        for n, text in enumerate(waiting)
    ]
    said.append(FreeText("lone", "what_matters", Principle.THEME, "the garden", answer_id=99))
    results = BrewResults("t", "p", took_part=7, finished=7, answers=tuple(said))
    find = KeywordFinder((("Waiting", ("wait",)), ("Gardens", ("garden",))))
    themes = theme_of_each(results, min_group=5, find=find)
    assert {themes[n] for n in range(6)} == {AnswerTheme("Waiting", "codebook")}
    assert themes[99] == AnswerTheme("other", "other")  # one person's theme is never named
    summary = build_summary(results, min_group=5, find=find, themes_from=5)
    assert "Waiting · 6 answers from 6 people" in summary.markdown  # the summary says the same
    few = BrewResults("t", "p", took_part=3, finished=3, answers=tuple(said[:3]))
    tiny = theme_of_each(few, min_group=5, find=find)
    assert set(tiny.values()) == {AnswerTheme("other", "other")}  # too few people for any theme
    stored = [_answer(id=n, text=text) for n, text in enumerate(waiting)]
    stored.append(_answer(id=100, kind=Kind.STAGE, text="getting there", stage=Stage.GETTING_THERE))
    table = _read(answers_csv(stored, {}, LONDON, themes))
    by_text = {row["text"]: (row["theme"], row["from"]) for row in table if row["kind"] == "text"}
    assert {by_text[text] for text in waiting} == {("Waiting", "codebook")}
    (stage,) = [row for row in table if row["kind"] == "stage"]
    assert (stage["theme"], stage["from"]) == ("", "")  # a stage has no theme
