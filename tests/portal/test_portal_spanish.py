"""Spanish-speaking patients: a Spanish clinical text becomes a Spanish notice (no clinical word
reaches the provider), its link opens Spanish pages (lang="es", the same accessible markup) in
real Chromium, the date of birth is asked in three labelled fields, day first; a per-send header
chooses the language; the pages that must not tell links apart stay one bilingual page."""

from __future__ import annotations

import asyncio
import json
import secrets
from string import Formatter
from typing import Any

import pytest
from playwright.async_api import Browser, Page
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from proxy.policy import load_policy, notice, parse_policy
from proxy.portal import pages, strings
from proxy.yamlfile import ConfigError
from tests.portal.conftest import ACCOUNT, DOB, LINK, DobHttpClient
from tests.portal.test_portal_browser import browser, forwarded_body, new_page, shot  # noqa: F401
from tests.support.fakes import RecordingUpstream

CLINICAL_ES = (
    "Sra. García, su biopsia muestra cáncer. La Dra. Beltrán le llamará el martes 5 de mayo "
    "a las 3:15 p. m."
)
CLINICAL_ES_WORDS = ("biopsia", "cáncer", "cancer", "García", "Garcia", "muestra")
ADMIN_EN_CLINICAL = "Your HIV test is positive. Dr. Patel will call you Tuesday at 3:15 PM."


class LanguageHttpClient(DobHttpClient):
    """A customer that also says the patient's language on every send."""

    def __init__(self, dob: str | None, language: str) -> None:
        super().__init__(dob)
        self.language = language

    def request(
        self,
        method: str,
        url: str,
        params: Any = None,
        data: Any = None,  # type: ignore[override]
        headers: Any = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        headers = dict(headers or {})
        headers["X-PHI-Proxy-Patient-Language"] = self.language
        return super().request(method, url, params, data, headers, *args, **kwargs)


async def send(base_url: str, body: str, language: str | None = None) -> Any:
    http = LanguageHttpClient(DOB, language) if language else DobHttpClient(DOB)
    client = Client(ACCOUNT, "test-auth-token", http_client=http)
    client.api.base_url = base_url
    return await asyncio.to_thread(
        lambda: client.messages.create(to="+15550100001", from_="+15550109999", body=body)
    )


async def fill_dob_es(page: Page, day: str, month: str, year: str, once: bool = False) -> None:
    """Type a date of birth as a Spanish-speaking patient does: three labelled boxes (Día, Mes,
    Año), then submit."""
    await page.get_by_label("Día", exact=True).fill(day)
    await page.get_by_label("Mes", exact=True).fill(month)
    await page.get_by_label("Año", exact=True).fill(year)
    if once:
        await page.check("#once")
    await page.click("button[type=submit]")


pytestmark = pytest.mark.slow


async def test_spanish_text_spanish_notice_and_spanish_pages_in_the_browser(
    start_proxy: Any,
    upstream: RecordingUpstream,
    browser: Browser,  # noqa: F811
) -> None:
    proxy = await start_proxy()
    await send(proxy.url(), CLINICAL_ES)
    text = forwarded_body(upstream)
    link = LINK.search(text)
    assert link, text
    assert text == (
        "Lakeview Health: tiene un mensaje seguro nuevo sobre su cita el martes 5 de mayo a las "
        f"3:15 p. m. con Dra. Beltran. Léalo en: {link.group(0)}"
    )
    raw = upstream.requests[-1].body.decode() + json.dumps(upstream.requests[-1].headers)
    for word in CLINICAL_ES_WORDS:
        assert word not in raw and word.lower() not in raw.lower()
    assert notice.gsm7_units(text) is not None  # one GSM-7 SMS, no UCS-2

    page, console = await new_page(browser)
    resp = await page.goto(link.group(0))
    assert resp is not None and resp.status == 200
    assert await page.get_attribute("html", "lang") == "es"
    assert await page.inner_text("h1") == "Confirme que es usted"
    assert await page.inner_text("legend") == "Fecha de nacimiento"
    assert [await label.inner_text() for label in await page.query_selector_all(".dob label")] == [
        "Día",
        "Mes",
        "Año",
    ]
    assert await page.get_attribute("#dob-day", "aria-describedby") == "dob-hint"
    assert "Content Security Policy" not in " ".join(console)
    await shot(page, "es-01-verify-form.png")

    # what cannot be read is said in Spanish and costs no attempt
    await fill_dob_es(page, "14", "marzzo", "1962")
    alert = page.locator("[role=alert]")
    assert "No pudimos leer esa fecha" in await alert.inner_text()
    assert "no contó como un intento" in await alert.inner_text()

    # a wrong date counts, and says so in Spanish
    await fill_dob_es(page, "15", "3", "1962")
    assert "no coincide" in await alert.inner_text()
    assert "Le quedan 4 intentos" in await alert.inner_text()
    assert await page.get_attribute("#dob-day", "aria-invalid") == "true"
    await shot(page, "es-02-wrong-answer.png")

    await fill_dob_es(page, "14", "03", "62")
    assert CLINICAL_ES in await page.inner_text(".msg")
    assert await page.get_attribute(".msg", "aria-label") == "Su mensaje"
    assert await page.inner_text("#sender") == "Lakeview Health"
    assert "Este enlace funciona hasta el" in await page.inner_text("#expiry")
    await shot(page, "es-03-message.png")

    narrow, _ = await new_page(browser, width=320)
    await narrow.goto(link.group(0))
    assert await narrow.evaluate("document.documentElement.scrollWidth") <= 320


async def test_spelled_spanish_birth_date_is_accepted(
    start_proxy: Any,
    upstream: RecordingUpstream,
    browser: Browser,  # noqa: F811
) -> None:
    proxy = await start_proxy()
    await send(proxy.url(), CLINICAL_ES)
    link = LINK.search(forwarded_body(upstream))
    assert link
    page, _ = await new_page(browser)
    await page.goto(link.group(0))
    await fill_dob_es(page, "14", "Marzo", "1962")
    assert CLINICAL_ES in await page.inner_text(".msg")


async def test_the_language_header_chooses_the_notice_and_pages(
    start_proxy: Any,
    upstream: RecordingUpstream,
    browser: Browser,  # noqa: F811
) -> None:
    proxy = await start_proxy()
    await send(proxy.url(), ADMIN_EN_CLINICAL, language="es")
    text = forwarded_body(upstream)
    assert text.startswith("Lakeview Health: tiene un mensaje seguro nuevo")
    assert "HIV" not in text and "positive" not in text
    link = LINK.search(text)
    assert link
    page, _ = await new_page(browser)
    await page.goto(link.group(0))
    assert await page.get_attribute("html", "lang") == "es"

    await send(proxy.url(), CLINICAL_ES, language="en")
    assert forwarded_body(upstream).startswith("Lakeview Health: you have a new secure message")

    before = len(upstream.requests)
    with pytest.raises(TwilioRestException):
        await send(proxy.url(), CLINICAL_ES, language="fr")
    assert len(upstream.requests) == before, "a send with an unknown language was forwarded"
    # the header itself never reaches the provider
    assert all("patient-language" not in json.dumps(r.headers).lower() for r in upstream.requests)


async def test_pages_that_must_not_tell_links_apart_are_one_bilingual_page(
    start_proxy: Any,
    upstream: RecordingUpstream,
    browser: Browser,  # noqa: F811
) -> None:
    proxy = await start_proxy()
    await send(proxy.url(), CLINICAL_ES)
    link = LINK.search(forwarded_body(upstream))
    assert link
    page, _ = await new_page(browser)
    tampered = link.group(0)[:-1] + ("A" if link.group(0)[-1] != "A" else "B")
    resp = await page.goto(tampered)
    assert resp is not None and resp.status == 404
    spanish_link = await page.content()
    resp = await page.goto(proxy.url("/portal/" + secrets.token_urlsafe(32)))
    assert await page.content() == spanish_link
    assert await page.get_attribute("div[lang=es]", "lang") == "es"
    assert "Este enlace venció" in await page.inner_text("main")
    assert "This link has expired" in await page.inner_text("main")
    await shot(page, "es-06-unavailable.png")


# -- the notice and the policy, without a server ------------------------------------------------


def test_notice_language_follows_the_text_and_joins_in_spanish() -> None:
    policy = load_policy()
    assert notice.language_of(CLINICAL_ES) == "es"
    assert notice.language_of("Hi Sra. García, su biopsia salió positiva") == "es"
    assert notice.language_of(ADMIN_EN_CLINICAL) == "en"
    assert notice.language_of(CLINICAL_ES, "en") == "en"
    with pytest.raises(ValueError):
        notice.language_of(CLINICAL_ES, "fr")
    text = notice.fill(
        policy.portal.template_for("es"),
        org="Lakeview Health",
        link="https://x.example/p/1",
        appointment=("el lunes a las 9", "el martes a las 3"),
        contact=("(555) 010-4400", "lakeviewhealth.example"),
        max_length=306,
        language="es",
    )
    assert "el lunes a las 9 y el martes a las 3" in text
    assert "¿Preguntas? (555) 010-4400 o lakeviewhealth.example" in text


def test_spanish_notice_has_the_same_length_rules() -> None:
    policy = load_policy()
    with pytest.raises(notice.NoticeTooLong):
        notice.fill(
            policy.portal.template_for("es"),
            org="Lakeview Health",
            link="https://x.example/" + "p" * 200,
            max_length=160,
            language="es",
        )
    short = notice.fill(
        policy.portal.template_for("es"),
        org="Lakeview Health",
        link="https://x.example/p",
        appointment=("el martes 5 de mayo a las 3:15 p. m.",) * 1,
        provider=("Dra. " + "Beltran" * 10,),
        max_length=160,
        language="es",
    )
    assert notice.gsm7_units(short) is not None and notice.gsm7_units(short) <= 160  # type: ignore[operator]
    assert "Dra." not in short  # the later part gave way first


def test_accents_gsm7_lacks_are_dropped_from_values_not_the_value() -> None:
    assert notice.gsm_fold("Dra. Beltrán, sábado") == "Dra. Beltran, sabado"
    assert notice.gsm_fold("Peña, Müller, é") == "Peña, Müller, é"  # GSM-7 has these


@pytest.mark.parametrize(
    "templates,message",
    [
        ('{fr: "{org}: {link}"}', "portal.templates.fr"),
        ('{es: "{org}: mensaje {link} [más]"}', "not GSM-7"),
        ('{es: "{org}: [{link}]"}', "outside optional"),
        ('{es: "{org}: {nombre} {link}"}', "unknown placeholder"),
        ('{es: "{org}: [sin cerrar {link}"}', "unbalanced"),
        ("es", r"portal.templates: must map a language code \(es\) to a template"),
    ],
)
def test_spanish_templates_are_validated_like_the_english_one(templates: str, message: str) -> None:
    text = load_policy().text.replace("  templates:", f"  templates: {templates}\n  x_unused:", 1)
    text = "\n".join(
        line
        for line in text.splitlines()
        if "x_unused" not in line and not line.startswith("    es:")
    )
    with pytest.raises(ConfigError, match=message):
        parse_policy(text)


def test_a_policy_without_templates_still_notifies_in_spanish() -> None:
    text = "\n".join(
        line
        for line in load_policy().text.splitlines()
        if not line.startswith("  templates:") and not line.startswith("    es:")
    )
    policy = parse_policy(text)
    assert policy.portal.template_for("es").startswith("{org}: tiene un mensaje seguro nuevo")
    assert policy.portal.template_for("en") == policy.portal.template


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def test_page_texts_exist_in_every_language() -> None:
    assert set(strings.ES) == set(strings.EN)
    for key in strings.EN:  # the same fields in every translation
        assert fields(strings.ES[key]) == fields(strings.EN[key]), key
    es = pages.Clinic("Lakeview Health", "(555) 010-4400", strings=strings.ES)
    page = pages.dob_form("/a", "c", es, "wrong", 1, view_once=True)
    assert '<html lang="es">' in page.html and "Le queda 1 intento." in page.html
    assert 'aria-invalid="true"' in page.html and 'role="alert"' in page.html
    assert "Este mensaje solo se puede ver una vez." in page.html  # warned before anything shows
    assert page.html.index('id="dob-day"') < page.html.index('id="dob-month"')
    assert "<script" not in page.html
    en = pages.Clinic("Lakeview Health", "(555) 010-4400")
    assert pages.unavailable(en).html == pages.unavailable(en).html
    assert '<html lang="en">' in pages.unavailable(en).html
    assert 'llame a Lakeview Health al <a href="tel:+15550104400">' in pages.unavailable(en).html
    message = pages.message("x", es, False, 1_800_000_000, 1_800_086_400)
    assert "15 de enero de 2027" in message.html and 'href="tel:+15550104400"' in message.html
