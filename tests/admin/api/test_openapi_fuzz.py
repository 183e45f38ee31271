"""schemathesis against the served OpenAPI document, as an admin: no input may cause a 5xx.

Bounded: a few examples per operation, valid and invalid, so it runs in seconds.
"""

from __future__ import annotations

import time
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from tests.admin.conftest import AdminEnv, ThreadedProxy

EXAMPLES = 10
BUDGET_S = 60


def test_openapi_document_is_served_and_lists_every_api_route(
    threaded_admin: tuple[ThreadedProxy, AdminEnv],
) -> None:
    from proxy.admin.routes import ROUTES

    proxy, env = threaded_admin
    r = requests.get(f"{proxy.base}/admin/api/openapi.json", headers=env.bearer("analyst"))
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.")
    listed = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    assert listed == {(s.method, s.path) for s in ROUTES if s.api}
    publish = doc["paths"]["/admin/api/policy/publish"]["post"]
    assert publish["x-roles"] == ["admin", "privacy_officer"]
    assert requests.get(f"{proxy.base}/admin/api/openapi.json").status_code == 401


def test_fuzzing_the_admin_api_finds_no_server_error(
    threaded_admin: tuple[ThreadedProxy, AdminEnv],
) -> None:
    proxy, env = threaded_admin
    headers = env.bearer("admin")
    doc = requests.get(f"{proxy.base}/admin/api/openapi.json", headers=headers).json()
    schema = schemathesis.openapi.from_dict(doc)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 15
    started = time.monotonic()
    failures: list[str] = []
    calls = 0
    session = requests.Session()

    def runner(op: Any, strategy: Any) -> Any:
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(data=st.data())
        def run(data: Any) -> None:
            nonlocal calls
            case = data.draw(strategy)
            response = case.call(base_url=proxy.base, session=session, headers=headers)
            calls += 1
            if response.status_code >= 500:
                failures.append(f"{op.label}: {response.status_code}: {case.as_curl_command()}")

        return run

    for op in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                runner(op, op.as_strategy(generation_mode=mode))()
            except Exception as e:  # noqa: BLE001 - some operations have no invalid inputs
                if "Unsatisfiable" not in type(e).__name__:
                    raise
    elapsed = time.monotonic() - started
    assert not failures, "\n".join(failures[:10])
    assert calls >= len(operations) * 2
    assert elapsed < BUDGET_S
