"""The webhooks: section of proxy.yaml: validated, secrets by env var name only."""

from __future__ import annotations

from pathlib import Path

import pytest

from proxy.app import create_app
from proxy.settings import load_settings, settings_from_text
from proxy.yamlfile import ConfigError
from tests.support.fakes import RaisingDetector
from tests.support.webhook_signing import SNS_CERT_PEM

ROOT = Path(__file__).resolve().parents[2]

GOOD = """
server:
  public_base_url: https://proxy.example
webhooks:
  tolerance_seconds: 120
  keywords:
    opt_out: [STOP, ALTO]
    reasonable_max_words: 6
  providers:
    twilio:
      secret_env: CLINIC_TWILIO_AUTH_TOKEN
      forward:
        sms: https://app.example/twilio/sms
    sinch:
      unsigned: true
      forward:
        sms: https://app.example/sinch/sms
"""


def test_good_config_parses():
    s = settings_from_text(GOOD)
    w = s.webhooks
    assert w.tolerance_seconds == 120
    assert w.keywords.opt_out == ("STOP", "ALTO") and w.keywords.opt_in == (
        "START",
        "UNSTOP",
        "YES",
    )
    assert w.providers["twilio"].secret_env == "CLINIC_TWILIO_AUTH_TOKEN"
    assert w.providers["sinch"].scheme == "unsigned"


@pytest.mark.parametrize(
    ("snippet", "key"),
    [
        ("webhooks:\n  providers:\n    nope: {forward: {sms: https://a.example}}", "nope"),
        (
            "webhooks:\n  providers:\n    twilio: {secret_env: T, forward: {sms: ftp://a}}",
            "forward.sms",
        ),
        ("webhooks:\n  providers:\n    twilio: {forward: {sms: https://a.example}}", "secret_env"),
        ("webhooks:\n  providers:\n    aws: {forward: {sms: https://a.example}}", "aws"),
        (
            "webhooks:\n  providers:\n    twilio: {secret_env: T, unsigned: true,"
            " forward: {sms: https://a.example}}",
            "unsigned",
        ),
        ("webhooks:\n  keywords:\n    opt_in: [STOP]", "keywords"),
        ("webhooks:\n  keywords:\n    help: []", "help"),
        ("webhooks:\n  tolerance_seconds: 0", "tolerance_seconds"),
        ("webhooks:\n  secret: abc", "secret"),
        ("webhooks:\n  confirmation_window_seconds: 600", "confirmation_window_seconds"),
    ],
)
def test_bad_config_names_the_key(snippet, key):
    with pytest.raises(ConfigError) as e:
        settings_from_text(snippet)
    assert key in str(e.value)


def test_missing_secret_env_stops_start_up(monkeypatch, default_policy):
    monkeypatch.delenv("CLINIC_TWILIO_AUTH_TOKEN", raising=False)
    s = settings_from_text(GOOD)
    with pytest.raises(ConfigError, match="CLINIC_TWILIO_AUTH_TOKEN"):
        create_app(s, policy=default_policy, detector=RaisingDetector())
    monkeypatch.setenv("CLINIC_TWILIO_AUTH_TOKEN", "x" * 32)
    create_app(s, policy=default_policy, detector=RaisingDetector())


def test_committed_example_holds_no_inline_secret():
    import re

    text = (ROOT / "config" / "proxy.yaml").read_text()
    s = load_settings(ROOT / "config" / "proxy.yaml")
    assert s.webhooks.keywords.opt_out_global == ("STOPALL",)
    secretish = re.compile(
        r"^\s*#?\s*([\w-]*(?:secret|token|password|auth|signing|public_key)[\w-]*)\s*:\s*([^#\s]*)"
    )
    checked = 0
    for line in text.splitlines():
        m = secretish.match(line)
        if m is None:
            continue
        key, value = m.groups()
        checked += 1
        # secrets are referenced by environment variable name (or left unset), never inline
        assert key.endswith("_env") or value in ("", "null"), line
        assert value in ("", "null") or re.fullmatch(r"[A-Z][A-Z0-9_]*", value), line
    assert checked >= 5


def test_bare_yes_is_explained():
    with pytest.raises(ConfigError, match="quote"):
        settings_from_text("webhooks:\n  keywords:\n    opt_in: [START, YES]")


def test_aws_is_verified_against_a_pinned_certificate(tmp_path, default_policy):
    base = "webhooks:\n  providers:\n    aws:\n      forward: {sms: https://a.example}\n"
    with pytest.raises(ConfigError, match="certificate_file"):
        settings_from_text(base)
    with pytest.raises(ConfigError, match="topic_arns"):
        settings_from_text(base + "      certificate_file: sns.pem\n")
    signed = (
        base + "      certificate_file: sns.pem\n      topic_arns: [arn:aws:sns:us-east-1:1:t]\n"
    )
    (tmp_path / "proxy.yaml").write_text(signed)
    s = load_settings(tmp_path / "proxy.yaml")
    hook = s.webhooks.providers["aws"]
    assert hook.scheme == "aws-sns" and hook.certificate_file == str(tmp_path / "sns.pem")
    with pytest.raises(ConfigError, match="certificate_file"):  # file missing: no start
        create_app(s, policy=default_policy, detector=RaisingDetector())
    (tmp_path / "sns.pem").write_bytes(SNS_CERT_PEM)
    create_app(s, policy=default_policy, detector=RaisingDetector())
    unsigned = settings_from_text(base + "      unsigned: true\n")
    assert unsigned.webhooks.providers["aws"].scheme == "unsigned"
    with pytest.raises(ConfigError, match="aws"):
        settings_from_text(
            "webhooks:\n  providers:\n    twilio: {secret_env: T, certificate_file: x.pem,"
            " forward: {sms: https://a.example}}"
        )
