"""People: patients and relatives (PHI) versus titled providers (administrative, may stay).

Patient names come from three sources, each checked against the census name lexicon:

* cue words right before a name ("Hi", "Dear", "patient", "Mr.", "your son") — these also catch
  lower-case names and names that are everyday words ("Hi hope," / "Dear Will");
* a given name followed by a surname-like word, in any case ("JOHN SMITH", "maria lopez");
* spaCy's PERSON entities, dropped when they are a lone everyday word with no cue ("Hope you are
  well", "Will you confirm?") or a clinical term.

A name behind a clinical title (Dr., Nurse, NP) or before a credential (", MD", " RN") is
PROVIDER_NAME instead; it outscores the overlapping PERSON finding, so the name may stay.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from models.entities import PERSON, PROVIDER_NAME
from models.recognizers.names.providers import ProviderRecognizer
from models.recognizers.names.scan import PatientNameRecognizer

ENTITIES = (PERSON, PROVIDER_NAME)


def recognizers() -> list[EntityRecognizer]:
    from models.recognizers.context import ContextNameRecognizer
    from models.recognizers.notes import NoteNameRecognizer
    from models.recognizers.visits import GivenInitialRecognizer

    return [
        PatientNameRecognizer(),
        ProviderRecognizer(),
        ContextNameRecognizer(),
        NoteNameRecognizer(),
        GivenInitialRecognizer(),
    ]
