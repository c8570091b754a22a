"""Stopping a benchmark cleanly: SIGTERM and SIGINT raise `Interrupted` in the main thread,
so that every `with` block and `finally` that removes a stand or kills a process runs."""
import signal


class Interrupted(Exception):
    pass


def _raise(signum, _frame):
    raise Interrupted(f"signal {signum}")


def raise_on_signals():
    """From now on, SIGTERM and SIGINT raise Interrupted (also during a subprocess wait)."""
    signal.signal(signal.SIGTERM, _raise)
    signal.signal(signal.SIGINT, _raise)
