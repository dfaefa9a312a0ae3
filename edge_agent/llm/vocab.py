"""A model's special tokens (``<eos>``, ``<|im_start|>``, ``[INST]``…) and scrubbing them out of untrusted text.

llama.cpp parses special-token text inside a prompt as the control token itself, so a customer message or
a knowledge passage holding ``<|im_end|><|im_start|>system`` would open a turn of its own. Every control and
user-defined token of the model's vocabulary that looks like a tag (``<…>`` or ``[…]``) is removed from
data before the chat template renders it; a generic pattern covers models whose vocabulary is not at hand.
"""
from __future__ import annotations

import re
from pathlib import Path

TAG = re.compile(r"<[^<>\s]{1,80}>|\[[^\[\]\s]{1,80}\]")
# Shapes of special tokens across model families, for when the vocabulary is not known: <|im_start|>,
# <｜begin▁of▁sentence｜>, lower-case tags (<eos>, <bos>, <start_of_image>, </s>), [INST]. Upper-case tags
# stay: they are our own placeholders (<CREDIT_CARD_1>).
GENERIC = re.compile(r"<\|[^<>|]{1,40}\|>|<｜[^<>｜]{1,40}｜>|</?[a-z][a-z0-9_.:-]{0,40}>|\[/?INST\]")


def special_tokens_of_vocab(vocab: object) -> frozenset[str]:
    """Tag-shaped control and user-defined tokens of a loaded llama.cpp vocabulary."""
    import llama_cpp

    mask = llama_cpp.LLAMA_TOKEN_ATTR_CONTROL | llama_cpp.LLAMA_TOKEN_ATTR_USER_DEFINED
    found = set()
    for token in range(llama_cpp.llama_vocab_n_tokens(vocab)):
        if llama_cpp.llama_vocab_get_attr(vocab, token) & mask:
            text = (llama_cpp.llama_vocab_get_text(vocab, token) or b"").decode("utf-8", "replace")
            if TAG.fullmatch(text):
                found.add(text)
    return frozenset(found)


def special_tokens_of_file(path: Path) -> frozenset[str]:
    """The special tokens of a GGUF file, reading its vocabulary only (no weights)."""
    import llama_cpp

    llama_cpp.llama_backend_init()
    params = llama_cpp.llama_model_default_params()
    params.vocab_only = True
    model = llama_cpp.llama_model_load_from_file(str(path).encode(), params)
    if not model:
        return frozenset()
    try:
        return special_tokens_of_vocab(llama_cpp.llama_model_get_vocab(model))
    finally:
        llama_cpp.llama_model_free(model)


def scrub(text: str, specials: frozenset[str] = frozenset()) -> str:
    """``text`` with every special-token string (the vocabulary's, and the generic shapes) replaced by a space."""
    while True:
        cleaned = GENERIC.sub(" ", TAG.sub(lambda m: " " if m.group(0) in specials else m.group(0), text))
        if cleaned == text:  # removing one can join the halves of another (<eo<eos>s>): repeat until stable
            return cleaned
        text = cleaned
