"""FAQ entries with alternative phrasings: Markdown lists under the heading, a CSV column, repeated answers."""
from __future__ import annotations

import pytest

from edge_agent.knowledge.chunking import DocMeta, Entry, chunk_document, chunk_entries, merge_entries, split_phrasings
from edge_agent.knowledge.loaders import load_csv

MD = """# 信用卡
## 信用卡临时额度怎么调
相似问题：
- 出国前能临时提额吗
- 临额在哪申请

出国前可在App申请临时额度，最多上调50%。

## 年费
金卡年费600元。
"""


@pytest.mark.parametrize("body, phrasings, rest", [
    # the label, a list, then the body
    ("相似问题：\n- 甲\n- 乙\n\n正文", ("甲", "乙"), "\n正文"),
    # English label, numbered items
    ("Similar questions:\n1. one\n2) two\nBody", ("one", "two"), "Body"),
    # no label: the list is body text
    ("- 甲\n- 乙\n正文", (), "- 甲\n- 乙\n正文"),
    # duplicates kept once
    ("相似问法:\n- 甲\n- 甲\n正文", ("甲",), "正文"),
])
def test_split_phrasings(body, phrasings, rest):
    got, text = split_phrasings(body)
    assert got == phrasings and text == rest


def test_markdown_phrasings_go_to_the_entry_not_its_text():
    chunks = chunk_document("bank/card.zh.md", MD)
    first = next(c for c in chunks if c.section == "信用卡临时额度怎么调")
    assert first.phrasings == ("出国前能临时提额吗", "临额在哪申请")
    assert "相似问题" not in first.text and "临额在哪申请" not in first.text
    assert first.text.startswith("出国前可在App申请临时额度")
    assert next(c for c in chunks if c.section == "年费").phrasings == ()


def test_csv_column_of_alternatives():
    data = "question,answer,similar questions\n卡丢了怎么办,拨打95321挂失,卡不见了|钱包被偷了；卡被偷\n".encode()
    doc = load_csv(data, "faq.csv")
    assert doc.entries[0].phrasings == ("卡不见了", "钱包被偷了", "卡被偷")


def test_rows_with_the_same_answer_are_one_entry():
    entries = [Entry("When will my card arrive?", "[B77:card_arrival] covers it"),
               Entry("still waiting for my card", "[B77:card_arrival] covers it"),
               Entry("How do I top up?", "[B77:top_up] covers it"),
               Entry("card not here yet", "[B77:card_arrival] covers it", phrasings=("where is my card",))]
    merged = merge_entries(entries)
    assert [e.question for e in merged] == ["When will my card arrive?", "How do I top up?"]
    assert merged[0].phrasings == ("still waiting for my card", "card not here yet", "where is my card")
    chunks = chunk_entries("b77.csv", entries, DocMeta())
    assert len(chunks) == 2 and chunks[0].phrasings == merged[0].phrasings
