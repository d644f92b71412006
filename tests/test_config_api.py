"""The Python configuration API (`coverage.config`), ours against coverage.py's.

A script drives `CoverageConfig`, `read_coverage_config` and the parser
classes through both implementations; every observable result must match.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from coverage.config import DEFAULT_EXCLUDE, CoverageConfig, read_coverage_config
from coverage.exceptions import ConfigError, CoverageException

SCRIPT = textwrap.dedent(
    r"""
    import json, os
    from coverage.config import (
        CoverageConfig, HandyConfigParser, read_coverage_config,
        DEFAULT_EXCLUDE, DEFAULT_PARTIAL, DEFAULT_PARTIAL_ALWAYS,
    )
    from coverage.tomlconfig import TomlConfigParser
    out = []

    def record(label, fn):
        try:
            # Snapshot now: later steps must not change what this one saw.
            out.append([label, "ok", json.loads(json.dumps(fn(), default=repr))])
        except Exception as exc:
            out.append([label, type(exc).__name__, str(exc)])

    record("defaults", lambda: [DEFAULT_EXCLUDE, DEFAULT_PARTIAL, DEFAULT_PARTIAL_ALWAYS])
    cfg = read_coverage_config(True, lambda msg: None, branch=True, concurrency="thread", debug=None)
    record("after-load", lambda: [cfg.branch, cfg.concurrency, cfg.debug, cfg.plugins, cfg.source])
    record("get-run-branch", lambda: cfg.get_option("run:branch"))
    record("get-paths", lambda: cfg.get_option("paths"))
    record("get-bad", lambda: cfg.get_option("run:xyzzy"))
    record("get-bad-plain", lambda: cfg.get_option("nosection"))
    record("set-timid", lambda: (cfg.set_option("run:timid", True), cfg.timid))
    record("set-paths", lambda: (cfg.set_option("paths", {"a": ("x", "y")}), cfg.paths))
    record("set-bad", lambda: cfg.set_option("report:xyzzy", 1))
    record("set-plugin-unknown", lambda: cfg.set_option("plug:opt", 1))
    record("plugin", lambda: (cfg.set_option("run:plugins", ["plug"]), cfg.set_option("plug:opt", 1),
                              cfg.get_option("plug:opt"), cfg.get_option("plug:none"), cfg.get_plugin_options("plug"),
                              cfg.get_plugin_options("other")))
    record("from-args", lambda: (cfg.from_args(run_omit="o", report_include=["i"], data_file=None, parallel=True),
                                 cfg.run_omit, cfg.report_include, cfg.data_file, cfg.parallel))
    copied = cfg.copy()
    copied.exclude_list.append("zzz")
    record("copy-is-deep", lambda: [cfg.exclude_list[-1], copied.exclude_list[-1]])
    record("mutate-in-place", lambda: (cfg.partial_list.append("p"), cfg.get_option("report:partial_branches")))
    record("debug-info-names", lambda: [k for k, _ in cfg.debug_info()])
    fresh = CoverageConfig()
    record("fresh", lambda: fresh.debug_info())
    record("serialize-roundtrip", lambda: sorted(CoverageConfig.deserialize(cfg.serialize()).debug_info()))
    record("post-process", lambda: (fresh.set_option("report:exclude_also", ["x"]), fresh.set_option("run:patch", ["subprocess"]),
                                    fresh.post_process(), fresh.exclude_list, fresh.parallel))
    fresh.concurrency = ["gevent", "eventlet"]
    record("post-process-conflict", lambda: fresh.post_process())
    record("from-file-ini", lambda: (fresh.from_file("extra.ini", lambda m: out.append(["warn", m]), our_file=True),
                                     fresh.precision, fresh.config_files_read))
    record("from-file-missing", lambda: fresh.from_file("nope.ini", print, our_file=True))
    record("from-file-shared", lambda: fresh.from_file("setup.cfg", print, our_file=False))

    ini = HandyConfigParser(True)
    record("ini-read", lambda: ini.read(["extra.ini", "missing.ini"]))
    record("ini-sections", lambda: [ini.has_section("report"), ini.has_section("run"), ini.real_section("report")])
    record("ini-options", lambda: ini.options("report"))
    record("ini-options-missing", lambda: ini.options("xyzzy"))
    record("ini-get", lambda: [ini.get("report", "precision"), ini.getint("report", "precision"),
                               ini.getfloat("report", "fail_under"), ini.getboolean("report", "show_missing"),
                               ini.getlist("report", "omit"), ini.getregexlist("report", "exclude_lines"),
                               ini.getfile("html", "directory")])
    record("ini-get-missing", lambda: ini.get("report", "nope"))
    record("ini-section", lambda: ini.get_section("report"))
    toml = TomlConfigParser(False)
    record("toml-read", lambda: toml.read("pyproject.toml"))
    record("toml-options", lambda: [toml.options("run"), toml.has_option("run", "branch"), toml.real_section("run")])
    record("toml-get", lambda: [toml.get("run", "branch"), toml.getboolean("run", "branch"), toml.getlist("run", "omit"),
                                toml.getfloat("report", "fail_under"), toml.getint("report", "precision")])
    record("toml-get-missing", lambda: toml.get("run", "foo"))
    record("toml-section-missing", lambda: toml.options("xyzzy"))
    print(json.dumps(out, default=repr))
    """
)

FILES = {
    "extra.ini": "[report]\nprecision = 2\nfail_under = 9.5\nshow_missing = on\nomit = a, b\n"
    "exclude_lines =\n  x\n  y\nnope_option = 1\n[html]\ndirectory = ~/h\n",
    "setup.cfg": "[metadata]\nname = x\n",
    "pyproject.toml": "[tool.coverage.run]\nbranch = true\nomit = ['${HOME}/o']\n[tool.coverage.report]\nfail_under = 5\nprecision = 1\n",
}


def run_script(python: Path, workdir: Path) -> list:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/home/tester"}
    proc = subprocess.run([str(python), "-c", SCRIPT], cwd=workdir, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_api_matches_coverage(tmp_path, oracle_python):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    theirs = run_script(oracle_python, tmp_path)
    ours = run_script(Path(sys.executable), tmp_path)
    assert [step[0] for step in ours] == [step[0] for step in theirs]
    for mine, reference in zip(ours, theirs):
        assert mine == reference, mine[0]


def test_engine_roundtrip_keeps_every_attribute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".coveragerc").write_text(
        "[run]\nbranch = 1\nsource = a\n[paths]\nx = y, z\n[report]\nfail_under = 50\n"
    )
    cfg = read_coverage_config(True, lambda msg: None)
    cfg.precision = 4
    cfg.run_omit.append("late/*")
    engine = cfg.to_engine()
    assert engine.get_option("report:precision") == 4
    assert engine.get_option("run:omit") == ["late/*"]
    assert engine.get_option("paths") == {"x": ["y", "z"]}
    back = CoverageConfig._from_engine(engine)
    assert dict(back.debug_info()) == dict(cfg.debug_info())
    assert copy.deepcopy(engine) == engine


def test_errors_are_coverage_classes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".coveragerc").write_text("[report]\nprecision = high\n")
    with pytest.raises(ConfigError, match=r"\.coveragerc.*\[report\] precision"):
        read_coverage_config(True, lambda msg: None)
    assert issubclass(ConfigError, CoverageException)
    with pytest.raises(ConfigError, match="No such option: 'run:nope'"):
        CoverageConfig().to_engine().set_option("run:nope", 1)


def test_warn_callback_exceptions_propagate(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".coveragerc").write_text("[run]\nnope = 1\n")

    def strict_warn(msg: str) -> None:
        raise RuntimeError(msg)

    with pytest.raises(RuntimeError, match=r"Unrecognized option '\[run\] nope='"):
        read_coverage_config(True, strict_warn)


def test_defaults_exported():
    assert DEFAULT_EXCLUDE[0].startswith("#")
    assert CoverageConfig().exclude_list == DEFAULT_EXCLUDE
    assert CoverageConfig().exclude_list is not DEFAULT_EXCLUDE


def test_kwargs_that_are_not_attributes_still_land(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = read_coverage_config(False, lambda msg: None, branch=1, source=("a", "b"), messages=True)
    assert cfg.branch is True
    assert cfg.source == ["a", "b"]
    assert cfg.messages is True
    # A value the attribute can't hold is refused at once, naming it.
    with pytest.raises(TypeError, match="config attribute context"):
        read_coverage_config(False, lambda msg: None, context=object())


def test_config_is_a_view_over_the_engine(tmp_path, monkeypatch):
    """Writes through attributes, mutated lists and set_option all reach the
    Rust config the other parts of the engine read."""
    monkeypatch.chdir(tmp_path)
    cfg = read_coverage_config(False, lambda msg: None)
    cfg.exclude_list.append("nocover-me")
    assert cfg.exclude_list is cfg.exclude_list
    cfg.fail_under = 75
    assert cfg.fail_under == 75
    engine = cfg.engine()
    assert engine.get_attr("exclude_list")[-1] == "nocover-me"
    assert engine.get_option("report:fail_under") == 75.0
    cfg.set_option("report:show_missing", True)
    assert cfg.show_missing is True and engine.get_attr("show_missing") is True
    clone = cfg.copy()
    clone.exclude_list.append("only-in-clone")
    assert "only-in-clone" not in cfg.exclude_list
    assert "only-in-clone" in clone.engine().get_attr("exclude_list")
    with pytest.raises(AttributeError):
        cfg.no_such_attribute  # noqa: B018


def test_private_engine_attributes_are_not_shadowed():
    cfg = CoverageConfig()
    assert cfg._crash is None
    cfg._crash = "start"
    assert cfg._crash == "start"
    assert cfg.engine().get_attr("_crash") == "start"
