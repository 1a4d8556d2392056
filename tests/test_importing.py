"""Reading answers gathered off Telegram: CSV or text, one clear line for every problem."""

from __future__ import annotations

import pytest

from conversations.importing import (
    MAX_BYTES,
    ImportProblem,
    answers_for,
    prompt_for,
    read_answers,
)
from conversations.loader import load_packs
from conversations.model import Kind

CSV = (
    b"date,answer,may_quote\n"
    b"2026-11-01,Knowing who is coming,yes\n"
    b"2026-11-01,,no\n"
    b'2026-11-02,"A carer who stays for a cuppa, not just the tasks",no\n'
    b"2026-11-03,Plain letters,Y\n"
)


def test_a_csv_with_an_answer_column_is_read() -> None:
    got = read_answers(CSV, name="paper.csv")
    assert [r.text for r in got.rows] == [
        "Knowing who is coming",
        "A carer who stays for a cuppa, not just the tasks",
        "Plain letters",
    ]
    assert [r.quote_consent for r in got.rows] == [True, False, True]
    assert got.empty == 1 and got.column == "answer"


def test_no_consent_to_quote_unless_a_column_says_so() -> None:
    got = read_answers(b"comment\nToo many faces\n", name="form.csv")
    assert [r.quote_consent for r in got.rows] == [False]


def test_a_named_column_and_semicolons_and_a_bom() -> None:
    data = "\ufeffwhen;what they said\n1;Being heard\n2;Getting out more\n".encode()
    got = read_answers(data, name="export.csv", text_column="What they said")
    assert [r.text for r in got.rows] == ["Being heard", "Getting out more"]


def test_a_missing_column_lists_the_columns_in_one_line() -> None:
    with pytest.raises(ImportProblem) as caught:
        read_answers(CSV, name="paper.csv", text_column="words")
    assert (
        str(caught.value)
        == "paper.csv has no column 'words'; its columns are: date, answer, may_quote"
    )


def test_several_columns_and_no_likely_one_asks_which() -> None:
    with pytest.raises(ImportProblem, match="--text-column"):
        read_answers(b"a,b\n1,2\n", name="x.csv")


def test_the_wrong_encoding_says_how_to_fix_it() -> None:
    data = "answer\nCaf\u00e9 at the day centre\n".encode("cp1252")
    with pytest.raises(ImportProblem) as caught:
        read_answers(data, name="old.csv")
    assert "not UTF-8" in str(caught.value) and "\n" not in str(caught.value)


def test_a_text_file_is_one_answer_a_line() -> None:
    got = read_answers(b"Being listened to\n\n  Less waiting  \n", name="notes.txt")
    assert [r.text for r in got.rows] == ["Being listened to", "Less waiting"]
    assert got.empty == 1


def test_empty_and_huge_files_are_refused() -> None:
    with pytest.raises(ImportProblem, match="no answers"):
        read_answers(b"answer\n\n,\n", name="blank.csv")
    with pytest.raises(ImportProblem, match="MB"):
        read_answers(b"x" * (MAX_BYTES + 1), name="huge.csv")


def test_the_same_bytes_have_the_same_fingerprint() -> None:
    assert read_answers(CSV, name="a.csv").sha256 == read_answers(CSV, name="b.csv").sha256


def test_answers_belong_to_a_typed_answer_question() -> None:
    pack = load_packs()["over-a-brew"]
    assert prompt_for(pack, None).id == "what_matters"
    better = prompt_for(pack, "better")
    answers = answers_for(read_answers(CSV, name="p.csv"), better)
    assert {a.prompt_id for a in answers} == {"better"} and answers[0].kind is Kind.TEXT
    with pytest.raises(ImportProblem, match="use one of"):
        prompt_for(pack, "about_you")
