"""Long work off the GUI thread: a callable run in a worker thread, with progress and cancel.

:class:`Worker` runs one job at a time: a callable ``job(progress)`` that does the work and
calls ``progress(done, total)`` now and then. ``progress`` returns ``False`` once the user
has cancelled, and the job is expected to stop then (by raising, or by returning early).
The worker reports back in the GUI thread through its signals (``progress``, ``finished``,
``failed``, ``cancelled``); the job never touches a widget.

The Design panel's simulation uses it; so can any other long job (an import of digitised
curves, a report). The threads are plain ``QThread`` subclasses with no parent, kept alive
by a registry in this module until they have ended, and reaped in the GUI thread: a panel
that is closed or destroyed mid-run only cancels its job, and nothing is destroyed while
its thread still runs. :func:`shutdown_all` cancels and joins every job; it runs when the
application quits and at interpreter exit.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

#: ``progress(done, total)``: returns False once the job should stop.
ProgressCallback = Callable[[int, int], bool]
#: A job: does the work, calls ``progress`` now and then, returns the result.
Job = Callable[[ProgressCallback], object]

#: Shortest interval between two progress signals (seconds): a job may report as often as
#: it likes without flooding the GUI thread's event queue.
PROGRESS_INTERVAL = 0.03

# Threads that may still be running, kept referenced until they have ended (see _reap).
_live: set[_JobThread] = set()
_reaper: _Reaper | None = None


class _JobThread(QThread):
    """Runs one job; reports through signals tagged with the job's number."""

    progressed = Signal(int, int, int)  # job, done, total
    succeeded = Signal(int, object)  # job, result
    errored = Signal(int, str)  # job, message
    stopped = Signal(int)  # job

    def __init__(self, number: int, job: Job, cancel: threading.Event) -> None:
        super().__init__()  # no parent: the registry owns it until it has ended
        self.number = number
        self.cancel_event = cancel
        self.exception: BaseException | None = None
        self._job = job
        self._last_emit = 0.0

    def _progress(self, done: int, total: int) -> bool:
        if self.cancel_event.is_set():
            return False
        now = time.monotonic()
        if done >= total or now - self._last_emit >= PROGRESS_INTERVAL:
            self._last_emit = now
            self.progressed.emit(self.number, int(done), int(total))
        return True

    def run(self) -> None:
        try:
            result = self._job(self._progress)
        except Exception as exc:
            self.exception = exc
            if self.cancel_event.is_set():
                self.stopped.emit(self.number)
            else:
                self.errored.emit(self.number, error_message(exc))
            return
        if self.cancel_event.is_set():
            self.stopped.emit(self.number)
        else:
            self.succeeded.emit(self.number, result)


class _Reaper(QObject):
    """Lives in the GUI thread; forgets threads there once they have ended."""

    @Slot()
    def reap(self) -> None:
        # Queued from the thread's ``finished``: its run() has returned and the emit is
        # over, so joining it here takes no time and dropping the last reference is safe.
        ended = self.sender()
        for thread in list(_live):
            if thread is ended or thread.isFinished():
                thread.wait()
                _live.discard(thread)


def _ensure_reaper() -> _Reaper:
    global _reaper
    if _reaper is None:
        app = QCoreApplication.instance()
        _reaper = _Reaper(app)
        if app is not None:
            app.aboutToQuit.connect(shutdown_all)
    return _reaper


def error_message(exc: BaseException) -> str:
    """What to tell the user about a failed job, in one line.

    A ``ValueError`` (bad input) is its own message; anything else is a defect, so its
    type is named as well.
    """
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, ValueError):
        return text
    return f"Unexpected error ({type(exc).__name__}): {text}"


def shutdown_all(timeout_ms: int = 10_000) -> bool:
    """Cancel every running job and wait for its thread to end; True if all ended."""
    threads = list(_live)
    for thread in threads:
        thread.cancel_event.set()
    ended = all(thread.wait(timeout_ms) for thread in threads)
    for thread in threads:
        if thread.isFinished():
            _live.discard(thread)
    return ended


atexit.register(shutdown_all)


class _CancelHandle:
    """The current job's cancel flag, reachable without the worker (see ``destroyed``)."""

    def __init__(self) -> None:
        self.event: threading.Event | None = None

    def cancel(self, *_args: object) -> None:
        if self.event is not None:
            self.event.set()


class Worker(QObject):
    """Runs a job off the GUI thread and reports in the GUI thread.

    One job at a time: :meth:`start` while a job runs raises ``RuntimeError``. Exactly one
    of ``finished``, ``failed`` or ``cancelled`` follows each :meth:`start`, in the GUI
    thread; after it :meth:`is_running` is False. Signals from a job that was cancelled
    and replaced are ignored.

    Signals
    -------
    progress(int, int)
        ``done, total`` as the job reported them (at most every
        :data:`PROGRESS_INTERVAL` seconds, and always the last).
    finished(object)
        The job's return value.
    failed(str)
        The job raised: a one-line message (:func:`error_message`); the exception is in
        :attr:`error`.
    cancelled()
        The job stopped after :meth:`cancel`; whatever it returned is discarded.

    Examples
    --------
    >>> worker = Worker()                                            # doctest: +SKIP
    >>> worker.finished.connect(show_result)                         # doctest: +SKIP
    >>> worker.start(lambda progress: run_simulation(..., progress))  # doctest: +SKIP
    """

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: _JobThread | None = None
        self._number = 0
        self._handle = _CancelHandle()
        self.error: BaseException | None = None
        # A worker destroyed mid-run (its panel closed) stops its job; the registry keeps
        # the thread until it has ended.
        self.destroyed.connect(self._handle.cancel)

    def start(self, job: Job) -> None:
        """Run ``job(progress)`` in a new thread.

        Raises
        ------
        RuntimeError
            If a job is already running.
        """
        if self.is_running():
            raise RuntimeError("a job is already running; cancel it or wait for it first")
        reaper = _ensure_reaper()
        self._number += 1
        self.error = None
        cancel = threading.Event()
        thread = _JobThread(self._number, job, cancel)
        thread.progressed.connect(self._on_progressed)
        thread.succeeded.connect(self._on_succeeded)
        thread.errored.connect(self._on_errored)
        thread.stopped.connect(self._on_stopped)
        thread.finished.connect(reaper.reap)
        _live.add(thread)
        self._thread = thread
        self._handle.event = cancel
        thread.start()

    def is_running(self) -> bool:
        """True from :meth:`start` until its outcome has been signalled."""
        return self._thread is not None

    def cancel(self) -> None:
        """Ask the running job to stop (thread-safe; returns at once).

        ``cancelled`` follows once the job has stopped; nothing happens without a job.
        """
        self._handle.cancel()

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until the job's thread has ended (True) or ``timeout_ms`` passed (False).

        The outcome signal still arrives through the event loop afterwards.
        """
        thread = self._thread
        return True if thread is None else bool(thread.wait(timeout_ms))

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel the job, wait for its thread and signal ``cancelled`` now if it ran.

        For closing a panel or window: afterwards no thread of this worker runs and no
        late signal of the old job is delivered. Returns False if the thread did not end
        within ``timeout_ms`` (it then still stops at its next progress call).
        """
        thread = self._thread
        if thread is None:
            return True
        self.cancel()
        ended = bool(thread.wait(timeout_ms))
        self._number += 1  # whatever the old job still has queued is ignored
        self._thread = None
        self.cancelled.emit()
        return ended

    # -- from the job's thread (queued to this object's thread) ----------------------
    def _current(self, number: int) -> bool:
        return self._thread is not None and number == self._number

    @Slot(int, int, int)
    def _on_progressed(self, number: int, done: int, total: int) -> None:
        if self._current(number):
            self.progress.emit(done, total)

    @Slot(int, object)
    def _on_succeeded(self, number: int, result: object) -> None:
        if self._current(number):
            self._thread = None
            self.finished.emit(result)

    @Slot(int, str)
    def _on_errored(self, number: int, message: str) -> None:
        if self._current(number):
            self.error = self._thread.exception
            self._thread = None
            self.failed.emit(message)

    @Slot(int)
    def _on_stopped(self, number: int) -> None:
        if self._current(number):
            self._thread = None
            self.cancelled.emit()


__all__ = [
    "PROGRESS_INTERVAL",
    "Job",
    "ProgressCallback",
    "Worker",
    "error_message",
    "shutdown_all",
]
