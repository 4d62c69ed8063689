"""``crmdesk sandbox`` arguments: loopback only unless told, faults from flags and environment."""

from __future__ import annotations

import pytest

from crmdesk.sandbox.cli import fault_config, main, parser
from crmdesk.sandbox.faults import FaultConfig


def test_refuses_a_non_loopback_host(capsys) -> None:
    assert main(["--host", "0.0.0.0"]) == 2
    assert "--allow-remote" in capsys.readouterr().err


def test_fault_flags_override_the_environment() -> None:
    options = parser().parse_args(["--fail-rate", "0.25", "--retry-after-date", "--exclude-paths", "/a,/b"])
    config = fault_config(options, {"CRMDESK_SANDBOX_FAIL_RATE": "0.9", "CRMDESK_SANDBOX_LATENCY_MS": "20"})
    assert config == FaultConfig(fail_rate=0.25, latency_ms=20, retry_after_date=True, exclude_paths=("/a", "/b"))


def test_no_faults_by_default() -> None:
    assert not fault_config(parser().parse_args([]), {}).active


def test_dialects_come_from_the_facade_registry() -> None:
    dialect = next(a for a in parser()._actions if a.dest == "dialect")
    assert dialect.default == "aria" and set(dialect.choices) >= {"aria", "atomic"}
    options = parser().parse_args(["--dialect", "atomic", "--rate-limit", "--records", "20000"])
    assert (options.dialect, options.rate_limit, options.records) == ("atomic", True, 20000)


def test_a_flag_of_another_facade_is_refused_not_ignored(capsys) -> None:
    for argv, named in ((["--dialect", "atomic", "--strict"], "--strict"), (["--rate-limit"], "--rate-limit")):
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        assert stopped.value.code == 2
        assert f"{named} is the" in capsys.readouterr().err
