"""The colours masklab's views share: the HTML views (:mod:`masklab.display`, the explorers) and the
matplotlib drawings (:mod:`masklab.plot`), so a padding cell looks the same in both.

Real timesteps light blue, padding grey (and hatched by each view), a kept mask cell dark blue, a
masked one pale grey. Text on data cells is a fixed dark ink; text on the page follows JupyterLab's
theme through its CSS variables, with JupyterLab Light's values as fallbacks.
"""

REAL = "#cfe3f7"
PAD = "#d9d9d9"
KEEP = "#2b7bba"
SKIP = "#f2f2f2"
INK = "#1a1a1a"  # text on data cells: 13.4:1 on REAL, 10.6:1 on the darker hatch stripe
TEXT = "var(--jp-ui-font-color1, rgba(0, 0, 0, 0.87))"  # text on the page, in the theme's colour
GAP = "var(--jp-layout-color0, #fff)"  # lines between cells: the page's own background
WARN = "var(--jp-warn-color1, #f57c00)"  # a bar beside what needs attention (never behind text)
TINT = "rgba(245, 124, 0, 0.16)"  # a light orange wash: theme text keeps its contrast on it
