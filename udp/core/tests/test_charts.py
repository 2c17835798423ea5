"""Server-drawn SVG charts: well-formed, scalable, labelled for screen readers, figures in the reader's language."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from udp.core.charts import Series, bar_chart, line_chart, nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"


def svg_of(html: str) -> ET.Element:
    match = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert match, html
    return ET.fromstring(match.group(0))


def test_a_bar_chart_is_an_accessible_svg_that_scales_to_its_container() -> None:
    chart = bar_chart(
        "Members per CMO", labels=["KazAK", "KazPerform"], series=[Series("Members", [120, 45])]
    )

    html = render_to_string("charts/bar.html", {"chart": chart})

    svg = svg_of(html)
    assert svg.get("width") == "100%" and svg.get("viewBox") == f"0 0 320 {chart.height}"
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.text == "Members per CMO"
    assert desc is not None and desc.text == "KazAK: 120, KazPerform: 45"
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    widths = [float(r.get("width", 0)) for r in svg.iter(f"{SVG}rect")]
    assert widths[0] == 256 and round(widths[1], 1) == round(
        45 / 120 * 256, 1
    )  # to scale: the longest fills the row
    assert "<summary>" in html and '<th scope="row">KazPerform</th>' in html and ">45</td>" in html


def test_figures_read_as_the_language_writes_them_but_coordinates_never_change() -> None:
    series = [Series("Works", [1234567, Decimal("2.5")]), Series("Holders", [3, 4])]
    with translation.override("kk"):
        kazakh = render_to_string(
            "charts/bar.html", {"chart": bar_chart("Т", labels=["ә", "ғ"], series=series)}
        )
    with translation.override("en"):
        english = render_to_string(
            "charts/bar.html", {"chart": bar_chart("T", labels=["a", "b"], series=series)}
        )

    assert "1\xa0234\xa0567" in kazakh and "2,5" in kazakh
    assert "1,234,567" in english and "2.5" in english
    for html in (kazakh, english):
        svg = svg_of(html)
        for element in list(svg.iter())[1:]:  # the drawing, not the <svg> (width="100%")
            for name in ("x", "y", "width", "height", "cx", "cy"):
                value = element.get(name)
                assert value is None or re.fullmatch(r"-?\d+(\.\d+)?", value), (name, value)


def test_a_line_chart_draws_each_series_with_its_own_colour_and_dash_and_a_legend() -> None:
    weeks = [f"W{n}" for n in range(1, 13)]
    chart = line_chart(
        "Sign-ups and imports",
        labels=weeks,
        series=[Series("Sign-ups", list(range(12))), Series("Imports", [0] * 11 + [30])],
        tick_every=3,
    )

    html = render_to_string("charts/line.html", {"chart": chart})

    svg = svg_of(html)
    lines = list(svg.iter(f"{SVG}polyline"))
    assert len(lines) == 2 and lines[0].get("stroke") != lines[1].get("stroke")
    assert lines[1].get("stroke-dasharray")  # told apart without colour too
    assert len(lines[0].get("points", "").split()) == 12
    ticks = [t.text for t in svg.iter(f"{SVG}text")]
    assert ["W1", "W4", "W7", "W10"] == [t for t in ticks if t and t.startswith("W")]
    assert "Sign-ups" in ticks and "Imports" in ticks  # the legend
    assert "40" in ticks  # the axis ends on a round number above the peak (30)


def test_the_axis_may_write_short_labels_while_the_table_keeps_the_long_ones() -> None:
    chart = line_chart(
        "Weekly", labels=["14 September", "21 September"], tick_labels=["14.09", "21.09"],
        series=[Series("Sign-ups", [1, 2])],
    )  # fmt: skip

    html = render_to_string("charts/line.html", {"chart": chart})

    assert [t.text for t in svg_of(html).iter(f"{SVG}text") if t.text and "." in t.text] == ["14.09", "21.09"]
    assert '<th scope="row">14 September</th>' in html


def test_a_chart_with_nothing_to_show_says_so_instead_of_drawing() -> None:
    chart = bar_chart("Queues", labels=["Open conflicts"], series=[Series("Number", [0])])

    html = render_to_string("charts/bar.html", {"chart": chart})

    assert "<svg" not in html and "Nothing to show yet." in html


def test_axes_end_on_round_numbers() -> None:
    assert [nice_ceiling(v) for v in (0, 0.3, 1, 3, 7, 12, 26, 999)] == [1, 0.5, 1, 5, 10, 20, 50, 1000]


def test_a_long_label_is_cut_to_the_width_and_kept_whole_in_the_table_and_tooltip() -> None:
    area = "1. Управление исключительными правами на обнародованные музыкальные произведения"
    chart = bar_chart("Per area", labels=[area], series=[Series("Holders", [3])])

    html = render_to_string("charts/bar.html", {"chart": chart})

    text = next(t for t in svg_of(html).iter(f"{SVG}text") if t.find(f"{SVG}title") is not None)
    assert text.find(f"{SVG}title").text == area  # type: ignore[union-attr]
    assert "".join(text.itertext()).endswith("…") and len(chart.rows[0].short_label) == 44
    assert f'<th scope="row">{area}</th>' in html
