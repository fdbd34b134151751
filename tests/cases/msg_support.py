"""A small Outlook MSG file, written here because no library on the lock writes one and
no sample ships with the shared data or the installed packages.

An MSG file is an OLE compound file (MS-CFB, version 3: 512-byte sectors, streams under
4,096 bytes in the mini stream) holding the message's properties as MS-OXMSG lays them
out: ``__properties_version1.0`` with the fixed-size values and the sizes of the others,
one ``__substg1.0_<id><type>`` stream per string or binary value, and one
``__attach_version1.0_#<n>`` storage per attachment. Only what a reader needs for the
headers, the body and attachments is written.
"""

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
PT_LONG, PT_UNICODE, PT_BINARY = 0x0003, 0x001F, 0x0102


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list["_Entry"] = field(default_factory=list)
    start: int = END
    size: int = 0


def _stream(name: str, data: bytes) -> _Entry:
    return _Entry(name, 2, data)


def _properties(header: bytes, fixed: dict[int, int], variable: dict[int, bytes]) -> _Entry:
    """The property stream: fixed values inline, others as their size (read from their
    own substg stream)."""
    body = bytearray(header)
    for tag, value in sorted(fixed.items()):
        body += struct.pack("<IIQ", tag, 6, value)
    for tag, data in sorted(variable.items()):
        size = len(data) + (2 if tag & 0xFFFF == PT_UNICODE else 0)
        body += struct.pack("<IIII", tag, 6, size, 0)
    return _stream("__properties_version1.0", bytes(body))


def _values(variable: dict[int, bytes]) -> list[_Entry]:
    return [_stream(f"__substg1.0_{tag:08X}", data) for tag, data in variable.items()]


def _text(value: str) -> bytes:
    return value.encode("utf-16-le")


def _layout(root: _Entry) -> bytes:
    entries: list[_Entry] = []

    def walk(entry: _Entry) -> None:
        entries.append(entry)
        for child in entry.children:
            walk(child)

    walk(root)
    sectors: list[bytes] = []
    fat: list[int] = []

    def allocate(data: bytes) -> int:
        count = max(1, -(-len(data) // SECTOR))
        first = len(sectors)
        for i in range(count):
            sectors.append(data[i * SECTOR : (i + 1) * SECTOR].ljust(SECTOR, b"\0"))
            fat.append(first + i + 1 if i < count - 1 else END)
        return first

    mini = bytearray()
    minifat: list[int] = []
    for entry in entries:
        if entry.kind != 2:
            continue
        entry.size = len(entry.data)
        if entry.size >= CUTOFF:
            entry.start = allocate(entry.data)
        elif entry.size:
            count = -(-entry.size // MINI)
            entry.start = len(minifat)
            for i in range(count):
                minifat.append(entry.start + i + 1 if i < count - 1 else END)
            mini += entry.data.ljust(count * MINI, b"\0")
    root.start = allocate(bytes(mini)) if mini else END
    root.size = len(mini)
    minifat_start = allocate(b"".join(struct.pack("<I", v) for v in minifat)) if minifat else END
    minifat_sectors = -(-len(minifat) * 4 // SECTOR) if minifat else 0
    directory = bytearray()
    index = {id(entry): number for number, entry in enumerate(entries)}
    for entry in entries:
        name = _text(entry.name) + b"\0\0"
        # The children as a chain of right siblings: a valid (if unbalanced) tree.
        ordered = sorted(entry.children, key=lambda e: (len(e.name), e.name.upper()))
        child = index[id(ordered[0])] if ordered else NOSTREAM
        directory += name.ljust(64, b"\0") + struct.pack("<HBB", len(name), entry.kind, 1)
        right = NOSTREAM
        for parent in entries:
            siblings = sorted(parent.children, key=lambda e: (len(e.name), e.name.upper()))
            if entry in siblings and siblings.index(entry) + 1 < len(siblings):
                right = index[id(siblings[siblings.index(entry) + 1])]
        directory += struct.pack("<III", NOSTREAM, right, child) + b"\0" * 36
        directory += struct.pack("<IQ", entry.start if entry.kind != 1 else 0, entry.size)
    directory_start = allocate(bytes(directory.ljust(-(-len(directory) // SECTOR) * SECTOR, b"\0")))
    fat_count = 1
    while (len(sectors) + fat_count) > fat_count * (SECTOR // 4):
        fat_count += 1
    fat_start = len(sectors)
    fat += [FATSECT] * fat_count
    fat += [FREE] * (fat_count * (SECTOR // 4) - len(fat))
    raw_fat = b"".join(struct.pack("<I", v) for v in fat)
    for i in range(fat_count):
        sectors.append(raw_fat[i * SECTOR : (i + 1) * SECTOR])
    difat = [fat_start + i for i in range(fat_count)] + [FREE] * (109 - fat_count)
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIII", 0, fat_count, directory_start, 0, CUTOFF)
        + struct.pack("<IIII", minifat_start, minifat_sectors, END, 0)
        + b"".join(struct.pack("<I", v) for v in difat)
    )
    assert len(header) == SECTOR, len(header)
    return header + b"".join(sectors)


def msg_bytes(
    *,
    subject: str,
    sender: str,
    to: str,
    body: str,
    attachments: list[tuple[str, bytes]] | None = None,
) -> bytes:
    """An Outlook message (IPM.Note) with its headers, plain body and attachments."""
    attachments = attachments or []
    variable = {
        0x001A0000 | PT_UNICODE: _text("IPM.Note"),
        0x00370000 | PT_UNICODE: _text(subject),
        0x0C1A0000 | PT_UNICODE: _text(sender),
        0x0E040000 | PT_UNICODE: _text(to),
        0x10000000 | PT_UNICODE: _text(body),
    }
    header = struct.pack("<8sIIII8s", b"", 0, len(attachments), 0, len(attachments), b"")
    root = _Entry("Root Entry", 5)
    root.children = [_properties(header, {}, variable), *_values(variable)]
    root.children.append(
        _Entry(
            "__nameid_version1.0",
            1,
            children=[
                _stream("__substg1.0_00020102", b""),
                _stream("__substg1.0_00030102", b""),
                _stream("__substg1.0_00040102", b""),
            ],
        )
    )
    for number, (name, data) in enumerate(attachments):
        values = {
            0x37010000 | PT_BINARY: data,
            0x37070000 | PT_UNICODE: _text(name),
            0x37040000 | PT_UNICODE: _text(name[:12]),
        }
        storage = _Entry(f"__attach_version1.0_#{number:08X}", 1)
        storage.children = [
            _properties(b"\0" * 8, {0x37050000 | PT_LONG: 1}, values),
            *_values(values),
        ]
        root.children.append(storage)
    return _layout(root)
