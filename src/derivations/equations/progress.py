"""The time budget of a link's proof, and what ``derivations verify`` says while it proves.

Every link (two neighbouring sides) that the prover takes on runs under a
budget of :data:`BUDGET` seconds of processor time (``derivations verify
--budget``, or the environment's ``DERIVATIONS_LINK_BUDGET``; 60 s by default):
processor time, so that a link gets the same verdict on a machine busy with
other work as on an idle one. When it runs out, the work is stopped where it is
(a ``SIGPROF`` raises :class:`LinkTimeout`, a ``BaseException``, so that no
``except Exception`` on the way swallows it; it is raised again every second
until the link's own handler takes it) and the link is reported "could not
decide in N s": not proved, never a pass.

Sympy calls do not yield, but they run Python code, and a signal handler runs
between two of its bytecodes: the alarm stops them. The alarm needs the main
thread of a process (the verify's, or a worker's of its pool); elsewhere (a
thread of a server) a link runs without a budget, and :func:`budgeted` says so
in its ``limited`` flag.

:data:`REPORT`, when set, receives an event (a dict) as each equation and each
link starts and ends: the ledger sends them from its workers to the verify's
display (:class:`derivations.cli.Display`).
"""

from __future__ import annotations

from contextlib import contextmanager
import os
import signal
import threading
import time

__all__ = ["LinkTimeout", "BUDGET", "DEFAULT_BUDGET", "budget_seconds", "budgeted", "report", "set_budget"]

DEFAULT_BUDGET = 60.0
BUDGET = None  # seconds; None: DERIVATIONS_LINK_BUDGET, else DEFAULT_BUDGET
REPORT = None  # a callable taking one event (a dict), or None
_ACTIVE = []  # the links being proved in this process, outermost first (a definition's proof runs inside another's)


class LinkTimeout(BaseException):
    """A link's proof ran past its budget (a BaseException: ``except Exception`` in sympy or in the engine does not
    swallow it)."""

    def __init__(self, seconds):
        super().__init__(f"could not decide in {seconds:g} s")
        self.seconds = seconds


def set_budget(seconds):
    """Set the budget of every link (seconds > 0); a message naming the argument otherwise."""
    global BUDGET
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        raise ValueError(f"the time budget of a link is a number of seconds, got {seconds!r}") from None
    if not value > 0:
        raise ValueError(f"the time budget of a link is a number of seconds above 0, got {seconds!r}")
    BUDGET = value


def budget_seconds():
    """The budget of a link, in seconds: :data:`BUDGET`, else ``DERIVATIONS_LINK_BUDGET``, else 60."""
    if BUDGET is not None:
        return BUDGET
    text = os.environ.get("DERIVATIONS_LINK_BUDGET", "").strip()
    if not text:
        return DEFAULT_BUDGET
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"DERIVATIONS_LINK_BUDGET is a number of seconds, got {text!r}") from None
    if not value > 0:
        raise ValueError(f"DERIVATIONS_LINK_BUDGET is a number of seconds above 0, got {text!r}")
    return value


def report(**event):
    """Send an event to :data:`REPORT` (nothing when none is set; a display that fails never stops a proof)."""
    if REPORT is None:
        return
    try:
        REPORT(dict(event, pid=os.getpid(), at=time.time()))
    except Exception:  # noqa: BLE001 - the display's fault is not the proof's
        pass


def _describe(eq, n):
    return dict(id=eq.id, number=getattr(eq, "shown_number", ""), page=eq.page, link=n + 1,
                links=len(eq.sides) - 1)


@contextmanager
def budgeted(eq, n):
    """Run link ``n`` of ``eq`` under the budget; yields a dict whose ``outer`` says whether this is the outermost
    link of the process (the one whose budget runs: a definition's link proved inside it shares it) and whose
    ``limited`` says whether the budget can stop it (the main thread only). Reports the start and the end."""
    outer = not _ACTIVE
    seconds = budget_seconds()
    limited = outer and threading.current_thread() is threading.main_thread() and hasattr(signal, "ITIMER_PROF")
    state = {"outer": outer, "limited": limited, "seconds": seconds, "start": time.perf_counter()}
    _ACTIVE.append((eq.id, n))
    previous = None
    if limited:
        def alarm(signum, frame):
            signal.setitimer(signal.ITIMER_PROF, 1.0)  # again in a second, should anything catch this one
            raise LinkTimeout(seconds)
        previous = signal.signal(signal.SIGPROF, alarm)
        signal.setitimer(signal.ITIMER_PROF, seconds)
    if outer:
        report(event="link", state="start", **_describe(eq, n))
    try:
        yield state
    finally:
        if limited:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous if previous is not None else signal.SIG_DFL)
        _ACTIVE.pop()
        state["elapsed"] = time.perf_counter() - state["start"]
