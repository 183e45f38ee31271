"""Spanish texts in the de-identified copies: ``phi-proxy deidentify`` and the proxy's analytics
copy remove Spanish identifiers (names with two surnames, Spanish dates, addresses, IDs) and
keep the clinical words, like they do for English."""

from __future__ import annotations

import json

import pytest

from proxy.analytics.deidentifier import Deidentifier, ThreadScanner
from tests.analytics.helpers import policy_with, send, settle
from tests.analytics.test_analytics_proxy import export_and_read
from tests.analytics.test_deidentify_cli import run

pytestmark = pytest.mark.slow

SPANISH = [
    {
        "id": 1,
        "text": "Sra. María de la Luz Hernández López (fecha de nacimiento 14 de marzo de 1962, "
        "expediente 4482913) tiene diabetes.",
    },
    {
        "id": 2,
        "text": "Hola Juan Pérez Soto, su metformina está lista. Vive en Calle Morelos 123, "
        "CP 06000. Llame al 55 1234 5678.",
    },
    {"id": 3, "text": "Apellidos: Rivera Bueno.\nNASS: 26 63514095.\nLocalidad: Getafe."},
]
PLANTED = (
    "María",
    "Hernández",
    "14 de marzo",
    "4482913",
    "Juan",
    "Pérez",
    "Morelos",
    "06000",
    "1234 5678",
    "Rivera",
    "63514095",
    "Getafe",
)


async def test_deidentify_removes_spanish_identifiers_and_keeps_clinical_words(detector):
    rc, out, _ = await run(Deidentifier(ThreadScanner(detector)), list(SPANISH))
    assert rc == 0 and [o["id"] for o in out] == [1, 2, 3]
    printed = json.dumps(out, ensure_ascii=False)
    for value in PLANTED:
        assert value not in printed, value
    assert out[0]["text"] is not None and "diabetes" in out[0]["text"]
    assert "1962" in out[0]["text"]  # Safe Harbor keeps the year
    assert out[1]["text"] is not None and "metformina" in out[1]["text"]


async def test_the_analytics_copy_of_a_spanish_send_has_no_identifier(
    make_proxy, upstream_server, tmp_path
):
    proxy = await make_proxy(
        str(upstream_server.make_url("")),
        policy=policy_with("analytics: {keep_text: true, granularity: hour}"),
    )
    text = (
        "Hola Juan Pérez Soto, le recordamos su cita el martes 5 de mayo a las 3:15 p. m. "
        "Su expediente es 4482913."
    )
    assert await send(proxy, text, "+12125550107") == 201
    await settle()
    rows = await export_and_read(proxy, tmp_path / "out")
    dumped = json.dumps(rows, ensure_ascii=False)
    assert len(rows) == 1
    for value in ("Juan", "Pérez", "Soto", "4482913"):
        assert value not in dumped, value
    assert "cita" in rows[0]["text"]
