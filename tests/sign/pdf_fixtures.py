# SPDX-License-Identifier: GPL-3.0-or-later
"""Small PDFs written byte by byte for test_sign.py: one page with a grey
square in its middle, its /MediaBox, /CropBox and /Rotate as asked (on the
page or inherited from the page tree), and its cross-references as a
classic table, a cross-reference stream (FlateDecode, PNG Up predictor, as
Word and qpdf write them) or a hybrid file (a table whose trailer names an
/XRefStm), with the catalog, page tree and page in an object stream when
asked; and the damaged ones a signer must refuse: a decompression bomb, a
cross-reference stream whose compressed bytes are damaged."""

import struct
import zlib


def _png_up(rows, width):
    out = bytearray()
    previous = bytes(width)
    for row in rows:
        out.append(2)
        out += bytes((row[i] - previous[i]) & 0xff for i in range(width))
        previous = row
    return bytes(out)


def build(page='', pages='', media=(0, 0, 595, 842), xref='table', objstm=False, bomb=0):
    """A one-page PDF. @page and @pages are more entries of the page and of
    the page tree's root; @xref is 'table', 'stream' or 'hybrid'; @bomb
    spaces follow the object stream's objects (so it inflates that much)."""
    assert xref in ('table', 'stream', 'hybrid') and (xref != 'table' or not objstm)
    dicts = {
        1: b'<< /Type /Catalog /Pages 2 0 R >>',
        2: b'<< /Type /Pages /Kids [3 0 R] /Count 1 %s >>' % pages.encode(),
        3: b'<< /Type /Page /Parent 2 0 R /MediaBox [%s] %s /Resources << >> /Contents 4 0 R >>'
           % (' '.join('%g' % v for v in media).encode(), page.encode()),
    }
    cx, cy = (media[0] + media[2]) / 2, (media[1] + media[3]) / 2
    content = b'0.5 g %g %g 40 40 re f\n' % (cx - 20, cy - 20)
    out = bytearray(b'%PDF-1.5\n%\xe2\xe3\xcf\xd3\n')
    offsets = {}

    def begin(number):
        offsets[number] = len(out)
        out.extend(b'%d 0 obj\n' % number)

    if not objstm:
        for number, text in dicts.items():
            begin(number)
            out.extend(text + b'\nendobj\n')
    begin(4)
    out.extend(b'<< /Length %d >>\nstream\n%sendstream\nendobj\n' % (len(content), content))
    if objstm:
        header, body = b'', b''
        for number, text in dicts.items():
            header += b'%d %d ' % (number, len(body))
            body += text + b'\n'
        packed = zlib.compress(header + body + b' ' * bomb, 9)
        begin(5)
        out.extend(b'<< /Type /ObjStm /N 3 /First %d /Filter /FlateDecode /Length %d >>\nstream\n'
                   % (len(header), len(packed)) + packed + b'\nendstream\nendobj\n')

    size = 7
    if xref in ('stream', 'hybrid'):
        begin(6)
        rows = [struct.pack('>BIH', 0, 0, 65535)]
        for number in range(1, size):
            if objstm and number in dicts:
                rows.append(struct.pack('>BIH', 2, 5, number - 1))
            elif number in offsets:
                rows.append(struct.pack('>BIH', 1, offsets[number], 0))
            else:
                rows.append(struct.pack('>BIH', 0, 0, 0))
        packed = zlib.compress(_png_up(rows, 7))
        out.extend(b'<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode'
                   b' /DecodeParms << /Predictor 12 /Columns 7 >> /Length %d >>\nstream\n'
                   % (size, len(packed)) + packed + b'\nendstream\nendobj\n')
    if xref == 'stream':
        start = offsets[6]
    else:
        start = len(out)
        out.extend(b'xref\n0 %d\n0000000000 65535 f\r\n' % size)
        for number in range(1, size):
            # A hybrid file's table lists its compressed objects free.
            if number in offsets:
                out.extend(b'%010d 00000 n\r\n' % offsets[number])
            else:
                out.extend(b'0000000000 00000 f\r\n')
        out.extend(b'trailer\n<< /Size %d /Root 1 0 R' % size)
        if xref == 'hybrid':
            out.extend(b' /XRefStm %d' % offsets[6])
        out.extend(b' >>\n')
    out.extend(b'startxref\n%d\n%%%%EOF\n' % start)
    return bytes(out)


def damage_xref_stream(pdf):
    """The same file, its cross-reference stream's zlib header broken."""
    at = pdf.index(b'stream\n', pdf.index(b'/Type /XRef')) + len(b'stream\n')
    return pdf[:at] + bytes([pdf[at] ^ 0x55]) + pdf[at + 1:]


def last_section_is_stream(pdf):
    """Whether the newest cross-reference section is a stream."""
    start = int(pdf[pdf.rindex(b'startxref') + len(b'startxref'):].split()[0])
    return pdf[start:start + 40].split()[2:3] == [b'obj']
