"""Draw the handbook's cover image (_static/atlas-cover.png) used by the EPUB.

Run with the project's venv: .venv/bin/python tools/make-cover.py
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
PLANES = ["#0066CC", "#00AA00", "#FF8800", "#CC0000"]
WIDTH, HEIGHT = 1200, 1600

image = Image.new("RGB", (WIDTH, HEIGHT), "#ffffff")
draw = ImageDraw.Draw(image)
size, gap, top = 220, 40, 360
left = (WIDTH - 2 * size - gap) // 2
for index, colour in enumerate(PLANES):
    x = left + (index % 2) * (size + gap)
    y = top + (index // 2) * (size + gap)
    draw.rounded_rectangle((x, y, x + size, y + size), radius=36, fill=colour)
title, subtitle = ImageFont.truetype(FONT, 150), ImageFont.truetype(FONT, 54)
draw.text((WIDTH / 2, 1020), "Atlas", font=title, fill="#1b1f24", anchor="mm")
draw.text((WIDTH / 2, 1160), "Distributed systems", font=subtitle, fill="#44505c", anchor="mm")
draw.text((WIDTH / 2, 1235), "in production", font=subtitle, fill="#44505c", anchor="mm")
image.save(Path(__file__).resolve().parent.parent / "_static" / "atlas-cover.png", optimize=True)
