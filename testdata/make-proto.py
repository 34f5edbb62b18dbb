#!/usr/bin/env python3
"""pprof profile.proto fixtures, written with the protobuf wire format by
hand (github.com/google/pprof, proto/profile.proto):

 proto/jepprof-*.pb.gz  shaped like the output of the Rust crate
     jemalloc_pprof (pprof_util's to_pprof_proto), which cannot be built
     here: made from the jemalloc profiles je-unsampled-run{1,2}.N.heap,
     one sample type inuse_space/bytes, period_type space/bytes, the
     executable mappings of the maps section with the build-ids of their
     files, and locations that are bare addresses (return address - 1, as
     the crate writes them), no functions;
 proto/minimal.pb(.gz)  one sample at one address, the smallest profile;
 proto/bad/*.pb          malformed profiles, one fault each.

usage: testdata/make-proto.py   (from anywhere; writes into testdata/proto/)
"""
import gzip
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def varint(n):
    out = bytearray()
    n &= (1 << 64) - 1  # negative int64s are ten bytes, two's complement
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number, payload):
    """A field: an int as a varint, bytes length-delimited."""
    if isinstance(payload, int):
        return varint(number << 3) + varint(payload)
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def packed(number, values):
    return field(number, b"".join(varint(v) for v in values))


class Strings:
    """A string table: index 0 is ""."""

    def __init__(self):
        self.table, self.ids = [b""], {b"": 0}

    def __call__(self, text):
        text = text.encode() if isinstance(text, str) else text
        if text not in self.ids:
            self.ids[text] = len(self.table)
            self.table.append(text)
        return self.ids[text]

    def encode(self):
        return b"".join(field(6, s) for s in self.table)


def build_id(path):
    """The GNU build-id of the ELF file at PATH as hex, or None."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return None
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", data,
                                                                 phoff + i * phentsize)
        if p_type != 4:  # PT_NOTE
            continue
        at, end = p_offset, p_offset + p_filesz
        while at + 12 <= end:
            namesz, descsz, kind = struct.unpack_from("<III", data, at)
            name_at = at + 12
            desc_at = name_at + (namesz + 3) // 4 * 4
            if kind == 3 and data[name_at:name_at + namesz] == b"GNU\0":
                return data[desc_at:desc_at + descsz].hex()
            at = desc_at + (descsz + 3) // 4 * 4
    return None


def read_jemalloc(path):
    """[(bytes, [return addresses, leaf first])], [(start, limit, offset,
    path)] of the executable mappings, from a heap_v2 profile."""
    samples, mappings, stack = [], [], None
    maps = False
    for line in open(path):
        if line.startswith("MAPPED_LIBRARIES:"):
            maps = True
        elif maps:
            m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+) ([0-9a-f]+) \S+ \S+\s+(\S.*)$", line)
            if m and "x" in m.group(3):
                mappings.append((int(m.group(1), 16), int(m.group(2), 16),
                                 int(m.group(4), 16), m.group(5)))
        elif line.startswith("@"):
            stack = [int(a, 16) for a in line.split()[1:]]
        elif line.lstrip().startswith("t*:") and stack is not None:
            inuse_bytes = int(line.split()[2])
            samples.append((inuse_bytes, stack))
            stack = None
    return samples, mappings


def jemalloc_pprof(heap):
    """HEAP (a jemalloc_pprof-shaped Profile message) from a heap_v2 file."""
    samples, mappings = read_jemalloc(heap)
    s = Strings()
    out = field(1, field(1, s("inuse_space")) + field(2, s("bytes")))
    locations, body = {}, b""
    location_messages = b""
    for inuse_bytes, stack in samples:
        ids = []
        for address in stack:
            address -= 1  # the crate's "return address - 1"
            if address not in locations:
                locations[address] = len(locations) + 1
                mapping = next((i + 1 for i, m in enumerate(mappings)
                                if m[0] <= address < m[1]), 0)
                location_messages += field(4, field(1, locations[address]) +
                                           field(2, mapping) + field(3, address))
            ids.append(locations[address])
        body += field(2, packed(1, ids) + packed(2, [inuse_bytes]))
    mapping_messages = b""
    for i, (start, limit, offset, path) in enumerate(mappings):
        bid = build_id(path)
        mapping_messages += field(3, field(1, i + 1) + field(2, start) + field(3, limit) +
                                  field(4, offset) + field(5, s(path)) +
                                  field(6, s(bid) if bid else 0))
    out += body + mapping_messages + location_messages
    period = field(11, field(1, s("space")) + field(2, s("bytes"))) + field(12, 1)
    return out + s.encode() + period


def write(path, data):
    with open(os.path.join(HERE, path), "wb") as f:
        f.write(data)


# The smallest profile: one sample of 10 space/bytes at one address in a
# mapping without a file, fields in the order Go's encoder writes them
# (`go tool pprof -raw` reads it); plain and gzip'ed.
strings = [b"", b"space", b"bytes"]
minimal = field(1, field(1, 1) + field(2, 2))                    # sample_type space/bytes
minimal += field(2, field(1, varint(1)) + field(2, varint(10)))  # sample: location 1, 10
minimal += field(3, field(1, 1) + field(2, 0x400000) + field(3, 0x401000))  # mapping
minimal += field(4, field(1, 1) + field(2, 1) + field(3, 0x400123))        # location
minimal += b"".join(field(6, s) for s in strings)                # string_table
minimal += field(11, field(1, 1) + field(2, 2))                  # period_type
minimal += field(12, 1)                                          # period
write("proto/minimal.pb", minimal)
write("proto/minimal.pb.gz", gzip.compress(minimal, mtime=0))

for run, n in (("run1", 2), ("run1", 4), ("run2", 4)):
    message = jemalloc_pprof(os.path.join(HERE, "profiles/je-unsampled-%s.%d.heap" % (run, n)))
    write("proto/jepprof-%s.%d.pb.gz" % (run, n), gzip.compress(message, mtime=0))


# ---- bad profiles ----

def profile(sample_types=((1, 2),), samples=(), mappings=(), locations=(), functions=(),
            strings=(b"", b"inuse_space", b"bytes", b"main", b"/bin/app")):
    """A Profile message of the given parts (each a message's bytes)."""
    out = b"".join(field(1, field(1, t) + field(2, u)) for t, u in sample_types)
    out += b"".join(field(2, x) for x in samples)
    out += b"".join(field(3, x) for x in mappings)
    out += b"".join(field(4, x) for x in locations)
    out += b"".join(field(5, x) for x in functions)
    return out + b"".join(field(6, x) for x in strings)


def sample(location_ids, values):
    return packed(1, location_ids) + packed(2, values)


MAPPING = field(1, 1) + field(2, 0x400000) + field(3, 0x500000) + field(5, 4)
LOCATION = field(1, 1) + field(2, 1) + field(3, 0x401000)
FUNCTION = field(1, 1) + field(2, 3) + field(4, 4)
NAMED = field(1, 2) + field(2, 1) + field(3, 0x401100) + field(4, field(1, 1) + field(2, 7))
GOOD = dict(samples=[sample([2, 1], [100])], mappings=[MAPPING], locations=[LOCATION, NAMED],
            functions=[FUNCTION])


def variant(**changes):
    parts = dict(GOOD)
    parts.update(changes)
    return profile(**parts)


bad = {
    "truncated": profile(**GOOD)[:-9],
    "location-id-out-of-range": variant(samples=[sample([2, 9], [100])]),
    "mapping-id-out-of-range": variant(locations=[field(1, 1) + field(2, 7), NAMED]),
    "function-id-out-of-range": variant(
        locations=[LOCATION, field(1, 2) + field(4, field(1, 5) + field(2, 7))]),
    "string-index-out-of-range": variant(functions=[field(1, 1) + field(2, 99)]),
    "duplicate-location-id": variant(locations=[LOCATION, LOCATION]),
    "zero-location-id": variant(locations=[field(2, 1), NAMED]),
    "negative-value": variant(samples=[sample([2, 1], [-100])]),
    "value-count": variant(samples=[sample([2, 1], [100, 5])]),
    "cpu-profile": profile(sample_types=[(1, 2), (3, 4)],
                           strings=[b"", b"samples", b"count", b"cpu", b"nanoseconds"]),
    # a varint of eleven bytes where a sample's value is due
    "varint-bomb": profile(sample_types=[(1, 2)]) + field(2, b"\x10" + b"\xff" * 10 + b"\x01"),
    # a length that runs past the end of the message
    "length-past-end": profile(**GOOD) + b"\x12\xff\xff\xff\xff\x0f",
}
for name, message in bad.items():
    write("proto/bad/%s.pb" % name, message)
# 64 MiB of string table from 64 KiB of gzip data: a decompression bomb
# for --max-input-size
write("proto/bad/gzip-bomb.pb.gz",
      gzip.compress(profile(**GOOD) + field(6, bytes(64 << 20)), mtime=0))
