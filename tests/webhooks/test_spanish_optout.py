"""Spanish opt-outs, end to end: a patient texts ALTO / PARAR / "no más mensajes" through any
provider's signed webhook, and the next send to them through the proxy (the real Twilio SDK)
is refused with nothing reaching the provider. The customer is told the keyword's language."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

import pytest
from twilio.base.exceptions import TwilioRestException

from proxy.webhooks.config import KeywordSettings, LanguageKeywords
from proxy.webhooks.keywords import Classifier, Intent
from tests.support.webhook_signing import (
    messagebird_token,
    plivo_form,
    sns_inbound,
    telnyx_headers,
    vonage_token,
)
from tests.webhooks.conftest import (
    CLINIC,
    MESSAGEBIRD_KEY,
    PATIENT,
    PLIVO_TOKEN,
    PUBLIC,
    VONAGE_SECRET,
    post_twilio,
    sdk_send,
    sinch_basic_headers,
)
from tests.webhooks.test_forwarding import post

ADMIN = "Recordatorio: su cita es el martes a las 3:15 p. m. Responda ALTO para no recibir más."
Poster = Callable[[object, str], Awaitable[int]]


async def _twilio(s: object, text: str) -> int:
    return (await post_twilio(s, text))[0]  # type: ignore[arg-type]


async def _plivo(s: object, text: str) -> int:
    pairs = [
        ("From", PATIENT.lstrip("+")),
        ("To", CLINIC.lstrip("+")),
        ("Text", text),
        ("Type", "sms"),
        ("MessageUUID", str(uuid.uuid4())),
    ]
    body, headers = plivo_form(
        PUBLIC + "/webhooks/plivo/sms", pairs, PLIVO_TOKEN, "27182818284590452353"
    )
    return (await post(s, "/webhooks/plivo/sms", body, headers))[0]


async def _vonage(s: object, text: str) -> int:
    body = json.dumps(
        {
            "channel": "sms",
            "message_uuid": str(uuid.uuid4()),
            "to": CLINIC.lstrip("+"),
            "from": PATIENT.lstrip("+"),
            "text": text,
            "message_type": "text",
        }
    ).encode()
    token = vonage_token(body, VONAGE_SECRET)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    return (await post(s, "/webhooks/vonage/sms", body, headers))[0]


async def _telnyx(s: object, text: str) -> int:
    body = json.dumps(
        {
            "data": {
                "event_type": "message.received",
                "payload": {
                    "id": str(uuid.uuid4()),
                    "from": {"phone_number": PATIENT},
                    "to": [{"phone_number": CLINIC}],
                    "text": text,
                },
            }
        }
    ).encode()
    return (await post(s, "/webhooks/telnyx/sms", body, telnyx_headers(body)))[0]


async def _messagebird(s: object, text: str) -> int:
    query = urlencode(
        {
            "id": uuid.uuid4().hex,
            "recipient": CLINIC.lstrip("+"),
            "originator": PATIENT.lstrip("+"),
            "body": text,
            "createdDatetime": "2026-01-01T00:00:00+00:00",
        }
    )
    path = "/webhooks/messagebird/sms?" + query
    token = messagebird_token(PUBLIC + path, b"", MESSAGEBIRD_KEY)
    return (await post(s, path, headers={"MessageBird-Signature-JWT": token}, method="GET"))[0]


async def _sinch(s: object, text: str) -> int:
    body = json.dumps({"type": "mo_text", "from": PATIENT, "to": CLINIC, "body": text})
    return (await post(s, "/webhooks/sinch/sms", body.encode(), sinch_basic_headers()))[0]


async def _aws(s: object, text: str) -> int:
    body, headers = sns_inbound(text, PATIENT, CLINIC, str(uuid.uuid4()))
    return (await post(s, "/webhooks/aws/sms", body, headers))[0]


PROVIDERS: dict[str, Poster] = {
    "twilio": _twilio,
    "plivo": _plivo,
    "vonage": _vonage,
    "telnyx": _telnyx,
    "messagebird": _messagebird,
    "sinch": _sinch,
    "aws": _aws,
}


@pytest.mark.parametrize(
    "provider,text",
    [
        ("twilio", "ALTO"),
        ("plivo", "Parar"),
        ("vonage", "¡No más mensajes!"),
        ("telnyx", "pare por favor"),
        ("messagebird", "BAJA"),
        ("sinch", "ya no me manden mensajes"),
        ("aws", "Cancelar."),
    ],
)
async def test_spanish_stop_via_any_provider_blocks_the_next_send(
    stack, upstream, customer, provider, text
):
    s = await stack()
    msg = await sdk_send(s, to=PATIENT, from_=CLINIC, body=ADMIN)
    assert msg.status == "queued" and len(upstream.requests) == 1

    assert await PROVIDERS[provider](s, text) == 200
    [got] = customer.requests
    assert got.headers["X-Phi-Proxy-Keyword"] == "opt_out"
    assert got.headers["X-Phi-Proxy-Keyword-Language"] == "es"

    with pytest.raises(TwilioRestException) as e:
        await sdk_send(s, to=PATIENT, from_=CLINIC, body=ADMIN)
    assert e.value.code == 21610
    assert len(upstream.requests) == 1, "a send to an opted-out patient reached the provider"
    audit = [json.loads(r[0]) for r in s.rows("SELECT body FROM audit_log ORDER BY seq")]
    [optout] = [b for b in audit if b["kind"] == "optout"]
    assert optout["details"]["language"] == "es"


async def test_spanish_start_reopens_and_ayuda_is_help_in_spanish(stack, upstream, customer):
    s = await stack()
    assert await _twilio(s, "PARAR") == 200
    with pytest.raises(TwilioRestException):
        await sdk_send(s, to=PATIENT, from_=CLINIC, body=ADMIN)
    assert await _twilio(s, "Reanudar") == 200
    assert (await sdk_send(s, to=PATIENT, from_=CLINIC, body=ADMIN)).status == "queued"
    assert await _twilio(s, "AYUDA") == 200
    keywords = [
        (r.headers["X-Phi-Proxy-Keyword"], r.headers["X-Phi-Proxy-Keyword-Language"])
        for r in customer.requests
    ]
    assert keywords == [("opt_out", "es"), ("opt_in", "es"), ("help", "es")]


async def test_keyword_headers_cannot_be_injected_and_ordinary_texts_carry_none(stack, customer):
    s = await stack()
    pairs_text = "Hola, ¿para cuándo es mi cita? No puedo parar de toser."
    assert await _twilio(s, pairs_text) == 200
    [got] = customer.requests
    assert "X-Phi-Proxy-Keyword" not in got.headers
    assert s.optouts() == []
    body = json.dumps({"type": "mo_text", "from": PATIENT, "to": CLINIC, "body": "hola"})
    forged = {
        **sinch_basic_headers(),
        "X-Phi-Proxy-Keyword": "opt_in",
        "X-Phi-Proxy-Keyword-Language": "es",
    }
    assert (await post(s, "/webhooks/sinch/sms", body.encode(), forged))[0] == 200
    assert "X-Phi-Proxy-Keyword" not in customer.requests[-1].headers


C = Classifier(KeywordSettings())


@pytest.mark.parametrize(
    "text,intent",
    [
        ("ALTO", Intent.OPT_OUT),
        ("alto.", Intent.OPT_OUT),
        ("¡PARAR!", Intent.OPT_OUT),
        ("Pare", Intent.OPT_OUT),
        ("detener", Intent.OPT_OUT),
        ("No más mensajes", Intent.OPT_OUT),
        ("NO MAS", Intent.OPT_OUT),
        ("BAJA por favor", Intent.OPT_OUT),
        ("quiero darme de baja", Intent.OPT_OUT),
        ("dejen de escribirme", Intent.OPT_OUT),
        ("no me envíen más textos", Intent.OPT_OUT),
        ("bórrenme de la lista", Intent.OPT_OUT),
        ("Ya no quiero recibir mensajes, gracias", Intent.OPT_OUT),
        ("alto todo", Intent.OPT_OUT_GLOBAL),
        ("INICIAR", Intent.OPT_IN),
        ("reanudar", Intent.OPT_IN),
        ("AYUDA", Intent.HELP),
        ("Información", Intent.HELP),
        ("para el martes", None),
        ("cancelar mi cita", None),
        ("no pare de enviarme mis recordatorios", None),
        ("no cancelar", None),
        ("SI", None),  # answers "Responda SI para confirmar": consent is never inferred
        ("ok gracias", None),
        ("Hola, ¿para cuándo es mi cita?", None),
    ],
)
def test_spanish_keywords(text: str, intent: Intent | None) -> None:
    found = C.classify(text)
    assert (found.intent if found else None) is intent
    if found is not None:
        assert found.language == "es"


def test_english_keywords_say_english() -> None:
    found = C.classify("STOP")
    assert found is not None and found.language == "en"


def test_spanish_lists_are_configurable_and_conflicts_refused() -> None:
    from proxy.webhooks.keywords import KeywordConflict

    own = KeywordSettings(languages={"es": LanguageKeywords(opt_out=("CHAO",), help=("SOS",))})
    c = Classifier(own)
    assert c.classify("chao").intent is Intent.OPT_OUT  # type: ignore[union-attr]
    assert c.classify("ALTO") is None  # the configured list replaces the default one
    with pytest.raises(KeywordConflict):
        Classifier(KeywordSettings(languages={"es": LanguageKeywords(opt_in=("STOP",))}))


def test_spanish_keywords_from_yaml() -> None:
    from proxy.webhooks.config import parse_webhooks
    from proxy.yamlfile import ConfigError, parse_yaml

    doc = parse_yaml("webhooks:\n  keywords:\n    es:\n      opt_out: [ALTO, CHAO]\n", "x.yaml")
    settings = parse_webhooks(doc, doc.data["webhooks"])
    es = settings.keywords.languages["es"]
    assert es.opt_out == ("ALTO", "CHAO") and "AYUDA" in es.help
    bad = parse_yaml("webhooks:\n  keywords:\n    es:\n      stop: [ALTO]\n", "x.yaml")
    with pytest.raises(ConfigError, match="webhooks.keywords.es.stop"):
        parse_webhooks(bad, bad.data["webhooks"])


def test_a_long_spanish_message_is_never_inferred() -> None:
    text = "ya no me manden mensajes " + "por favor " * 6 + "es que cambié de número hace tiempo"
    assert C.classify(text) is None
