#!/usr/bin/env python3
"""Draws the PWA icons in public/icons/ from the favicon's shapes (a camera on green).

Run once after changing the design: `python3 scripts/make-icons.py`. Standard library
only (zlib); the PNGs are committed. Shapes are in the favicon's 64-unit space.
"""
import os
import struct
import zlib

GREEN = (0x1F, 0x7A, 0x4D)
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 4  # per axis, for anti-aliased edges


def in_rrect(x, y, x0, y0, w, h, r):
    if x < x0 or y < y0 or x > x0 + w or y > y0 + h:
        return False
    cx = min(max(x, x0 + r), x0 + w - r)
    cy = min(max(y, y0 + r), y0 + h - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def in_circle(x, y, cx, cy, r):
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def colour_at(x, y, maskable):
    """Colour at (x, y) in 64-unit space, or None for transparent."""
    if maskable:
        # Full bleed; the glyph shrunk about the centre to sit inside the safe zone
        # (a circle of 40% of the size).
        bg = GREEN
        s = 0.78
        gx, gy = 32 + (x - 32) / s, 32 + (y - 32) / s
    else:
        if not in_rrect(x, y, 0, 0, 64, 64, 14):
            return None
        bg = GREEN
        gx, gy = x, y
    colour = bg
    if in_rrect(gx, gy, 12, 20, 40, 28, 6) or in_rrect(gx, gy, 24, 14, 16, 8, 3):
        colour = WHITE
    if in_circle(gx, gy, 32, 34, 9):
        colour = GREEN
    if in_circle(gx, gy, 32, 34, 5):
        colour = WHITE
    return colour


def render(size, maskable):
    rows = []
    unit = 64 / size
    for py in range(size):
        row = bytearray([0])  # filter: none
        for px in range(size):
            r = g = b = a = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (px + (sx + 0.5) / SAMPLES) * unit
                    y = (py + (sy + 0.5) / SAMPLES) * unit
                    c = colour_at(x, y, maskable)
                    if c is not None:
                        r += c[0]
                        g += c[1]
                        b += c[2]
                        a += 1
            n = SAMPLES * SAMPLES
            if a:
                row += bytes((round(r / a), round(g / a), round(b / a), round(255 * a / n)))
            else:
                row += bytes((0, 0, 0, 0))
        rows.append(bytes(row))
    return rows


def png(size, rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    idat = zlib.compress(b"".join(rows), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def main():
    out = os.path.join(os.path.dirname(__file__), "..", "public", "icons")
    os.makedirs(out, exist_ok=True)
    for name, size, maskable in [
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("maskable-512.png", 512, True),
        ("apple-touch-icon.png", 180, True),
    ]:
        data = png(size, render(size, maskable))
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
