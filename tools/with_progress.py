"""Run one setup step quietly, but never silently: ``python3 tools/with_progress.py --log FILE
--label TEXT -- command ...``.

Standard library only: it runs before the project's environment exists (``make setup``). It
prints one line when the step starts, then progress at least every ``--every`` seconds while
it runs: the elapsed time and the command's latest meaningful output line (e.g. pip's
"Collecting dagster"), rewritten in place on a terminal; into a pipe, a new line when that
output line changed (at most every ``3 * every`` seconds), else the elapsed time appended. One line when it
ends (with the command's last output line: ``--show-result``). All of the command's output goes
to ``FILE``; on failure it prints the last lines of that log, unfiltered, and its path, and
exits with the command's exit code, so nothing is hidden.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path

# Lines that say nothing about progress (this machine's pip configuration prints the first for
# every package index entry it ignores).
NOISE = (
    re.compile(r"^WARNING: Location '.*' is ignored"),
    re.compile(r"^\s*$"),
    re.compile(r"^[\s━─╸╺|#=>.\-\d%/]+$"),  # bare progress bars
    # pip's replacing of packages the venv already has: the phase line before them
    # ("Installing collected packages: ...") says more.
    re.compile(
        r"^\s*(Found existing installation|Uninstalling|Successfully uninstalled|Attempting uninstall)"
    ),
)
TAIL_LINES = 40
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # dbt colours its output even into a pipe


def meaningful(line: str) -> bool:
    return not any(pattern.search(line) for pattern in NOISE)


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


class Progress:
    """The latest meaningful output line, shared between the reader and the ticker."""

    def __init__(self) -> None:
        self.latest = ""
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)
        self.lock = threading.Lock()

    def feed(self, line: str) -> None:
        line = ANSI.sub("", line)
        with self.lock:
            self.tail.append(line.rstrip("\n"))
            if meaningful(line):
                self.latest = line.strip()


def copy_output(stream, log, progress: Progress) -> None:
    for line in iter(stream.readline, ""):
        log.write(line)
        log.flush()
        progress.feed(line)


class Display:
    """Progress lines. On a terminal one line, rewritten in place. Into a pipe or a file (which
    cannot be rewritten) a new line when the command's latest output changed and the current
    line is at least ``3 * every`` seconds old, else the elapsed time appended to the current
    line: a person watching still sees progress every ``every`` seconds, and a long pip phase
    does not fill a CI log."""

    def __init__(self, tty: bool, width: int, every: float, head: str = "") -> None:
        self.tty, self.width, self.new_line_after = tty, width, 3 * every
        self.head = head  # the step's start line, printed without its newline
        self.open = ""  # the unterminated line printed so far (pipe mode)
        self.opened_at = 0.0
        self.shown = ""
        self.below_head = False  # pipe mode: progress lines were printed under the start line

    def tick(self, elapsed: float, latest: str) -> None:
        shown = shorten(latest, self.width - 12) if latest else "(no output yet)"
        line = f"  {elapsed:4.0f} s  {shown}"
        if self.tty:  # the start line itself is rewritten: one line per step
            text = shorten(f"{self.head}  {elapsed:.0f} s  {shown}", self.width - 1)
            print("\r\033[K" + text, end="", flush=True)
            return
        if not self.below_head:
            print(flush=True)  # end the start line
            self.below_head = True
        more = f" .. {elapsed:.0f} s"
        same = shown == self.shown or elapsed - self.opened_at < self.new_line_after
        if self.open and same and len(self.open) + len(more) <= self.width:
            self.open += more
            print(more, end="", flush=True)
            return
        print(("\n" if self.open else "") + line, end="", flush=True)
        self.open, self.opened_at, self.shown = line, elapsed, shown

    def close(self) -> None:
        """Leave the cursor where the result goes: after the start line (tty, or nothing shown
        below it), else on a new line."""
        if self.tty:
            print("\r\033[K" + self.head, end="", flush=True)
        elif self.open:
            print(flush=True)
        self.open = ""


def run(
    command: list[str],
    label: str,
    log_path: Path,
    every: float = 10.0,
    prefix: str = "setup",
    show_result: bool = False,
) -> int:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    tty = sys.stdout.isatty()
    width = min(shutil.get_terminal_size((100, 20)).columns, 120)
    head = f"{prefix}: {label}"
    print(head, end="", flush=True)  # a quick step ends on this line: "...: done in 4 s"
    start = time.monotonic()
    progress = Progress()
    with log_path.open("w", encoding="utf-8", errors="replace") as log:
        log.write(f"$ {' '.join(command)}\n")
        log.flush()
        try:
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                errors="replace",
                bufsize=1,
                # Python children (pip, dbt) print line by line into the pipe, not in blocks.
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        except OSError as exc:
            print(f": cannot start {command[0]} ({exc.strerror})", flush=True)
            return 127
        reader = threading.Thread(target=copy_output, args=(process.stdout, log, progress))
        reader.daemon = True
        reader.start()
        display = Display(tty, width, every, head)
        last_shown = start
        try:
            while process.poll() is None:
                time.sleep(0.5 if tty else 1.0)
                now = time.monotonic()
                if tty or now - last_shown >= every:
                    with progress.lock:
                        latest = progress.latest
                    display.tick(now - start, latest)
                    last_shown = now
        except KeyboardInterrupt:
            process.terminate()
            process.wait()
            raise
        finally:
            display.close()
        reader.join(timeout=5)
    elapsed = time.monotonic() - start
    code = process.returncode
    lead = "  " if display.below_head else ": "
    if code == 0:
        result = f": {progress.latest}" if show_result and progress.latest else ""
        print(f"{lead}done in {elapsed:.0f} s{result}", flush=True)
        return 0
    print(f"{lead}FAILED (exit code {code}) after {elapsed:.0f} s; last lines:")
    for line in progress.tail:
        print(f"    {line}")
    print(f"{prefix}: the full output is in {log_path}", flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True, help="what the step does, in words")
    parser.add_argument("--log", required=True, type=Path, help="where the output goes")
    parser.add_argument("--every", type=float, default=10.0, help="seconds between lines")
    parser.add_argument("--prefix", default="setup", help="the first word of every line")
    parser.add_argument(
        "--show-result", action="store_true", help="end with the command's last output line"
    )
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given (put it after --)")
    return run(command, args.label, args.log, args.every, args.prefix, args.show_result)


if __name__ == "__main__":
    sys.exit(main())
