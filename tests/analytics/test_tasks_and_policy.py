"""The spawn() helper, and the policy's ``analytics:`` section."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest

from proxy.policy.parse import load_policy
from proxy.tasks import drain, pending, spawn
from proxy.yamlfile import ConfigError
from tests.analytics.helpers import policy_with


async def test_spawned_tasks_are_kept_alive_until_done():
    done = asyncio.Event()

    async def work():
        await asyncio.sleep(0.01)
        done.set()

    spawn(work(), name="t:keep")
    gc.collect()  # nothing else holds the task: spawn must
    assert len(pending("t:")) == 1
    assert await drain("t:", timeout=5) == 0
    assert done.is_set() and pending("t:") == []


async def test_a_failed_task_is_logged_by_type_only(caplog):
    async def boom():
        raise ValueError("secret text 555-0100")

    with caplog.at_level(logging.ERROR, logger="phi_proxy.tasks"):
        spawn(boom(), name="t:boom")
        await drain("t:", timeout=5)
    assert "ValueError" in caplog.text and "555-0100" not in caplog.text


async def test_drain_cancels_what_outlives_its_timeout():
    spawn(asyncio.sleep(30), name="t:slow")
    assert await drain("t:", timeout=0.05) == 1
    assert pending("t:") == []


def test_policy_analytics_defaults():
    p = load_policy()
    assert (p.analytics.keep_text, p.analytics.granularity) == (False, "hour")


def test_policy_analytics_section_parses():
    p = policy_with("analytics: {keep_text: true, granularity: day}")
    assert (p.analytics.keep_text, p.analytics.granularity) == (True, "day")


@pytest.mark.parametrize(
    ("yaml", "key"),
    [
        ("analytics: {keep_text: 'yes'}", "analytics.keep_text"),
        ("analytics: {granularity: second}", "analytics.granularity"),
        ("analytics: {keep: true}", "analytics.keep"),
    ],
)
def test_policy_analytics_errors_name_the_key(yaml, key):
    with pytest.raises(ConfigError) as e:
        policy_with(yaml)
    assert e.value.key == key and e.value.line is not None
