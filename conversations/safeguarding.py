"""Notice words that suggest someone may be at risk, so the bot can hold them and offer help.

This is a careful phrase list, not a judge: it errs towards noticing, and it is
never the only route to safety. It reads English and Welsh. Phrases are matched on word
boundaries, ignoring case, and are shaped so that everyday care talk ("the abuse of language",
"it hit me how tired I was", "my back is killing me") does not trip them.
"""

from __future__ import annotations

import re

__all__ = ["suggests_risk"]

# People someone might be afraid of, or hurt by.
_WHO = (
    r"(?:he|she|they|someone|somebody|carers?|(?:my|our|her|his) (?:\w+ )?"
    r"(?:husband|wife|partner|boyfriend|girlfriend|ex|son|daughter|dad|mum|mom|father|"
    r"mother|stepdad|stepmum|brother|sister|uncle|aunt|nephew|niece|grandson|granddaughter|"
    r"family|relatives?|neighbou?r|landlord|carers?|pa|support worker|staff))"
)
_PERSON = (
    r"(?:him|her|(?:my|our) (?:\w+ )?(?:husband|wife|partner|boyfriend|girlfriend|ex|son|"
    r"daughter|dad|mum|mom|father|mother|stepdad|stepmum|brother|sister|uncle|aunt|nephew|"
    r"niece|grandson|granddaughter|family|relatives|neighbou?r|landlord|carers?|pa))"
)
_VICTIM = r"(?:me|her|him|them|us|my (?:\w+ )?(?:mum|mom|dad|nan|gran|grandad|son|daughter))"
_HARM_VERB = (
    r"(?:hurts|hurt|is hurting|keeps hurting|hits|hit|is hitting|keeps hitting|beats|beat|"
    r"kicks|kicked|slaps|slapped|punches|punched|pushes|pushed|shoves|shoved|grabs|grabbed|"
    r"chokes|choked|strangles|strangled|bites|bit|burns|burnt|burned|threatens|threatened|"
    r"is threatening|locks|locked|shouts at|screams at)"
)

_PHRASES = (
    # Suicide and wanting to die.
    r"suicid(?:e|al)",
    r"(?:kill|killing|killed) (?:myself|my own life)",
    r"(?:end|ending|ended) (?:my life|my own life)",
    r"(?:take|taking|took) my own life",
    r"end it all",
    r"(?:want|wanted|wanna|going|trying|tried) to die",
    r"better off dead",
    r"(?:nothing|no one|nobody) (?:left )?to live for",
    r"no (?:point|reason) (?:in )?(?:to )?(?:living|going on|carrying on|to live)",
    r"not worth living",
    r"(?:don't|do not|dont) want to (?:be here|live|wake up)(?: any ?more)?",
    r"overdos(?:e|ed|ing)",
    # Hurting oneself.
    r"self[- ]?harm(?:ing)?",
    r"(?:hurting|harming|cutting|burning) myself",
    r"harm myself",
    r"(?:want|wanted|going|gonna|try|tried|trying|urge|thinking about|think about) "
    r"(?:to )?(?:hurt|harm|cut|burn|starve) myself",
    # Abuse, named as such.
    r"(?:abused|abusing|abuses|abuse) " + _VICTIM,
    r"(?:i|she|he|we|they|nan|gran|mum|mom|dad|my \w+)(?:'m|'s|'ve|'re| am| is| was| were| are|"
    r" has| have| had| got| gets| get| keeps| kept)(?: being| been| getting)? (?:\w+ )?abused",
    r"(?:scared|afraid|frightened|worried) (?:of|about) being (?:\w+ )?abused",
    r"(?:domestic|sexual|financial|physical|emotional|elder) abuse",
    r"abusive (?:to|towards) (?:me|her|him|us)",
    r"abusive (?:husband|wife|partner|boyfriend|girlfriend|relationship|son|daughter|"
    r"father|mother|dad|mum|family|carer|home)",
    _WHO + r"(?:'s| is| was| are| were| gets| get| can be) (?:\w+ )?abusive",
    # Being hit or hurt by someone.
    _WHO + r" (?:\w+ )?" + _HARM_VERB + r" " + _VICTIM,
    r"(?:being|been|get|gets|getting|got|was|am) (?:hit(?! and miss| hard)|beaten|beaten up|"
    r"kicked|punched|slapped|attacked|assaulted|raped|strangled|choked)",
    r"(?:raped|rape me|sexually assaulted|sexual assault)",
    r"(?:touched|touches|touching) me (?:inappropriately|down there|where|when i)",
    r"(?:going to|gonna|will|'ll|wants? to|threatened to|threatens to|tried to|try to) "
    r"(?:kill|hurt|hit|beat) " + _VICTIM,
    # Fear of someone, or of home.
    r"(?:scared|afraid|frightened|terrified) (?:\w+ )?of " + _PERSON,
    r"(?:scared|afraid|frightened|terrified) (?:to go|of going|to be) (?:back )?home",
    r"(?:scared|afraid|frightened|terrified) (?:to be )?(?:alone )?with " + _PERSON,
    r"(?:not|never|don't feel|do not feel|dont feel|doesn't feel|isn't|is not) safe "
    r"(?:at home|in my (?:own )?home|in the house|with " + _PERSON + r")",
    r"unsafe (?:at home|in my (?:own )?home)",
    r"(?:don't|do not|dont|never) feel safe"
    r"(?! (?:to|saying|sharing|speaking|talking|telling|asking|in (?:meetings|reviews)))",
    r"in danger(?! of)",
    r"(?:putting|put|puts|leaving|left|leaves) (?:me|her|him|them|us) at risk",
    # Neglect.
    r"(?:not|never|hardly|barely) (?:being|been|getting|get|gets) (?:fed|washed)"
    r"(?! back| into| up| through| in)",
    r"(?:nobody|no one|noone|no-one) (?:feeds|fed|washes|changes|checks on) " + _VICTIM,
    r"(?:no|without|hasn't had|haven't had|had no) (?:any )?(?:food|meals?) (?:for|in) "
    r"(?:days|a day|a week|\w+ days)",
    r"(?:haven't|have not|hasn't|has not|didn't|did not) (?:eaten|been fed) (?:for|in) "
    r"(?:days|a day|a week|\w+ days)",
    r"left (?:alone )?(?:in|with) (?:wet|soiled|dirty) (?:pads|clothes|bed|sheets)",
    r"left (?:alone )?(?:in bed|on the floor|on (?:my|her|his) own) (?:all day|for hours|for days)",
    r"neglect(?:ed|ing|s)? " + _VICTIM,
    r"(?:being|been) neglected",
    r"(?:won't|will not|doesn't|does not|don't|do not) let (?:me|her|him) "
    r"(?:eat|out|leave the house|go out|see anyone|see friends|use the phone)",
    r"(?:locks|locked|lock) (?:me|her|him) (?:in|up)",
    # Money taken.
    _WHO + r" (?:\w+ )?(?:takes|took|is taking|keeps taking) (?:all )?(?:my|her|his) "
    r"(?:money|pension|benefits|bank card)",
    r"(?:steals|stole|stealing|stolen) (?:all )?(?:my|her|his) "
    r"(?:money|pension|benefits|(?:bank )?card)",
)

# The same worries in Welsh, written as Welsh speakers write them, with the mutations a word
# takes after "fy" (my: fy nharo, fy mrifo), "ei" (his, her) and "am"/"i" (ladd, farw).
_FY = (  # someone close, after "fy" (nasal mutation)
    r"(?:ngŵr|ngwr|ngwraig|mhartner|nghariad|mab|merch|nhad|mam|mrawd|chwaer|ngofalwr|"
    r"ngofalwraig|nghymydog|nheulu|nhaid|nain|nhaid|landlord)"
)
_WELSH_PHRASES = (
    # Suicide and wanting to die.
    r"hunanladd(?:iad)?",
    r"(?:lladd|ladd) fy hun(?:an)?",
    r"(?:eisiau|isio|isie|moyn|am|mynd i) (?:marw|farw)",
    r"diwedd ar fy (?:mywyd|hun)",
    r"dim (?:pwynt|rheswm) (?:i )?(?:byw|fyw|mynd ymlaen|cario ymlaen)",
    r"gwell (?:fy myd )?(?:yn )?farw",
    r"gorddos",
    # Hurting oneself.
    r"hunan[- ]?niwed(?:io)?",
    r"(?:brifo|frifo|niweidio|anafu|torri|dorri|llosgi|losgi) fy hun(?:an)?",
    # Abuse, named as such.
    r"(?:c|g|ngh|ch)am-?drin(?! (?:iaith|geiriau|grym))",
    r"(?:c|g|ngh|ch)amdriniaeth",
    r"trais (?:yn y cartref|domestig|rhywiol)",
    r"(?:t|d|nh|th)reisio",
    # Being hit, hurt or threatened by someone.
    r"fy (?:nharo|mwrw|mrifo|nghicio|ngwthio|mygwth|nghuro|nghloi|nhagu|nyrnu)",
    r"ei (?:daro|tharo|bwrw|fwrw|brifo|frifo|guro|churo|gicio|chicio) (?:hi|e|o|fe|fo)\b",
    # Fear of someone, or of home.
    r"ofn (?:mynd )?(?:adre|adref|gartre|gartref)",
    r"ofn fy " + _FY,
    r"(?:ddim|dim|byth) yn (?:saff|ddiogel) (?:gartre|gartref|adre|adref|yn y tŷ|"
    r"yn fy nghartref|gyda fy " + _FY + r")",
    r"mewn perygl(?! o)",
    # Neglect.
    r"(?:dim bwyd|heb (?:fwyd|fwyta|gael bwyd)) (?:ers|am) (?:dyddiau|diwrnodau|wythnos|"
    r"diwrnod|\w+ diwrnod)",
    r"(?:neb|does neb) yn fy (?:mwydo|ngolchi|newid)",
    r"ddim yn (?:fy )?(?:ngadael|gadael i mi) (?:fwyta|mynd allan|gweld neb|adael y tŷ)",
    # Money taken.
    r"(?:dwyn|ddwyn|cymryd|gymryd) (?:fy|ei) (?:holl )?(?:arian|mhensiwn|phensiwn|bensiwn|"
    r"mudd-daliadau|budd-daliadau|ngherdyn|cherdyn|gerdyn)",
)

_RISK = re.compile(
    r"\b(?:" + "|".join(f"(?:{p})" for p in (*_PHRASES, *_WELSH_PHRASES)) + r")\b",
    re.IGNORECASE,
)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


def suggests_risk(text: str) -> bool:
    """Say whether ``text`` has words suggesting someone may be at risk of harm."""
    plain = " ".join(text.translate(_APOSTROPHES).split())
    return _RISK.search(plain) is not None
