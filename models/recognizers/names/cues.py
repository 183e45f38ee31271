"""The words and patterns around a name: cue words before it ("Hi", "Dear", "Mr.", "your
son"), words that are never names, and the shapes of what may follow a name."""

from __future__ import annotations

import regex

from models.recognizers.vocab import COUNTRIES


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words right before a name that make it one: greetings, honorifics, relations, "patient".
GREETINGS = _set(
    "hi hello hey dear hola oye hiya morning afternoon evening buenos buenas querido querida "
    "estimado estimada bonjour greetings dias días tardes noches"
)
HONORIFICS = _set("mr mrs ms miss mx mister sr sra srta")
RELATIONS = _set(
    "patient pt son daughter wife husband mother mom mommy father dad daddy brother sister "
    "grandson granddaughter grandmother grandma grandfather grandpa child baby infant newborn "
    "caregiver guardian spouse partner fiance fiancee niece nephew aunt uncle cousin named "
    "resident client attn re regarding stepson stepdaughter boyfriend girlfriend roommate "
    "hijo hija esposo esposa guarantor subscriber policyholder dependent beneficiary"
)
STRONG_CUES = GREETINGS | HONORIFICS | RELATIONS
WEAK_CUES = _set(
    "for from with and to by cc call tell ask remind love or visiting about xo hugs saw"
)
TWO_WORD_CUES = frozenset(
    {
        ("name", "is"),
        ("this", "is"),
        ("i", "am"),
        ("sending", "love"),
        ("message", "for"),
        ("looking", "for"),
        ("happy", "birthday"),
        ("happy", "bday"),
    }
)
# "thank you, Stella!", "thanks hyun!": a name only when it is addressed (ends the phrase).
THANKS = frozenset({("thank", "you"), ("thanks", ""), ("thx", ""), ("ty", "")})
# "ok June, emailed the forms": a name between "ok" and a comma.
OK_WORDS = _set("ok okay k kk")
# Verbs that, right after a word, make it a person even when the word is also an everyday word
# ("Hope called", "Bill can call us", "Clement was born"), unlike "Grace is over".
PERSON_VERB = regex.compile(
    r"[ \t]+(?:relocated|moved|no-showed|missed|called|declined|cancell?ed|confirmed|owes|"
    r"says|said|asked|wants|was\s+born|is\s+(?:being\s+)?discharged|was\s+discharged|"
    r"(?:can|will|should|may)\s+(?:call|text|reach|pick|come|bring|sign))\b",
    regex.IGNORECASE,
)
# Capitalised words after these are storms and places, not people ("Tropical Storm Ida").
NOT_PERSON_BEFORE = _set(
    "hurricane storm depression typhoon cyclone street st avenue ave road rd county lake mount "
    "mt fort ft port saint san santa"
)
# Words that are never (part of) a person's name even when capitalised.
NOT_NAMES = (
    _set(
        "dr doctor nurse np pa rn md do the a an your our my his her their this that you we i it "
        "reminder appointment appt pharmacy clinic hospital office center patient patients team "
        "portal reply stop help text call please thank thanks hi hello hey dear today tomorrow "
        "monday tuesday wednesday thursday friday saturday sunday january february march "
        "july september october november december ok okay yes no am pm sorry welcome "
        "gracias hola saludos important update fyi note urgent notice alert re fwd attn good "
        "morning afternoon evening night family friend friends everyone all there folks mon tue "
        "tues wed thu thur thurs fri sat sun jan feb mar apr jun jul aug sep sept oct nov dec "
        "cheers regards best sincerely xoxo greetings dias días tardes noches hon honey new free "
        "congrats congratulations yay wow great english spanish español french chinese arabic "
        "vietnamese korean russian portuguese "
        "sweetie buddy"
    )
    | COUNTRIES
)  # countries may stay (Safe Harbor removes places below state level only)
PLACE_PREPOSITIONS = _set("to from in near at")
# What follows a person's name in a sentence (and not "Grace Period" or "Will Call").
PERSON_CONTEXT = regex.compile(
    r"(?:'s\b|[ \t]*(?:[:(]|,[ \t]+(?:(?:your|ur|you|please|dob|born|mrn|we)\b|\d{1,3}[,)])|[ \t]+"
    r"(?:has|had|have|is|was|needs|called|left|no-showed|missed|relocated|moved|owes|needs|will|can|says|said|"
    r"asked|wants|came|did|does|declined|cancelled|canceled|confirmed|completed)\b))",
    regex.IGNORECASE,
)
SIGN_OFFS = _set("love thanks cheers regards best sincerely xoxo hugs")
AMBIGUOUS_VOCATIVE = regex.compile(
    r"[ \t]*(?:!|,[ \t]*(?:please|pls|your|ur|you|u|we|it|this|i|the|just|hi|hello|hey|dr|"
    r"doctor|nurse)\b)",
    regex.IGNORECASE,
)
# After "hey kit": words that show the next word was a name being addressed.
FILLERS = _set("lol haha hahaha ok okay so sorry omg yes yep ugh hmm aw aww")
YOUR_NEXT = regex.compile(r"[ \t]*(?:[,—–\-:][ \t]*)?(?:ur|your)\b", regex.IGNORECASE)
YOUR_AFTER_MARK = regex.compile(r"[ \t]*[,—–\-:][ \t]*(?:ur|your)\b", regex.IGNORECASE)
GREETING_GAP = regex.compile(r"[ \t]*[,!]*[ \t]*")
ADDRESS_FOLLOWS = regex.compile(
    r"[ \t]+(?:its|it's|this\s+is|is\s+(?:ur|your)|ur|your|u|you|pls|please|wya|r\s+u|"
    r"are\s+you|did|can|just|"
    r"dont|don't|i|we)\b",
    regex.IGNORECASE,
)
HOLIDAY_AFTER = regex.compile(r"(?:\s+Jr\.?|'s)?\s+Day\b")
ADDRESSED = regex.compile(
    r"[!\s]*[^\n]{0,60}?\b(?:you|your|ur|u|su|sus|tu|tus|usted)\b", regex.IGNORECASE
)
# "Hi tere," / "hey evryone": a greeting's usual object, mistyped, is not a name.
GREETING_OBJECTS = _set("there all everyone everybody team folks friends friend guys yall")
# Endearments are not names alone ("Hi honey"), but are given names before a surname.
ENDEARMENTS = _set("honey hon sweetie buddy")
# A dash after the first word of a text: "Jack - Statement returned; update your address".
DASH_AFTER = regex.compile(r"[ \t]+[-–—][ \t]+")
HI_AFTER = regex.compile(r"[ \t]*,[ \t]*(?:hi|hello|hey|hola)\b", regex.IGNORECASE)
POSSESSION = regex.compile(
    r"\s+(?:follow-?up|appointment|appt|results?|meds|medications?|prescriptions?|refills?|"
    r"surgery|procedure|tests?|labs?|visit|treatment|care|insurance|account|balance|statement|"
    r"bill|records?|chart|dob|birthday|diagnosis|therapy|infusion|scan|biopsy|referral|"
    r"pharmacy|rx)\b",
    regex.IGNORECASE,
)
CUE_GAP = regex.compile(r"[\s,.:;!\-]*")
SENTENCE_GAP = regex.compile(r"\s*\n\s*|\s*[.!?|:\-(\[]\s*|\s*,\s*[\-|]\s*")
VOCATIVE_MARK = regex.compile(r"[ \t]*[!,:]")
VOCATIVE_END = regex.compile(r"[ \t]*(?:[,!.:;?)]|$|\n|\s-\s)")
WORD_SHAPE = regex.compile(r"[a-z][a-z'\-]*")
# A name glued to the identifier before it by "/", "-", "::" or " / ": the identifier ends in a
# run of letters and digits with a digit in it ("2521", "454 JSZ", "770 tET").
# Anchored at the start of the run and possessive, so a long digit run is read once, not once
# per digit ("1" * 20000 took seconds: issue #18).
GLUED_HINT = regex.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]*+\d[A-Za-z0-9]*+(?:[ \-][A-Za-z0-9]++)?"
    r"(?:[/|]|::|-|[ \t]/[ \t])[A-Za-z]"
)
GLUED = regex.compile(
    r"(?<=\d[A-Za-z0-9]*(?:[ \-][A-Za-z0-9]{1,4})?)(?P<sep>[/|]|::|-|[ \t]/[ \t])"
    r"(?P<n>[A-Za-z][a-z']{1,30}|[A-Z][A-Z']{1,30})(?![\w\-/])"
    r"(?:[ \t](?P<s>[A-Z][a-z'\-]{1,30}|[A-Z][A-Z'\-]{1,30})(?![\w\-/]))?"
)
# The identifier before a glued name: its last chunk, and the one before if that is all letters.
ID_BEFORE = regex.compile(r"[A-Za-z0-9\-]+")
ELONGATED = regex.compile(r"(.)\1{2,}")
RELATION_AFTER = regex.compile(r"\s+(" + "|".join(sorted(RELATIONS - {"named", "re"})) + r")\b")
GREETED_LOWER = regex.compile(r"\s+(?:its|it's|this|ur|your|u|you|please|we|i|i'm|im)\b")
OPENING_UNKNOWN = regex.compile(
    r"[ \t]*,\s*(?:please|your|you|we|this|it|u|ur)\b", regex.IGNORECASE
)
