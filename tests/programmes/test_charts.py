"""The dashboard's charts as a reader sees them: Chinese labels whole, bars in the table's order."""

import re

from lms.programmes.charts import chart_svg

LABELS = ["急需紧缺", "一般", "不在目录内"]


def _plot_left(svg: str) -> float:
    return float(re.search(r'translate\(([\d.]+), [\d.]+\)" class="plot"', svg).group(1))


def _label_rows(svg: str) -> dict[str, float]:
    axis = re.search(r'class="axis y.*?</g></g>', svg, re.S).group(0)
    return {
        text: float(y)
        for y, text in re.findall(r'<text x="-?[\d.]+" y="([\d.]+)"[^>]*>([^<]+)<', axis)
    }


def test_chinese_labels_of_a_bar_chart_get_room_for_a_whole_em_each():
    chinese = chart_svg("hbar", "按需求目录", LABELS, [("培训", [3, 1, 1])])
    latin = chart_svg("hbar", "By list", ["Urgent", "General", "None"], [("Trained", [3, 1, 1])])

    # 5 characters of 13 px, each a whole em, right of the 16 px margin
    assert _plot_left(chinese) >= 16 + 5 * 13
    assert _plot_left(latin) < _plot_left(chinese)


def test_bars_read_top_down_in_the_tables_order():
    rows = _label_rows(chart_svg("hbar", "按需求目录", LABELS, [("培训", [3, 1, 1])]))

    assert sorted(rows, key=rows.get) == LABELS
