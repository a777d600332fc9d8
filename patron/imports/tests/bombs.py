"""Hostile XLSX files, made in a moment: ZIP archives written by hand around deflate streams.

A part given as ``Repeated(head, chunk, count, tail)`` is ``head + chunk * count + tail``,
compressed once: each copy of the chunk is compressed after a full flush, which resets
deflate's state, so every copy compresses to the same bytes and is written ``count`` times.
1 GiB of one letter is so packed into about 1 MB in well under a second (its CRC takes most).
``declared`` makes an archive say a part unpacks to another size than it does.
"""

import struct
import zlib
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class Repeated:
    head: bytes
    chunk: bytes
    count: int
    tail: bytes


def deflated(content):
    """(compressed bytes, CRC-32, size) of a part's content (bytes or Repeated)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    if isinstance(content, bytes):
        return compressor.compress(content) + compressor.flush(), zlib.crc32(content), len(content)
    head = compressor.compress(content.head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(content.chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(content.tail) + compressor.flush()
    crc = zlib.crc32(content.head)
    for _ in range(content.count):
        crc = zlib.crc32(content.chunk, crc)
    crc = zlib.crc32(content.tail, crc)
    size = len(content.head) + len(content.chunk) * content.count + len(content.tail)
    return head + block * content.count + tail, crc, size


def write_zip(path, parts, declared=None):
    """Write ``parts`` ({name: bytes or Repeated}) as a ZIP archive, deflated (sizes under 4 GiB)."""
    declared = declared or {}
    central, offset = [], 0
    with open(path, "wb") as out:
        for name, content in parts.items():
            data, crc, size = deflated(content)
            size = declared.get(name, size)
            encoded = name.encode()
            fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded + data)
            central.append(
                struct.pack("<IH", 0x02014B50, 20)
                + struct.pack("<HHHHHIIIHHHHHII", *fields, 0, 0, 0, 0, offset)
                + encoded
            )
            offset += 30 + len(encoded) + len(data)
        directory = b"".join(central)
        out.write(directory)
        out.write(
            struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory), offset, 0)
        )
    return path


def sheet_xml(rows):
    """A worksheet of ``rows`` (lists of shared-string indexes, int, or inline text, str)."""
    cells = []
    for number, row in enumerate(rows, start=1):
        cells.append(f'<row r="{number}">')
        for column, value in enumerate(row):
            ref = f"{get_column_letter(column + 1)}{number}"
            if isinstance(value, int):
                cells.append(f'<c r="{ref}" t="s"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        cells.append("</row>")
    return f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(cells)}</sheetData></worksheet>'.encode()


def shared_strings_xml(strings):
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    return f'<sst xmlns="{MAIN}">{items}</sst>'.encode()


def write_xlsx(path, *, sheet, shared_strings=None, declared=None, extra=None):
    """A minimal workbook of one sheet; ``sheet`` and ``shared_strings`` are the parts' content."""
    strings_type = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            f"{strings_type if shared_strings is not None else ''}</Types>"
        ).encode(),
        "_rels/.rels": (
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="Customers" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    parts.update(extra or {})
    return write_zip(path, parts, declared)


def shared_string_bomb(path, gib=1):
    """About 1 MB per GiB: a sheet whose header names one shared string of ``gib`` GiB of "a"."""
    strings = Repeated(f'<sst xmlns="{MAIN}"><si><t>'.encode(), b"a" * 2**20, 1024 * gib, b"</t></si></sst>")
    return write_xlsx(path, sheet=sheet_xml([[0]]), shared_strings=strings)
