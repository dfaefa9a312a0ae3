import threading

from edge_agent.llm.backend import GenerationParams, MockModel
from edge_agent.llm.prompts import Prompt
from edge_agent.llm.worker import ModelWorker

PROMPT = Prompt("q", ())


class ThreadRecordingModel(MockModel):
    def __init__(self):
        super().__init__()
        self.threads = set()

    def stream(self, prompt, params):
        self.threads.add(threading.current_thread().name)
        yield from super().stream(prompt, params)


def test_all_generations_run_on_one_thread_and_return_everything():
    inner = ThreadRecordingModel()
    worker = ModelWorker(inner)
    inner.enqueue("hello world, this is a reply", "second")
    results = []
    for _ in range(2):
        t = threading.Thread(target=lambda: results.append("".join(worker.stream(PROMPT, GenerationParams()))))
        t.start()
        t.join(5)
    assert results == ["hello world, this is a reply", "second"]
    assert inner.threads == {"model-worker"}


def test_closing_early_cancels_and_frees_the_worker():
    inner = MockModel(delay_s=0.01)
    worker = ModelWorker(inner)
    inner.enqueue("x" * 400, "next")
    it = worker.stream(PROMPT, GenerationParams())
    assert next(it) == "xxxx"
    it.close()  # returns only once the worker has stopped generating
    assert "".join(worker.stream(PROMPT, GenerationParams())) == "next"


def test_errors_reach_the_caller_and_the_worker_survives():
    class Broken(MockModel):
        def stream(self, prompt, params):
            raise RuntimeError("boom")
            yield ""

    worker = ModelWorker(Broken())
    try:
        list(worker.stream(PROMPT, GenerationParams()))
    except RuntimeError as exc:
        assert str(exc) == "boom"
    else:
        raise AssertionError("error not raised")
    assert worker._thread.is_alive()
