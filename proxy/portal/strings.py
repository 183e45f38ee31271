"""Every word the portal shows a patient, in one place (US English).

Pages (:mod:`proxy.portal.pages`) only arrange these strings; a translation is another mapping
with the same keys. Values are plain text with ``{name}`` fields; the pages escape them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

EN: Mapping[str, str] = MappingProxyType(
    {
        "lang": "en",
        # titles
        "title.verify": "Confirm it's you",
        "title.code": "Enter your code",
        "title.confirm": "You have a secure message",
        "title.message": "Your secure message",
        "title.unavailable": "This link is not available",
        "title.locked": "This link is locked",
        "title.viewed": "This message was already viewed",
        "title.wait": "Please wait",
        "title.retry": "Please try again",
        "title.later": "Please try again later",
        # verification by date of birth
        "dob.intro": "To keep your information private, please confirm your date of birth before "
        "we show your message.",
        "dob.legend": "Date of birth",
        "dob.hint": "Month, day and year, for example 7 2 1950 for July 2, 1950. A two-digit year "
        "is fine.",
        "dob.month": "Month",
        "dob.day": "Day",
        "dob.year": "Year",
        "dob.wrong": "That date of birth does not match our records. {attempts}",
        "dob.format": "We could not read that date. Please type the month, day and year as "
        "numbers, for example 7 2 1950 for July 2, 1950. This did not count as an attempt.",
        "attempts.one": "You have 1 attempt left.",
        "attempts.many": "You have {n} attempts left.",
        "button.show": "Show my message",
        # view once: warned and confirmed before anything is shown
        "once.warning": "This message can be viewed only once.",
        "once.detail": "After you open it and leave the page, it cannot be opened again. Make sure "
        "you are somewhere private and have time to read it.",
        "once.confirm": "I understand I can view this message only once",
        "once.missing": "Please check the box to confirm you understand this message can be viewed "
        "only once. This did not count as an attempt.",
        "once.after": "This message can be viewed only once. It will not be available again after "
        "you leave this page.",
        # verification by text message code
        "code.intro": "To keep your information private, we will text a 6-digit code to the phone "
        "number this message was sent to.",
        "code.failed": "We could not send a code just now. Please try again later.",
        "code.button": "Text me a code",
        "code.sent": "We sent a 6-digit code by text message. It expires in 10 minutes.",
        "code.label": "6-digit code",
        "code.hint": "The code from the text we just sent you",
        "code.wrong": "That code is not right or has expired. {attempts}",
        "code.limit": "No more codes can be sent for this message. Use the last one we sent.",
        "code.wait": "A code was sent moments ago. Please wait a little before asking again.",
        "code.resend": "Send a new code",
        # no verification
        "confirm.intro": "You have a secure message.",
        # the message
        "message.label": "Your message",
        "message.from": "From",
        "message.sent": "Sent",
        "message.expires": "This link works until {when}. After that, please contact {org}.",
        "message.not_saved": "This page is not saved on your device. Close it when you are done.",
        "call": "Questions? Call {org} at",
        # when the message cannot be shown
        "unavailable.body": "This link has expired or is not valid.",
        "unavailable.contact": "If you were expecting a message, please contact {org}.",
        "unavailable.call": "If you were expecting a message, please call {org} at",
        "locked.body": "For your protection this link is locked after too many incorrect attempts.",
        "locked.contact": "Please contact {org} to get your message.",
        "viewed.body": "For your privacy this message could be viewed only once, and it has "
        "already been opened.",
        "viewed.contact": "If you need it again, please contact {org}.",
        "wait.body": "There have been too many attempts. Please wait a few minutes and try again.",
        "retry.body": "This page expired before it was sent. Please open the link from your text "
        "message again.",
        "later.body": "Something went wrong on our side. Please try again later.",
        # dates: "December 7, 2026" and "3:15 PM"
        "date": "{month} {day}, {year}",
        "datetime": "{date} at {time} {zone}",
        "months": "January February March April May June July August September October November "
        "December",
        "am": "AM",
        "pm": "PM",
        "fallback.org": "the organization that sent you the link",
    }
)
