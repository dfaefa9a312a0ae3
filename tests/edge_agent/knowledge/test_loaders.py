"""Each format's loader on small Chinese and English files generated at test time."""
from __future__ import annotations

from pathlib import Path

import pytest

from edge_agent.knowledge.chunking import Block, Entry
from edge_agent.knowledge.loaders import LOADERS, UnsupportedFormat, loader_for
from tests.edge_agent.knowledge.builders import pdf_bytes, write_docx, write_xlsx


def load(path: Path):
    return LOADERS[path.suffix](path.read_bytes(), str(path))


def test_registry_covers_every_promised_format():
    assert {".md", ".txt", ".html", ".pdf", ".docx", ".csv", ".xlsx"} <= set(LOADERS)
    with pytest.raises(UnsupportedFormat, match="notes.rtf"):
        loader_for("notes.rtf", ".rtf")


def test_markdown_front_matter_and_headings(tmp_path: Path):
    path = tmp_path / "limit.zh.md"
    path.write_text("---\ntitle: 临时额度\nversion: 2026-11\neffective: 2026-11-01\n---\n# 临时额度\n\n"
                    "## 怎么申请\n通过手机银行申请。\n", encoding="utf-8")
    doc = load(path)
    assert doc.meta.title == "临时额度" and doc.meta.version == "2026-11" and doc.meta.effective == "2026-11-01"
    assert Block("怎么申请", 2) in doc.blocks


def test_text_file_in_gb18030_is_decoded(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_bytes("营业时间：周一至周五。".encode("gb18030"))
    assert load(path).blocks == (Block("营业时间：周一至周五。"),)


def test_html_headings_title_meta_and_no_scripts(tmp_path: Path):
    path = tmp_path / "hours.html"
    path.write_text(
        '<!doctype html><html lang="zh-CN"><head><title>营业时间</title>'
        '<meta name="version" content="v7"><meta name="effective" content="2026-02-01T00:00:00">'
        '<script>var secret = "do not index";</script><style>p{}</style></head><body>'
        '<nav>首页 | 关于</nav><h1>营业时间</h1><h2>工作日</h2><p>周一至周五&nbsp;9:00–17:00。</p>'
        '<h2>Weekends</h2><p>Saturday 9:00 to 12:00.<br>Closed on Sunday.</p>'
        '<table><tr><td>节假日</td><td>休息</td></tr></table></body></html>', encoding="utf-8")
    doc = load(path)
    assert doc.meta.title == "营业时间" and doc.meta.version == "v7" and doc.meta.effective == "2026-02-01"
    assert doc.meta.lang == "zh"
    levels = [(b.level, b.text) for b in doc.blocks if b.level]
    assert levels == [(1, "营业时间"), (2, "工作日"), (2, "Weekends")]
    text = " ".join(b.text for b in doc.blocks)
    assert "do not index" not in text and "首页" not in text and "p{}" not in text
    assert "周一至周五\xa09:00–17:00。" in text and "节假日" in text


def test_pdf_pages_chinese_and_english(tmp_path: Path):
    path = tmp_path / "guide.pdf"
    path.write_bytes(pdf_bytes([["The branch opens at 9:00.", "It closes at 17:00."],
                                ["信用卡临时额度可以通过手机银行", "申请。有效期30天。"]],
                               title="Guide 指南", mod_date="D:20260115093000+08'00'"))
    doc = load(path)
    assert doc.meta.title == "Guide 指南" and doc.meta.effective == "2026-01-15"
    assert [b.text for b in doc.blocks if b.level] == ["p. 1", "p. 2"]
    body = [b.text for b in doc.blocks if not b.level]
    assert "The branch opens at 9:00." in body[0]
    assert body[1] == "信用卡临时额度可以通过手机银行申请。有效期30天。"  # wrapped CJK line joined without a space


def test_docx_heading_styles_tables_and_properties(tmp_path: Path):
    path = write_docx(tmp_path / "open.docx", [("title", "开户指南"), ("h2", "需要带什么"), ("p", "请带身份证。"),
                                               ("h2", "Fees"), ("p", "No fee for a debit card.")],
                      title="Account opening", version="v3", table=[["项目", "费用"], ["开户", "免费"]])
    doc = load(path)
    assert doc.meta.title == "Account opening" and doc.meta.version == "v3" and doc.meta.effective == "2026-03-01"
    assert [(b.level, b.text) for b in doc.blocks if b.level] == [(1, "开户指南"), (2, "需要带什么"), (2, "Fees")]
    assert Block("开户 | 免费") in doc.blocks


@pytest.mark.parametrize("header", [("question", "answer"), ("Question", "Answer"), ("Q", "A"),
                                    ("问题", "答案"), ("问题：", "回答"), ("ＱＵＥＳＴＩＯＮ", "Answers")])
def test_csv_header_names_in_chinese_and_english(tmp_path: Path, header):
    path = tmp_path / "faq.csv"
    path.write_text(f"{header[0]},{header[1]}\n怎么挂失？,拨打热线95321。\n"
                    "How do I report a lost card?,Call 95321.\n,\n", encoding="utf-8")
    assert load(path).entries == (Entry("怎么挂失？", "拨打热线95321。"),
                                  Entry("How do I report a lost card?", "Call 95321."))


def test_csv_gbk_semicolons_and_category_column(tmp_path: Path):
    path = tmp_path / "faq.csv"
    path.write_bytes("分类;问题;答案\n挂失;卡丢了怎么办？;立即冻结。\n".encode("gbk"))
    assert load(path).entries == (Entry("卡丢了怎么办？", "立即冻结。", "挂失"),)


def test_xlsx_every_sheet_with_a_header(tmp_path: Path):
    path = write_xlsx(tmp_path / "faq.xlsx", {
        "银行": [["问题", "答案"], ["怎么挂失？", "拨打95321。"], [None, None]],
        "Clinic": [["Question", "Answer"], ["When do you open?", "8:00 to 17:00."]],
        "Notes": [["whatever"], ["ignored"]]}, title="常见问题")
    doc = load(path)
    assert doc.meta.title == "常见问题" and doc.meta.effective
    assert doc.entries == (Entry("怎么挂失？", "拨打95321。", "银行"),
                           Entry("When do you open?", "8:00 to 17:00.", "Clinic"))
