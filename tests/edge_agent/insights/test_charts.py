"""The server-drawn SVG charts (insights/charts.py): numbers drawn, hidden counts never drawn as numbers."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from edge_agent.insights.charts import bars, columns

NS = {"s": "http://www.w3.org/2000/svg"}


def test_columns_draw_each_value_and_mark_hidden_ones() -> None:
    svg = columns("每日", [("11-01", 10), ("11-02", None), ("11-03", 5)], 5)
    root = ET.fromstring(svg)
    titles = [t.text for t in root.iterfind(".//s:rect/s:title", NS)]
    assert titles == ["11-01: 10", "11-02: <5", "11-03: 5"]
    heights = [float(r.get("height")) for r in root.iterfind(".//s:rect", NS)]
    assert heights[0] == 2 * heights[2]                     # bars are proportional
    assert root.get("role") == "img" and root.find("s:title", NS).text == "每日"


def test_bars_escape_labels_and_show_hidden_as_less_than_k() -> None:
    svg = bars("Topics", [("<script>alert(1)</script>", 3), ("small", None)], 5)
    assert "<script>" not in svg and "&lt;5" in svg
    ET.fromstring(svg)                                      # well-formed


def test_empty_chart_is_still_an_image() -> None:
    assert ET.fromstring(columns("x", [], 5)).get("role") == "img"
