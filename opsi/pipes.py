"""Commands chained by pipes, so that what flows between them never touches the disk, and
that never outlive the process that started them.

The children run in a process group of their own: a signal meant for the terminal's group does
not reach them half-way, and ``Pipeline.kill()`` ends them all at once. Each asks Linux to kill
it when its parent dies (``PR_SET_PDEATHSIG``), so even a ``kill -9`` of the parent leaves no
orphan writing on. Their stderr is read into memory, never into a file.
"""

import contextlib
import ctypes
import os
import signal
import subprocess  # nosec B404: argument lists given by the caller, no shell
import threading


class Interrupted(Exception):
    """SIGTERM or SIGINT arrived while children ran: they were killed."""


_PR_SET_PDEATHSIG = 1
try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved here: the child only calls it
except (OSError, AttributeError):  # not Linux: the signal handlers still kill the group
    _prctl = None


def _die_with_parent(parent):
    def setup():
        if _prctl is not None:
            _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before prctl
            os._exit(1)

    return setup


class Pipeline:
    """Commands chained by pipes in one process group of their own; a kill of this process
    (even ``kill -9``) kills them too (Linux's parent-death signal), and ``kill()`` ends them
    all at once. Their stderr is read into memory (it never goes to a file)."""

    def __init__(self, env=None):
        self.env = env
        self.procs = []
        self.errors = {}
        self._readers = {}

    def start(self, name, args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, pass_fds=()):
        group = 0 if not self.procs else self.procs[0].pid
        proc = subprocess.Popen(  # nosec B603: fixed programs, argument lists
            args,
            stdin=stdin,
            stdout=stdout,
            stderr=subprocess.PIPE,
            env=self.env,
            process_group=group,
            preexec_fn=_die_with_parent(os.getpid()),  # noqa: PLW1509 after fork: prctl and getppid only
            pass_fds=pass_fds,
        )
        proc.name = name
        self.procs.append(proc)
        self.errors[name] = bytearray()
        reader = threading.Thread(target=self._read_errors, args=(proc, name), daemon=True)
        reader.start()
        self._readers[name] = reader
        return proc

    def _read_errors(self, proc, name):
        for line in proc.stderr:
            if len(self.errors[name]) < 64 * 1024:
                self.errors[name] += line

    def error(self, name):
        return self.errors.get(name, b"").decode(errors="replace")

    def wait(self):
        codes = {proc.name: proc.wait() for proc in self.procs}
        self.wait_readers(*codes)
        return codes

    def wait_readers(self, *names):
        """The whole stderr of processes that ended."""
        for name in names:
            self._readers[name].join(timeout=5)

    def kill(self):
        if self.procs:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.procs[0].pid, signal.SIGKILL)
            for proc in self.procs:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                proc.wait()


@contextlib.contextmanager
def children(env=None, interrupted_by=Interrupted):
    """A pipeline whose processes are killed when the block fails, or is interrupted by SIGTERM
    or SIGINT (raised as ``interrupted_by`` in the main thread)."""
    pipeline = Pipeline(env)
    previous = {}

    def interrupted(signum, frame):
        raise interrupted_by(f"Stopped by {signal.Signals(signum).name}: nothing was kept.")

    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, interrupted)
    try:
        yield pipeline
    except BaseException:
        pipeline.kill()
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
