"""The worker's loops (COMITY_WORKER_LOOPS): run again at once while they find work, then wait."""

import threading

from comity.core.worker import loop_while

calls: list[int] = []
fourth = threading.Event()


def busy_three_times() -> int:
    calls.append(1)
    if len(calls) == 4:
        fourth.set()
    return 1 if len(calls) <= 3 else 0


def test_a_loop_runs_again_at_once_while_it_finds_work_then_waits_its_interval(settings):
    settings.COMITY_WORKER_LOOPS = [f"{__name__}.busy_three_times"]
    running = True
    [thread] = loop_while(lambda: running, interval=3600)
    assert fourth.wait(timeout=30)
    # three rounds found work, the fourth found none: the loop now waits an hour, not calling again
    assert len(calls) == 4
    running = False
    thread.join(timeout=30)
    assert not thread.is_alive() and len(calls) == 4
