r"""tests/checkdump.py: for hexdump.bats (check_dump).
check_dump DUMP SENT RECEIVED: every line of the hex dump DUMP is
well formed (mark, 8-hex-digit offset, 1-16 hex pairs padded to 16
columns, the printable text with "." for the rest); each direction's
offsets run on from that direction's previous lines, and its bytes
put together equal the file SENT (">") or RECEIVED ("<")."""
import re, sys
dump, sent, recv = sys.argv[1:4]
want = {">": open(sent, "rb").read(), "<": open(recv, "rb").read()}
got = {">": b"", "<": b""}
hexpat = re.compile(r"^((?:[0-9a-f]{2} ){1,16}) *$")
raw = open(dump, "rb").read().decode("latin-1")
if not raw.endswith("\n"):
    sys.exit("dump does not end with a newline")
for n, line in enumerate(raw[:-1].split("\n"), 1):
    # Fixed columns: mark, space, offset, space, 48 hex columns, space, text.
    mark, off, hexarea, text = line[0:1], line[2:10], line[11:59], line[60:]
    m = hexpat.match(hexarea)
    if (mark not in "<>" or not mark or line[1:2] != " " or line[10:11] != " "
            or not re.fullmatch(r"[0-9a-f]{8}", off) or len(hexarea) != 48
            or not m or line[59:60] != " "):
        sys.exit("line %d malformed: %r" % (n, line))
    data = bytes.fromhex(m.group(1))
    if int(off, 16) != len(got[mark]):
        sys.exit("line %d: offset %s, expected %08x" % (n, off, len(got[mark])))
    shown = "".join(chr(b) if 0x20 <= b < 0x7f else "." for b in data)
    if text != shown:
        sys.exit("line %d: text %r, expected %r" % (n, text, shown))
    got[mark] += data
for mark in "><":
    if got[mark] != want[mark]:
        sys.exit("%s bytes differ: %r vs %r" % (mark, got[mark][:64], want[mark][:64]))
