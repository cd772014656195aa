# Decodes the 8-bit RGB(A) PNG screenshots of headless Chromium with the standard library only, for
# bench-report-smoke.sh: rows() yields each row of pixels as a list of (r, g, b) tuples, after undoing the
# PNG row filters (None, Sub, Up, Average, Paeth).
import struct
import zlib


def rows(path):
    """Returns (width, height, generator of rows of (r, g, b))."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, bpp = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), f"unexpected PNG format depth={depth} color={color}"
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp

    def generate():
        prev = bytearray(stride)
        for y in range(height):
            f = raw[y * (stride + 1)]
            line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                if f == 1:
                    line[i] = (line[i] + a) & 255
                elif f == 2:
                    line[i] = (line[i] + b) & 255
                elif f == 3:
                    line[i] = (line[i] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            yield [(line[x], line[x + 1], line[x + 2]) for x in range(0, stride, bpp)]
            prev = line

    return width, height, generate()


def near(pixel, hex_color, tolerance=12):
    """True when each channel of pixel is within tolerance of the #rrggbb color."""
    r, g, b = int(hex_color[1:3], 16), int(hex_color[3:5], 16), int(hex_color[5:7], 16)
    return abs(pixel[0] - r) < tolerance and abs(pixel[1] - g) < tolerance and abs(pixel[2] - b) < tolerance
