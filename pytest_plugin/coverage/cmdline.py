"""The `coverage` command: coverage.py 7.17's commands, options and exit codes.

Parsing uses `optparse`, as coverage.py does, so that usage errors ("no such
option: --foo", "option --precision: invalid integer value: 'x'") read
exactly as users and tools know them. Every command builds one `Coverage`
from its options and calls that object's public API; the work of measuring,
reading configuration and reporting happens behind it.
"""

from __future__ import annotations

import glob
import optparse
import os
import shlex
import signal
import sqlite3
import sys
import textwrap
import traceback
import types
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

from coverage import env
from coverage.control import DEFAULT_DATAFILE, Coverage
from coverage.data import combinable_files
from coverage.exceptions import CoverageException, NoSource, _ExceptionDuringRun
from coverage.execfile import PyRunner
from coverage.version import __url__, __version__

# The fail-under arithmetic (precision, rounding, message) lives in the engine.
from ferrocov._engine import format_fail_under_msg, should_fail_under

# Exit statuses, as coverage.py's.
OK, ERR, FAIL_UNDER = 0, 1, 2

# Values `--concurrency` accepts (checked by the configuration layer).
CONCURRENCY_CHOICES = ("eventlet", "gevent", "greenlet", "multiprocessing", "thread")


def _one_paragraph(text: str) -> str:
    """Collapse a triple-quoted help text into one line; optparse rewraps it."""
    return " ".join(text.split())


class Opts:
    """Every option any command takes, built once and shared between commands."""

    append = optparse.make_option(
        "-a",
        "--append",
        action="store_true",
        help="Add to the existing data file instead of replacing it.",
    )
    branch = optparse.make_option(
        "",
        "--branch",
        action="store_true",
        help="Also measure which branches were taken, not only which lines ran.",
    )
    concurrency = optparse.make_option(
        "",
        "--concurrency",
        action="store",
        metavar="LIBS",
        help=_one_paragraph(f"""
            The concurrency libraries the program uses, so their threads are
            measured too: one of {", ".join(CONCURRENCY_CHOICES)}, or several
            separated by commas.
        """),
    )
    context = optparse.make_option(
        "",
        "--context",
        action="store",
        metavar="LABEL",
        help="Label to record the data of this run under.",
    )
    contexts = optparse.make_option(
        "",
        "--contexts",
        action="store",
        metavar="REGEX1,REGEX2,...",
        help=_one_paragraph("""
            Report only lines run in contexts matching one of these regular
            expressions (quote them for the shell).
        """),
    )
    datafile = optparse.make_option(
        "",
        "--data-file",
        action="store",
        metavar="DATAFILE",
        help="Base name of the data files to work on; '.coverage' unless set. [env: COVERAGE_FILE]",
    )
    datafile_input = optparse.make_option(
        "",
        "--data-file",
        action="store",
        metavar="INFILE",
        help="The data file to report on; '.coverage' unless set. [env: COVERAGE_FILE]",
    )
    datafile_output = optparse.make_option(
        "",
        "--data-file",
        action="store",
        metavar="OUTFILE",
        help="The data file to write; '.coverage' unless set. [env: COVERAGE_FILE]",
    )
    debug = optparse.make_option(
        "",
        "--debug",
        action="store",
        metavar="OPTS",
        help="Comma-separated debugging options. [env: COVERAGE_DEBUG]",
    )
    directory = optparse.make_option(
        "-d",
        "--directory",
        action="store",
        metavar="DIR",
        help="The directory to write the output files into.",
    )
    fail_under = optparse.make_option(
        "",
        "--fail-under",
        action="store",
        metavar="MIN",
        type="float",
        help="Exit with status 2 when the total coverage is below MIN percent.",
    )
    format = optparse.make_option(
        "",
        "--format",
        action="store",
        metavar="FORMAT",
        help="How to write the report: text (the default), markdown or total.",
    )
    help = optparse.make_option(
        "-h",
        "--help",
        action="store_true",
        help="Show this help.",
    )
    ignore_errors = optparse.make_option(
        "-i",
        "--ignore-errors",
        action="store_true",
        help="Skip source files that cannot be read instead of failing.",
    )
    include = optparse.make_option(
        "",
        "--include",
        action="store",
        metavar="PAT1,PAT2,...",
        help=_one_paragraph("""
            Only files whose paths match one of these shell-style patterns
            (quote them for the shell).
        """),
    )
    keep = optparse.make_option(
        "",
        "--keep",
        action="store_true",
        help="Leave the combined data files in place instead of deleting them.",
    )
    keep_combined = optparse.make_option(
        "",
        "--keep-combined",
        action="store_true",
        help="Leave parallel data files in place after combining them for the report.",
    )
    module = optparse.make_option(
        "-m",
        "--module",
        action="store_true",
        help=_one_paragraph("""
            <pyfile> names an importable module rather than a file, and is
            run the way 'python -m' runs it.
        """),
    )
    omit = optparse.make_option(
        "",
        "--omit",
        action="store",
        metavar="PAT1,PAT2,...",
        help=_one_paragraph("""
            Leave out files whose paths match one of these shell-style
            patterns (quote them for the shell).
        """),
    )
    output_json = optparse.make_option(
        "-o",
        "",
        action="store",
        dest="outfile",
        metavar="OUTFILE",
        help="The file to write the JSON report to; 'coverage.json' unless set.",
    )
    output_lcov = optparse.make_option(
        "-o",
        "",
        action="store",
        dest="outfile",
        metavar="OUTFILE",
        help="The file to write the LCOV report to; 'coverage.lcov' unless set.",
    )
    output_xml = optparse.make_option(
        "-o",
        "",
        action="store",
        dest="outfile",
        metavar="OUTFILE",
        help="The file to write the XML report to; 'coverage.xml' unless set.",
    )
    parallel_mode = optparse.make_option(
        "-p",
        "--parallel-mode",
        action="store_true",
        help=_one_paragraph("""
            Give the data file a suffix unique to this process, so several
            processes can record data side by side for combining later.
        """),
    )
    precision = optparse.make_option(
        "",
        "--precision",
        action="store",
        metavar="N",
        type=int,
        help="How many decimal places to show in percentages.",
    )
    pretty_print = optparse.make_option(
        "",
        "--pretty-print",
        action="store_true",
        help="Indent the JSON so people can read it.",
    )
    pylib = optparse.make_option(
        "-L",
        "--pylib",
        action="store_true",
        help="Measure the Python standard library too; it is skipped otherwise.",
    )
    quiet = optparse.make_option(
        "-q",
        "--quiet",
        action="store_true",
        help="Print no progress messages.",
    )
    rcfile = optparse.make_option(
        "",
        "--rcfile",
        action="store",
        help=_one_paragraph("""
            The configuration file to read. Without it, '.coveragerc',
            'setup.cfg', 'tox.ini' and 'pyproject.toml' are looked for.
            [env: COVERAGE_RCFILE]
        """),
    )
    save_signal = optparse.make_option(
        "",
        "--save-signal",
        action="store",
        metavar="SIGNAL",
        choices=["USR1", "USR2"],
        help="Save the data whenever this signal (USR1 or USR2) arrives. Not on Windows.",
    )
    show_contexts = optparse.make_option(
        "--show-contexts",
        action="store_true",
        help="Show the contexts each covered line ran in.",
    )
    show_missing = optparse.make_option(
        "-m",
        "--show-missing",
        action="store_true",
        help="List the line numbers of each file's statements that did not run.",
    )
    skip_covered = optparse.make_option(
        "--skip-covered",
        action="store_true",
        help="Leave out files that are fully covered.",
    )
    no_skip_covered = optparse.make_option(
        "--no-skip-covered",
        action="store_false",
        dest="skip_covered",
        help="Undo --skip-covered (from a configuration file, say).",
    )
    skip_empty = optparse.make_option(
        "--skip-empty",
        action="store_true",
        help="Leave out files that have no statements.",
    )
    sort = optparse.make_option(
        "--sort",
        action="store",
        metavar="COLUMN",
        help=_one_paragraph("""
            The column to sort the report by: name (the default), stmts,
            miss, branch, brpart or cover.
        """),
    )
    source = optparse.make_option(
        "",
        "--source",
        action="store",
        metavar="SRC1,SRC2,...",
        help="Directories or importable package names whose code to measure.",
    )
    timid = optparse.make_option(
        "",
        "--timid",
        action="store_true",
        help="Use the simplest, slowest tracing core.",
    )
    title = optparse.make_option(
        "",
        "--title",
        action="store",
        metavar="TITLE",
        help="The title of the HTML pages.",
    )
    version = optparse.make_option(
        "",
        "--version",
        action="store_true",
        help="Show the version and stop.",
    )


# Every dest any command can set, so `options.<name>` always exists.
_OPTION_DEFAULTS: dict[str, Any] = {
    "action": None,
    "append": None,
    "branch": None,
    "concurrency": None,
    "context": None,
    "contexts": None,
    "data_file": None,
    "debug": None,
    "directory": None,
    "fail_under": None,
    "format": None,
    "help": None,
    "ignore_errors": None,
    "include": None,
    "keep": None,
    "keep_combined": None,
    "module": None,
    "omit": None,
    "outfile": None,
    "parallel_mode": None,
    "precision": None,
    "pretty_print": None,
    "pylib": None,
    "quiet": None,
    "rcfile": True,
    "save_signal": None,
    "show_contexts": None,
    "show_missing": None,
    "skip_covered": None,
    "skip_empty": None,
    "sort": None,
    "source": None,
    "timid": None,
    "title": None,
    "version": None,
}


class _UsageError(Exception):
    """Raised by a parser after it has told the user what was wrong."""


class _HelpFormatter(optparse.IndentedHelpFormatter):
    """optparse's formatter, keeping blank lines between description paragraphs."""

    def format_description(self, description: str | None) -> str:
        if not description:
            return ""
        return (
            "\n\n".join(
                super(_HelpFormatter, self).format_description(p).rstrip("\n") for p in description.split("\n\n")
            )
            + "\n"
        )


class CoverageOptionParser(optparse.OptionParser):
    """An optparse parser that reports errors as coverage does and never exits."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(add_help_option=False, formatter=_HelpFormatter(), **kwargs)
        self.set_defaults(**_OPTION_DEFAULTS)
        # Options after the program name belong to the program.
        self.disable_interspersed_args()

    def parse_args_ok(self, args: list[str]) -> tuple[bool, optparse.Values | None, list[str]]:
        """(ok, options, positional args); ok is False after a usage error."""
        try:
            options, rest = self.parse_args(args)
        except _UsageError:
            return False, None, []
        return True, options, rest

    def error(self, msg: str) -> NoReturn:
        show_help(msg)
        raise _UsageError(msg)


class GlobalOptionParser(CoverageOptionParser):
    """Parses a command line that starts with an option: --help or --version."""

    def __init__(self) -> None:
        super().__init__()
        self.add_options([Opts.help, Opts.version])


class CmdOptionParser(CoverageOptionParser):
    """The parser of one command (`run`, `report`, ...)."""

    def __init__(self, action: str, options: list[optparse.Option], description: str, usage: str | None = None) -> None:
        super().__init__(usage=f"%prog {usage}" if usage else None, description=description)
        self.set_defaults(action=action)
        self.add_options(options)
        self.cmd = action

    def __eq__(self, other: object) -> bool:
        # coverage.py's own tests compare parsers with this string form.
        return other == f"<CmdOptionParser:{self.cmd}>"

    __hash__ = None  # type: ignore[assignment]

    def get_prog_name(self) -> str:
        return f"{_program_name()} {self.cmd}"


# Options every command accepts.
GLOBAL_ARGS = [Opts.debug, Opts.help, Opts.rcfile]

# Options of the reports that read a data file and may combine parallel files first.
_REPORT_INPUT = [Opts.datafile_input, Opts.ignore_errors, Opts.include, Opts.keep_combined, Opts.omit]


def _report_parser(action: str, options: list[optparse.Option], description: str) -> CmdOptionParser:
    """A reporting command's parser: its options sorted as they show in help."""
    ordered = sorted(options + _REPORT_INPUT, key=lambda opt: opt.get_opt_string().lstrip("-"))
    return CmdOptionParser(action, ordered + GLOBAL_ARGS, description, usage="[options] [modules]")


COMMANDS: dict[str, CmdOptionParser] = {
    "annotate": _report_parser(
        "annotate",
        [Opts.directory],
        "Write a copy of each source file with every statement marked: "
        "'>' for statements that ran, '!' for those that did not.",
    ),
    "combine": CmdOptionParser(
        "combine",
        [Opts.append, Opts.datafile, Opts.keep, Opts.quiet] + GLOBAL_ARGS,
        "Merge the data of several data files into one. The arguments are data files, "
        "or directories to look for data files in; without any, the directory of the "
        "default data file is searched.",
        usage="[options] <path1> <path2> ... <pathN>",
    ),
    "debug": CmdOptionParser(
        "debug",
        list(GLOBAL_ARGS),
        "Show what coverage knows about its surroundings, to help find problems. "
        "The topics:\n\n"
        "'config': the settings in force.\n\n"
        "'data [files]': what the data files hold.\n\n"
        "'premain': the stack that led to the coverage command.\n\n"
        "'pybehave': the flags describing this Python.\n\n"
        "'sqlite': how the SQLite library was built.\n\n"
        "'sys': the installation and the environment.",
        usage="<topic>",
    ),
    "erase": CmdOptionParser(
        "erase",
        [Opts.datafile] + GLOBAL_ARGS,
        "Delete the data collected so far.",
    ),
    "help": CmdOptionParser(
        "help",
        list(GLOBAL_ARGS),
        "Explain how to use the coverage command.",
        usage="[command]",
    ),
    "html": _report_parser(
        "html",
        [
            Opts.contexts,
            Opts.directory,
            Opts.fail_under,
            Opts.precision,
            Opts.quiet,
            Opts.show_contexts,
            Opts.skip_covered,
            Opts.no_skip_covered,
            Opts.skip_empty,
            Opts.title,
        ],
        "Write an HTML report: an index page, and a page per file showing which "
        "lines ran, which did not, and which were excluded.",
    ),
    "json": _report_parser(
        "json",
        [Opts.contexts, Opts.fail_under, Opts.output_json, Opts.pretty_print, Opts.quiet, Opts.show_contexts],
        "Write the coverage results as JSON.",
    ),
    "lcov": _report_parser(
        "lcov",
        [Opts.fail_under, Opts.output_lcov, Opts.quiet],
        "Write the coverage results in the LCOV format.",
    ),
    "report": _report_parser(
        "report",
        [
            Opts.contexts,
            Opts.fail_under,
            Opts.format,
            Opts.precision,
            Opts.sort,
            Opts.show_missing,
            Opts.skip_covered,
            Opts.no_skip_covered,
            Opts.skip_empty,
        ],
        "Print a table of how much of each file ran.",
    ),
    "run": CmdOptionParser(
        "run",
        [
            Opts.append,
            Opts.branch,
            Opts.concurrency,
            Opts.context,
            Opts.datafile_output,
            Opts.include,
            Opts.module,
            Opts.omit,
            Opts.pylib,
            Opts.parallel_mode,
            Opts.save_signal,
            Opts.source,
            Opts.timid,
        ]
        + GLOBAL_ARGS,
        "Run a Python program and record which of its lines run.",
        usage="[options] <pyfile> [program options]",
    ),
    "xml": _report_parser(
        "xml",
        [Opts.fail_under, Opts.output_xml, Opts.quiet, Opts.skip_empty],
        "Write the coverage results as Cobertura-style XML.",
    ),
}


def _program_name() -> str:
    """The name the user typed: the script, or the package for `python -m`."""
    program_path = sys.argv[0] if sys.argv and sys.argv[0] else "coverage"
    if program_path.endswith(os.path.sep + "__main__.py"):
        program_path = os.path.dirname(program_path)
    name = os.path.basename(program_path)
    if env.WINDOWS:
        name = name.removesuffix("-script.py")
    return name


def _engine_description() -> str:
    """What runs the measurement, shown after the version number."""
    try:
        from ferrocov import __version__ as ferrocov_version
    except ImportError:
        return "with ferrocov (engine not importable)"
    return f"with ferrocov {ferrocov_version} (Rust engine)"


HELP_TOPICS = {
    "help": """\
        Coverage.py, version {version} {engine}
        Measures which lines of a Python program run, and reports on it.

        usage: {program} <command> [options] [args]

        Commands:
            annotate    Mark each line of the source files as run or not.
            combine     Merge several data files into one.
            debug       Show information about coverage's surroundings.
            erase       Delete the data collected so far.
            help        Explain a command.
            html        Write an HTML report.
            json        Write a JSON report.
            lcov        Write an LCOV report.
            report      Print a coverage table.
            run         Run a Python program, measuring it.
            xml         Write an XML report.

        "{program} help <command>" explains a command and its options.
    """,
    "minimum_help": ("Code coverage for Python, version {version} {engine}. Use '{program} help' for help."),
    "version": "Coverage.py, version {version} {engine}",
}


def show_help(error: str | None = None, topic: str | None = None, parser: optparse.OptionParser | None = None) -> None:
    """Print a usage error (to stderr), a command's help, or a help topic."""
    program = _program_name()
    if error:
        print(error, file=sys.stderr)
        print(f"Use '{program} help' for help.", file=sys.stderr)
    elif parser is not None:
        print(parser.format_help().strip())
        print()
    else:
        text = textwrap.dedent(HELP_TOPICS.get(topic or "", "")).strip()
        if text:
            print(text.format(version=__version__, engine=_engine_description(), program=program))
        else:
            print(f"Don't know topic {topic!r}")
    print(f"Full documentation is at {__url__}")


def unshell_list(value: str | None) -> list[str] | None:
    """A comma-separated option value as a list (None when not given)."""
    if not value:
        return None
    if env.WINDOWS:
        # cmd.exe keeps the quotes users put around wildcards.
        value = value.strip("'")
    return value.split(",")


def unglob_args(args: list[str]) -> list[str]:
    """Expand wildcards in file arguments where the shell does not (Windows)."""
    if not env.WINDOWS:
        return args
    expanded: list[str] = []
    for arg in args:
        expanded.extend(glob.glob(arg) if ("*" in arg or "?" in arg) else [arg])
    return expanded


class CoverageScript:
    """The `coverage` command line: parse, build a `Coverage`, run one command."""

    def __init__(self) -> None:
        self.global_option = False
        self.coverage: Coverage

    def command_line(self, argv: list[str]) -> int:
        """Run the command in `argv` (without the program name); return the exit status."""
        if not argv:
            show_help(topic="minimum_help")
            return OK

        parser = self._parser_for(argv[0])
        if parser is None:
            show_help(f"Unknown command: {argv[0]!r}")
            return ERR
        if not self.global_option:
            argv = argv[1:]

        ok, options, args = parser.parse_args_ok(argv)
        if not ok:
            return ERR
        assert options is not None
        if self.do_help(options, args, parser):
            return OK

        self.coverage = self._make_coverage(options)
        try:
            return self._dispatch(options, args)
        except NotImplementedError as err:
            # A feature the engine lacks yet: one line, not a traceback.
            print(str(err) or f"'coverage {options.action}' is not supported by ferrocov yet")
            return ERR

    def _parser_for(self, first_arg: str) -> optparse.OptionParser | None:
        """Commands have their parser; a leading option means global options."""
        self.global_option = first_arg.startswith("-")
        if self.global_option:
            return GlobalOptionParser()
        return COMMANDS.get(first_arg)

    def _make_coverage(self, options: optparse.Values) -> Coverage:
        concurrency = options.concurrency.split(",") if options.concurrency is not None else None
        return Coverage(
            data_file=options.data_file or DEFAULT_DATAFILE,
            data_suffix=options.parallel_mode,
            cover_pylib=options.pylib,
            timid=options.timid,
            branch=options.branch,
            config_file=options.rcfile,
            source=unshell_list(options.source),
            omit=unshell_list(options.omit),
            include=unshell_list(options.include),
            debug=unshell_list(options.debug),
            concurrency=concurrency,
            check_preimported=True,
            context=options.context,
            messages=not options.quiet,
        )

    def _dispatch(self, options: optparse.Values, args: list[str]) -> int:
        action = options.action
        if action == "debug":
            return self.do_debug(args)
        if action == "erase":
            self.coverage.erase()
            return OK
        if action == "run":
            return self.do_run(options, args)
        if action == "combine":
            return self.do_combine(options, args)
        return self.do_report(options, args)

    def do_help(self, options: optparse.Values, args: list[str], parser: optparse.OptionParser) -> bool:
        """Handle --help, `help [topics]` and --version; True if one was handled."""
        if options.help:
            if self.global_option:
                show_help(topic="help")
            else:
                show_help(parser=parser)
            return True
        if options.action == "help":
            for topic in args or ["help"]:
                command = COMMANDS.get(topic) if args else None
                if command is not None:
                    show_help(parser=command)
                else:
                    show_help(topic=topic)
            return True
        if options.version:
            show_help(topic="version")
            return True
        return False

    # -- run ------------------------------------------------------------------

    def do_run(self, options: optparse.Values, args: list[str]) -> int:
        """`coverage run`: run a program as __main__ while measuring it."""
        args = self._program_args(options, args)
        problem = self._run_usage_problem(options, args)
        if problem:
            show_help(problem)
            return ERR

        os.environ["COVERAGE_RUN"] = "true"
        runner = PyRunner(args, as_module=bool(options.module))
        runner.prepare()

        if options.append:
            self.coverage.load()
        if options.save_signal:
            if env.WINDOWS:
                show_help("--save-signal is not supported on Windows.")
                return ERR
            signal.signal(getattr(signal, f"SIG{options.save_signal}"), self.do_signal_save)

        self.coverage.start()
        code_ran = True
        try:
            runner.run()
        except NoSource:
            # Nothing of the program ran, so there is nothing to save.
            code_ran = False
            raise
        finally:
            self.coverage.stop()
            if code_ran:
                self.coverage.save()
        return OK

    def _program_args(self, options: optparse.Values, args: list[str]) -> list[str]:
        """The program to run: from the command line, else from `[run] command_line`."""
        if args or options.module:
            return args
        command_line = self.coverage.get_option("run:command_line")
        if command_line is None:
            return args
        args = shlex.split(command_line)
        if args and args[0] in ("-m", "--module"):
            options.module = True
            args = args[1:]
        return args

    def _run_usage_problem(self, options: optparse.Values, args: list[str]) -> str | None:
        """The usage error that stops `coverage run`, if any."""
        if not args:
            return "No module specified for -m" if options.module else "Nothing to do."
        if options.append and self.coverage.get_option("run:parallel"):
            return "Can't append to data files in parallel mode."
        if "multiprocessing" in (options.concurrency or "").split(","):
            # Child processes read their settings from the configuration file only.
            for name in ("branch", "include", "omit", "pylib", "source", "timid"):
                if getattr(options, name) is not None:
                    return (
                        "Options affecting multiprocessing must only be specified "
                        "in a configuration file.\n"
                        f"Remove --{name} from the command line."
                    )
        return None

    def do_signal_save(self, _signum: int, _frame: types.FrameType | None) -> None:
        """The --save-signal handler: write the data collected so far."""
        print("Saving coverage data...", flush=True)
        self.coverage.save()

    # -- combine and reports --------------------------------------------------

    def do_combine(self, options: optparse.Values, args: list[str]) -> int:
        """`coverage combine`: merge data files into the main one."""
        if options.append:
            self.coverage.load()
        self.coverage.combine(args or None, strict=True, keep=bool(options.keep))
        self.coverage.save()
        return OK

    def do_report(self, options: optparse.Values, args: list[str]) -> int:
        """The reporting commands; checks --fail-under against the total."""
        # Plugins may import from the current directory (Django settings, say).
        sys.path.insert(0, "")
        self.coverage.load()
        self.coverage.combine(strict=False, keep=bool(options.keep_combined))
        total = _REPORTERS[options.action](self.coverage, options, self._report_args(options, args))
        if total is None:
            return OK
        return self._check_fail_under(options, total)

    def _report_args(self, options: optparse.Values, args: list[str]) -> dict[str, Any]:
        return {
            "morfs": unglob_args(args),
            "ignore_errors": options.ignore_errors,
            "omit": unshell_list(options.omit),
            "include": unshell_list(options.include),
            "contexts": unshell_list(options.contexts),
        }

    def _check_fail_under(self, options: optparse.Values, total: float) -> int:
        # Command-line values win over the configuration file's.
        if options.fail_under is not None:
            self.coverage.set_option("report:fail_under", options.fail_under)
        if options.precision is not None:
            self.coverage.set_option("report:precision", options.precision)
        fail_under = float(self.coverage.get_option("report:fail_under"))
        precision = int(self.coverage.get_option("report:precision"))
        if should_fail_under(total, fail_under, precision):
            print("Coverage failure:", format_fail_under_msg(total, fail_under, precision))
            return FAIL_UNDER
        return OK

    # -- debug ----------------------------------------------------------------

    def do_debug(self, args: list[str]) -> int:
        """`coverage debug TOPIC`."""
        if not args:
            show_help("What information would you like: config, data, sys, premain, pybehave, sqlite?")
            return ERR
        topic, rest = args[0], args[1:]
        if topic == "data":
            for data_file in rest or [self.coverage.config.data_file]:
                _debug_data(data_file)
            return OK
        if rest:
            show_help(f"'debug {topic}' takes no additional arguments")
            return ERR
        writer = _DEBUG_TOPICS.get(topic)
        if writer is None:
            show_help(f"Don't know what you mean by {topic!r}")
            return ERR
        writer(self.coverage)
        return OK


# -- the reports, each calling its `Coverage` method ------------------------------


def _text_report(cov: Coverage, options: optparse.Values, common: dict[str, Any]) -> float:
    return cov.report(
        precision=options.precision,
        show_missing=options.show_missing,
        skip_covered=options.skip_covered,
        skip_empty=options.skip_empty,
        sort=options.sort,
        output_format=options.format,
        **common,
    )


def _annotate(cov: Coverage, options: optparse.Values, common: dict[str, Any]) -> None:
    cov.annotate(directory=options.directory, **common)


def _html_report(cov: Coverage, options: optparse.Values, common: dict[str, Any]) -> float:
    return cov.html_report(
        directory=options.directory,
        precision=options.precision,
        skip_covered=options.skip_covered,
        skip_empty=options.skip_empty,
        show_contexts=options.show_contexts,
        title=options.title,
        **common,
    )


def _xml_report(cov: Coverage, options: optparse.Values, common: dict[str, Any]) -> float:
    return cov.xml_report(outfile=options.outfile, skip_empty=options.skip_empty, **common)


def _json_report(cov: Coverage, options: optparse.Values, common: dict[str, Any]) -> float:
    return cov.json_report(
        outfile=options.outfile,
        pretty_print=options.pretty_print,
        show_contexts=options.show_contexts,
        **common,
    )


def _lcov_report(cov: Coverage, options: optparse.Values, common: dict[str, Any]) -> float:
    return cov.lcov_report(outfile=options.outfile, **common)


_REPORTERS: dict[str, Callable[[Coverage, optparse.Values, dict[str, Any]], float | None]] = {
    "annotate": _annotate,
    "html": _html_report,
    "json": _json_report,
    "lcov": _lcov_report,
    "report": _text_report,
    "xml": _xml_report,
}


# -- debug topics -------------------------------------------------------------

_LABEL_WIDTH = 30


def info_header(label: str) -> str:
    """A section header: "-- label -----...", 62 characters wide."""
    return f"-- {label} ".ljust(62, "-")


def _info_lines(info: Iterable[tuple[str, Any]]) -> Iterable[str]:
    """Right-aligned labels; list values continue on following lines."""
    for label, value in info:
        if value == []:
            value = "-none-"
        prefix = f"{label:>{_LABEL_WIDTH}}: "
        if isinstance(value, (list, set)) or (isinstance(value, tuple) and len(str(value)) >= 30):
            for item in value:
                yield prefix + str(item)
                prefix = " " * (_LABEL_WIDTH + 2)
        else:
            yield f"{prefix}{value}"


def write_formatted_info(write: Callable[[str], None], header: str, info: Iterable[tuple[str, Any]]) -> None:
    """Write a header and (label, value) pairs in coverage's debug layout."""
    write(info_header(header))
    for line in _info_lines(info):
        write(f" {line}")


def _printable(text: str) -> str:
    """Control characters in file names would act on the terminal: show them as '?'."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _plural(count: int, thing: str) -> str:
    return f"{count} {thing if count == 1 else thing + 's'}"


def _debug_data_file(filename: str) -> None:
    """Summarize one data file: its path, arcs or lines, and each file's line count."""
    from coverage.data import CoverageData
    from coverage.misc import human_sorted

    data = CoverageData(filename)
    path = data.data_filename()
    print(f"path: {path}")
    if not os.path.exists(path):
        print("No data collected: file doesn't exist")
        return
    data.read()
    print(f"has_arcs: {data.has_arcs()!r}")
    counts = {name: len(data.lines(name) or ()) for name in data.measured_files()}
    print(f"{_plural(len(counts), 'file')}:")
    for name in human_sorted(counts):
        line = f"{_printable(name)}: {_plural(counts[name], 'line')}"
        tracer = data.file_tracer(name)
        if tracer:
            line += f" [{_printable(tracer)}]"
        print(line)


def _debug_data(data_file: str) -> None:
    """`debug data`: the data file, then each parallel file beside it."""
    print(info_header("data"))
    _debug_data_file(data_file)
    for parallel in combinable_files(data_file):
        print("-----")
        _debug_data_file(parallel)


def _config_info(config: Any) -> list[tuple[str, Any]]:
    """The settings in force, by name."""
    debug_info = getattr(config, "debug_info", None)
    if callable(debug_info):
        return list(debug_info())
    from coverage.misc import human_sorted

    settings = {name: value for name, value in vars(config).items() if not name.startswith("_")}
    return [(name, settings[name]) for name in human_sorted(settings)]


def _pybehave_info() -> list[tuple[str, Any]]:
    """The interpreter facts `coverage.env` computed."""
    return sorted((name, value) for name, value in vars(env).items() if name.isupper() and not name.startswith("_"))


def _sqlite_info() -> list[tuple[str, Any]]:
    """The SQLite library's version and the options it was compiled with."""
    db = sqlite3.connect(":memory:")
    try:
        temp_store = db.execute("pragma temp_store").fetchone()[0]
        options = sorted(row[0] for row in db.execute("pragma compile_options"))
    finally:
        db.close()
    return [
        ("sqlite3_sqlite_version", sqlite3.sqlite_version),
        ("sqlite3_temp_store", temp_store),
        ("sqlite3_compile_options", options),
    ]


def _premain_stack() -> str:
    """The call stack, outermost first, one line per frame."""
    frames = traceback.extract_stack()[:-2]
    return "\n".join(f"{frame.name:>30s} : {frame.filename}:{frame.lineno}" for frame in frames)


_DEBUG_TOPICS: dict[str, Callable[[Coverage], None]] = {
    "config": lambda cov: write_formatted_info(print, "config", _config_info(cov.config)),
    "premain": lambda cov: print(f"{info_header('premain')}\n{_premain_stack()}"),
    "pybehave": lambda cov: write_formatted_info(print, "pybehave", _pybehave_info()),
    "sqlite": lambda cov: write_formatted_info(print, "sqlite", _sqlite_info()),
    "sys": lambda cov: write_formatted_info(print, "sys", cov.sys_info()),
}


def _error_message(err: CoverageException) -> str:
    """A coverage error as shown to users, with its documentation link if it has one."""
    msg = str(err.args[0]) if err.args else str(err)
    slug = getattr(err, "slug", None)
    if slug:
        msg = f"{msg.rstrip('.')}; see {__url__}/messages.html#error-{slug}"
    return msg


def main(argv: list[str] | None = None) -> int | str | None:
    """The `coverage` console script: run the command, return the exit status.

    The status is what `sys.exit` should get: an int, or the program's own
    `sys.exit()` argument passed through unchanged (None or a message).
    """
    if argv is None:
        argv = sys.argv[1:]
    try:
        return CoverageScript().command_line(argv)
    except _ExceptionDuringRun as err:
        # The program's excepthook itself failed; show the original exception.
        traceback.print_exception(*err.args)
        return ERR
    except CoverageException as err:
        print(_error_message(err))
        return ERR
    except SystemExit as err:
        return err.args[0] if err.args else None
