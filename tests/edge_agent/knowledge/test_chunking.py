from edge_agent.knowledge.chunking import chunk_document, detect_lang, split_sentences

DOC = """---
title: 信用卡临时额度
version: 2026-11
effective: 2026-11-01
---
# 信用卡临时额度

## 怎么申请
通过手机银行申请。也可以拨打热线。

## 有效期
临时额度有效期30天。
"""


def test_sections_become_chunks_with_metadata():
    chunks = chunk_document("bank/limit.zh.md", DOC)
    assert [c.section for c in chunks] == ["怎么申请", "有效期"]
    assert chunks[0].title == "信用卡临时额度" and chunks[0].version == "2026-11"
    assert chunks[0].effective == "2026-11-01" and chunks[0].lang == "zh"
    assert chunks[1].chunk_id == "bank/limit.zh.md#1"


def test_long_sections_split_on_chinese_punctuation():
    text = "这是第一句。" * 50
    pieces = split_sentences(text, 60)
    assert all(len(p) <= 60 for p in pieces) and all(p.endswith("。") for p in pieces)
    assert "".join(pieces) == text


def test_plain_text_without_headings():
    chunks = chunk_document("notes.txt", "Branch hours are 9 to 5.\n\nClosed on Sundays.")
    assert len(chunks) == 1 and chunks[0].title == "notes" and chunks[0].lang == "en"


def test_detect_lang():
    assert detect_lang("信用卡 limit") == "zh" and detect_lang("credit limit") == "en"
