"""Language-model backends: llama.cpp on a GGUF file, and a MockModel whose replies tests enqueue."""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Iterator, Protocol

from edge_agent.errors import ModelError
from edge_agent.llm.manifest import ModelSpec
from edge_agent.llm.prompts import Prompt
from edge_agent.llm.vocab import scrub, special_tokens_of_vocab


@dataclass(frozen=True)
class GenerationParams:
    """Per-call generation settings."""

    max_tokens: int = 160
    temperature: float = 0.0
    deadline: float = float("inf")  # time.monotonic() value after which the token loop stops


class LanguageModel(Protocol):
    """What the chat service needs from a model. Callers serialise access with a ModelGate."""

    model_id: str
    chat_format: str

    def stream(self, prompt: Prompt, params: GenerationParams) -> Iterator[str]:
        """Yield text pieces; stop at a stop string, max_tokens or the deadline."""
        ...


class LlamaModel:
    """A GGUF model loaded with llama-cpp-python. Not safe for concurrent calls: use a ModelGate."""

    def __init__(self, spec: ModelSpec, *, n_threads: int, seed: int, n_threads_batch: int | None = None) -> None:
        if not spec.path.is_file():
            raise ModelError(f"model file not found: {spec.path} (run `edge-agent models prepare` "
                             "or copy the GGUF there)")
        from llama_cpp import Llama  # imported here: loading llama.cpp is work, not import-time

        template = spec.chat_format == "template"  # the GGUF's own Jinja chat template, never a guessed one
        from edge_agent.llm.extra_buffers import without_extra_buffers

        try:
            with without_extra_buffers():  # llama.cpp's AMX kernels crash where the CPU lists AMX but may not use it
                self._llm = Llama(model_path=str(spec.path), n_ctx=spec.n_ctx, n_threads=n_threads,
                                  n_threads_batch=n_threads_batch, seed=seed, verbose=False,
                                  chat_format="chat_template.default" if template else None)
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"could not load {spec.path.name}: {type(exc).__name__}") from None
        if template and "tokenizer.chat_template" not in self._llm.metadata:
            raise ModelError(f"{spec.path.name} has no chat template: set its chat_format (chatml, gemma, llama3)")
        # Chat messages are scrubbed of the vocabulary's special tokens; hand-written formats fence data with
        # the generic shapes (prompts._fence), so only a template model reads its vocabulary (~1 s for Gemma).
        self.special_tokens: frozenset[str] = frozenset()
        if template:
            from llama_cpp import llama_model_get_vocab

            self.special_tokens = special_tokens_of_vocab(llama_model_get_vocab(self._llm.model))
        self.spec = spec
        self.model_id = spec.name
        self.chat_format = spec.chat_format
        self._n_ctx = spec.n_ctx

    def count_tokens(self, text: str) -> int:
        """Tokens the model would see for ``text``."""
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def stream(self, prompt: Prompt, params: GenerationParams) -> Iterator[str]:
        """Generate with the deadline checked on every token."""
        budget = self._n_ctx - self.count_tokens(prompt.text) - (48 if prompt.messages else 8)  # + the template's
        max_tokens = min(params.max_tokens, budget)
        if max_tokens <= 0:
            return
        if prompt.messages:  # the model's chat template renders them; data cannot smuggle its special tokens in
            messages = [{"role": m["role"], "content": scrub(m["content"], self.special_tokens)}
                        for m in prompt.messages]
            pieces = self._llm.create_chat_completion(messages, max_tokens=max_tokens, temperature=params.temperature,
                                                      stop=list(prompt.stop), stream=True)
        else:
            pieces = self._llm.create_completion(prompt.text, max_tokens=max_tokens, temperature=params.temperature,
                                                 stop=list(prompt.stop), stream=True)
        try:
            for piece in pieces:
                choice = piece["choices"][0]
                text = choice["delta"].get("content") if "delta" in choice else choice.get("text")
                if text:
                    yield text
                if time.monotonic() >= params.deadline:
                    break
        finally:
            pieces.close()


class MockModel:
    """A model for fast tests (an instruct model by default): replies are enqueued with ``enqueue`` and streamed."""

    def __init__(self, model_id: str = "mock", chat_format: str = "chatml", delay_s: float = 0.0) -> None:
        self.model_id = model_id
        self.chat_format = chat_format
        self.delay_s = delay_s
        self.prompts: list[str] = []
        self._replies: deque[str] = deque()
        self._lock = threading.Lock()

    def enqueue(self, *replies: str) -> None:
        """Queue replies; an empty queue answers with an empty string."""
        with self._lock:
            self._replies.extend(replies)

    def stream(self, prompt: Prompt, params: GenerationParams) -> Iterator[str]:
        """Yield the next queued reply in 4-character pieces, honouring the deadline."""
        with self._lock:
            self.prompts.append(prompt.text)
            reply = self._replies.popleft() if self._replies else ""
        for i in range(0, len(reply), 4):
            if self.delay_s:
                time.sleep(self.delay_s)
            yield reply[i:i + 4]
            if time.monotonic() >= params.deadline:
                break
