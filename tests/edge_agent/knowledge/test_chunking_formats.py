"""Chunking of loaded blocks and FAQ entries: headings become sections, Chinese punctuation splits, metadata kept."""
from __future__ import annotations

from edge_agent.knowledge.chunking import Block, DocMeta, Entry, chunk_blocks, chunk_document, chunk_entries

META = DocMeta(title="", version="v2", effective="2026-01-01", source="kb/x.html")


def test_heading_blocks_become_sections_with_metadata():
    blocks = [Block("营业时间", 1), Block("引言。"), Block("工作日", 2), Block("周一至周五。"), Block("Weekends", 3),
              Block("Saturday only.")]
    chunks = chunk_blocks("x.html", blocks, META)
    assert [(c.title, c.section, c.text) for c in chunks] == [
        ("营业时间", "", "引言。"), ("营业时间", "工作日", "周一至周五。"), ("营业时间", "Weekends", "Saturday only.")]
    assert {(c.version, c.effective, c.source) for c in chunks} == {("v2", "2026-01-01", "kb/x.html")}
    assert [c.chunk_id for c in chunks] == ["x.html#0", "x.html#1", "x.html#2"]


def test_long_chinese_section_splits_on_sentence_punctuation():
    text = "第一句很长的说明。" * 10 + "要注意吗？" * 5 + "记住；" * 5
    chunks = chunk_blocks("a.docx", [Block("说明", 2), Block(text)], META, max_chars=40)
    assert len(chunks) > 3 and all(len(c.text) <= 40 for c in chunks)
    assert all(c.text[-1] in "。？；" for c in chunks) and "".join(c.text for c in chunks) == text


def test_faq_entries_title_is_the_question_and_language_per_entry():
    chunks = chunk_entries("faq.xlsx", [Entry("怎么挂失？", "拨打95321。", "银行"),
                                        Entry("When do you open?", "At 8.", ""), Entry("empty answer", "")], META)
    assert [(c.title, c.section, c.text, c.lang) for c in chunks] == [
        ("怎么挂失？", "银行", "拨打95321。", "zh"), ("When do you open?", "", "At 8.", "en")]


def test_markdown_chunking_unchanged_for_the_sample_format():
    doc = "---\ntitle: T\nversion: 1\neffective: 2026-11-01\n---\n# T\n\n## A\nOne. Two.\n\n## B\nThree.\n"
    chunks = chunk_document("t.md", doc)
    assert [(c.section, c.text) for c in chunks] == [("A", "One. Two."), ("B", "Three.")]
    assert chunks[0].title == "T" and chunks[0].version == "1" and chunks[0].effective == "2026-11-01"
