import threading
import time

import pytest

from edge_agent.errors import Busy
from edge_agent.llm.gate import ModelGate


def test_one_at_a_time_and_queue_bound():
    gate = ModelGate(queue_size=1, wait_s=5)
    inside = threading.Event()
    release = threading.Event()
    results = []

    def holder():
        with gate.slot():
            inside.set()
            release.wait(5)

    def waiter():
        with gate.slot():
            results.append("waited")

    t1 = threading.Thread(target=holder)
    t1.start()
    inside.wait(5)
    t2 = threading.Thread(target=waiter)
    t2.start()
    deadline = time.monotonic() + 5
    while gate.waiting < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(Busy) as exc:  # queue of 1 is full
        with gate.slot():
            pass
    assert int(exc.value.headers["Retry-After"]) >= 1
    release.set()
    t1.join(5)
    t2.join(5)
    assert results == ["waited"] and not gate.busy and gate.waiting == 0


def test_wait_times_out_with_busy():
    gate = ModelGate(queue_size=4, wait_s=0.1)
    with gate.slot():
        errors = []

        def late():
            try:
                with gate.slot():
                    pass
            except Busy as e:
                errors.append(e)

        t = threading.Thread(target=late)
        t.start()
        t.join(5)
    assert len(errors) == 1
