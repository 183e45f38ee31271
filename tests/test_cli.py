"""One command line (issue #19, point 16): --config anywhere with a hint, a wrong flag answered
with that subcommand's usage, --version, and the sandbox where `serve --sandbox` puts it."""

from __future__ import annotations

from pathlib import Path

import pytest

from proxy.cli import build_parser, main
from proxy.sandbox import cli as sandbox_cli
from proxy.settings import ServerSettings


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("phi-proxy 0.")


def test_config_anywhere_on_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "proxy.yaml"
    cfg.write_text(f"storage: {{data_dir: '{tmp_path}', url: 'sqlite:///{tmp_path}/p.db'}}\n")
    assert main(["users", "--config", str(cfg), "--create", "add", "ana"]) == 0
    capsys.readouterr()
    for argv in (
        ["users", "--config", str(cfg), "list"],
        ["users", "list", "--config", str(cfg)],
        ["--config", str(cfg), "users", "list"],
        ["users", "list", f"--config={cfg}"],
    ):
        assert main(argv) == 0, argv
        assert capsys.readouterr().out.startswith("ana\tanalyst\tactive"), argv
    # the hint is in the help
    assert "--config FILE" in build_parser().format_help()


def test_config_where_it_means_nothing_is_said(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["policy", "check", "config/policy.yaml", "--config", "x.yaml"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: phi-proxy policy check") and "reads no --config" in err


@pytest.mark.parametrize(
    ("argv", "usage"),
    [
        (["policy", "check", "f.yaml", "--bogus"], "usage: phi-proxy policy check"),
        (["users", "list", "--nope"], "usage: phi-proxy users list"),
        (["export", "--out", "o", "--sine", "2026-01-01"], "usage: phi-proxy export"),
        (["serve", "--prot", "1"], "usage: phi-proxy serve"),
    ],
)
def test_a_wrong_flag_gets_that_commands_usage(
    argv: list[str], usage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(usage) and "unrecognized arguments" in err


def test_sandbox_listens_where_serve_sandbox_puts_it() -> None:
    args = build_parser().parse_args(["sandbox"])
    assert args.port == sandbox_cli.DEFAULT_PORT == ServerSettings().port + 1
