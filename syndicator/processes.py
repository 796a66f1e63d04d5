"""Child processes that end with the command that started them.

A long-running command (``ui``, ``demo``, ``schedule``, ``monitor``) passes SIGTERM and SIGINT (and a
terminal's hang-up) on to its children, waits for them and then exits, so no server is left running on its
port.
"""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
GRACE_S = 30  # how long a child may take to finish after SIGTERM before it is killed

_live: set[subprocess.Popen] = set()
_live_lock = threading.RLock()  # a signal handler on the main thread may take it while the thread holds it


def pass_on(signum: int) -> None:
    """Send ``signum`` to every child started through :func:`child_process` that still runs."""
    with _live_lock:
        children = list(_live)
    for child in children:
        child.send_signal(signum)


@contextmanager
def stop_signals(handler: Callable[[int], object]) -> Iterator[None]:
    """Within the block SIGTERM, SIGINT and SIGHUP call ``handler(signum)`` instead of ending the process;
    a signal this process was told to ignore (``nohup``, ``&``) stays ignored.

    Only the main thread receives signals: in any other thread the block changes nothing (a scheduler job's
    children are reached by the main thread's handler through :func:`pass_on`)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, lambda signum, _frame: handler(signum))
                for signum in STOP_SIGNALS if signal.getsignal(signum) is not signal.SIG_IGN}
    try:
        yield
    finally:
        for signum, action in previous.items():
            signal.signal(signum, action)


@contextmanager
def child_process(command: list[str], **options: Any) -> Iterator[subprocess.Popen]:
    """``command`` started as a child, terminated if it still runs when the block ends, and waited for.

    The child has its own process group, so a Ctrl+C or hang-up at the terminal reaches it once, passed on
    by us, rather than twice (Scrapy takes a second SIGINT as an order to stop uncleanly)."""
    with subprocess.Popen(command, process_group=0, **options) as child:
        with _live_lock:
            _live.add(child)
        try:
            yield child
        finally:
            _end(child)
            with _live_lock:
                _live.discard(child)


def _end(child: subprocess.Popen) -> None:
    stop_all([child])


def stop_all(children: list[subprocess.Popen], grace_s: float = GRACE_S) -> None:
    """SIGTERM to every child still running, all at once (so they finish their work side by side), then each
    waited for, and killed once it has had ``grace_s`` seconds."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def exit_status(returncode: int) -> int:
    """A child's return code as a shell reports it: 128 + the signal's number when a signal ended it."""
    return 128 - returncode if returncode < 0 else returncode


def run_child(command: list[str], **options: Any) -> int:
    """Run ``command`` until it exits, passing the stop signals sent to this process on to it; returns its
    exit status."""
    received: list[int] = []

    def stop(signum: int) -> None:
        received.append(signum)
        pass_on(signum)

    with stop_signals(stop), child_process(command, **options) as child:
        if received:  # the signal came while the child was being started, before pass_on could see it
            child.send_signal(received[0])
        return exit_status(child.wait())
