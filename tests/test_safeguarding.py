"""The risk check notices words of harm, and lets everyday care talk through."""

from __future__ import annotations

import pytest

from conversations.safeguarding import suggests_risk

AT_RISK = [
    # The kind of message a listening tool really receives.
    "My partners nan has been placed with relatives that have abused her in the past"
    " and they are putting her at risk as we speak",
    "I was abused as a child and the review brought it all back",
    "She's being financially abused by her son, he takes her pension every week",
    "My husband hits me when I ask for help with money",
    "I'm scared of my son when he has been drinking",
    "I don't feel safe at home any more",
    "Honestly I don't feel safe.",
    "Mum is not being fed properly at the home, she has lost so much weight",
    "Nobody checks on me and I haven't eaten in days",
    "Some days I think about killing myself",
    "I have had suicidal thoughts since my care was cut",
    "I want to die, I can't do this any more",
    "I have been self-harming again",
    "I keep hurting myself when it gets too much",
    "The carer pushed her and she fell",
    "He threatened to hurt me if I told anyone",
    "I'm scared to go home tonight",
    "She was left in wet pads all night",
    "They lock her in her room at night",
    "My dad won't let me see friends or use the phone",
    "My support worker stole my bank card",
    "I've been beaten up twice this year",
    "There's no point in living like this",
    "I feel like everyone would be better off dead without me",
    "My ex is abusive and keeps turning up",
    "I’m terrified of my landlord",  # a curly apostrophe, as phones type it
    "MY BROTHER KICKED ME",
    "I think I am in danger",
]

EVERYDAY = [
    # Ordinary things people say about care and support.
    "The abuse of language in those letters made me feel small",
    "I'm not at risk, I just want a say in my care",
    "The review hit me hard, it really made me think",
    "It hurt me that nobody listened at the meeting",
    "My back is killing me today but the group helped",
    "I was scared of the assessment letters, they sounded like threats",
    "I don't feel safe to speak up in meetings yet",
    "The service was hit and miss for years",
    "That story really touched me",
    "I care for my mum, she has dementia and I'm tired",
    "We had training on keeping people safe last week",
    "Our ideas are not getting fed back to the council",
    "I'm worried we're in danger of losing the day centre",
    "It hit me how lonely I had become",
    "I'm starving for some good news about the budget",
    "We have no living room at the respite place",
    "They won't let me have my say about my own care plan",
    "I got locked out of my online account again",
    "The council takes a long time to answer",
    "Staff keep us busy and the food is good",
    "I want to take my life back from all the forms",
    "Direct payments give me more control",
    "I help at the lunch club and it means a lot to me",
    "Getting there, but it is slow",
    "",
]


@pytest.mark.parametrize("text", AT_RISK)
def test_notices_words_of_harm(text: str) -> None:
    assert suggests_risk(text)


@pytest.mark.parametrize("text", EVERYDAY)
def test_lets_everyday_care_talk_through(text: str) -> None:
    assert not suggests_risk(text)


def test_matches_whole_words_only() -> None:
    assert not suggests_risk("the suicidalness of the plot")  # not a word anyone means
    assert suggests_risk("suicidal")
    assert suggests_risk("I overdosed last month")


def test_spacing_and_line_breaks_do_not_hide_a_phrase() -> None:
    assert suggests_risk("I   want\nto   die")


# The same worries written in Welsh, with the mutations the words take.
AT_RISK_CY = [
    "Mae fy mhartner yn fy nharo i pan dw i'n gofyn am help",
    "Rydw i eisiau marw, alla i ddim gwneud hyn mwyach",
    "Weithiau rydw i'n meddwl am ladd fy hun",
    "Mae ofn fy ngŵr arna i",
    "Dydw i ddim yn saff gartref",
    "Mae fy mab yn cymryd fy holl arian bob wythnos",
    "Cafodd hi ei cham-drin gan ei theulu",
    "Rydw i wedi bod yn brifo fy hun eto",
    "Does neb yn fy mwydo ac rydw i heb fwyta ers dyddiau",
    "Mae e'n fy mygwth bob nos",
    "Rydw i wedi cael meddyliau am hunanladdiad",
    "Mae gen i ofn mynd adref heno",
]
CARE_TALK_CY = [
    "Mae cam-drin iaith yn gyffredin mewn llythyrau",
    "Mae perygl o golli'r gwasanaeth dydd",
    "Mae ofn arna i am yr adolygiad",
    "Rydw i'n torri coed tân i'r cymdogion",
    "Mae fy nhad yn wych gyda'r plant",
    "Mae'r ganolfan mewn perygl o gau",
]


@pytest.mark.parametrize("text", AT_RISK_CY)
def test_notices_words_of_harm_in_welsh(text: str) -> None:
    assert suggests_risk(text)


@pytest.mark.parametrize("text", CARE_TALK_CY)
def test_lets_everyday_welsh_care_talk_through(text: str) -> None:
    assert not suggests_risk(text)
