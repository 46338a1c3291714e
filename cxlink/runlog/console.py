"""Where the progress lines go: a terminal rewrites its progress line in place; a pipe or a file
(``make demo | tee``, CI) gets one progress line per step every ``every_s`` seconds at most."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from cxlink.runlog.progress import Line

CLEAR = "\r\x1b[K"  # carriage return + erase to the end of the line
PROGRESS_EVERY_S = 10.0


class Console:
    def __init__(self, stream: TextIO, tty: bool | None = None, every_s: float = PROGRESS_EVERY_S):
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.every_s = every_s
        self._pending = False  # a progress line is on the terminal, without its newline
        self._last_shown: dict[str | None, float] = {}
        self._closed = False  # the reader went away (`cxlink run | head`): the run goes on

    def write(self, lines: Iterable[Line]) -> None:
        for line in lines:
            if line.transient:
                self._progress(line)
            else:
                self.print(line.text)
        self._write("")

    def print(self, text: str) -> None:
        """A line that stays (clears a progress line first)."""
        self.clear()
        self._write(text + "\n")

    def clear(self) -> None:
        if self._pending:
            self._write(CLEAR)
            self._pending = False

    def _write(self, text: str) -> None:
        if self._closed:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (BrokenPipeError, ValueError):  # ValueError: the stream was closed
            self._closed = True

    def _progress(self, line: Line) -> None:
        if self.tty:
            self._write(CLEAR + line.text)
            self._pending = True
            return
        # Not a terminal: a step's first progress line starts its clock, so a step shorter than
        # every_s prints none; a longer one prints one every every_s.
        last = self._last_shown.setdefault(line.step, line.time)
        if line.time - last >= self.every_s:
            self._last_shown[line.step] = line.time
            self._write(line.text + "\n")
