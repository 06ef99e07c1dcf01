#!/usr/bin/env python3
"""fdfill.py FREE CMD...: take every descriptor below 1024 (select()'s
FD_SETSIZE) but the FREE highest, leave them open across exec, and run
CMD: its sockets get numbers from 1024-FREE up."""
import os
import sys

TOP = 1024
free = int(sys.argv[1])
fds = []
while True:
    fd = os.open("/dev/null", os.O_RDONLY)
    if fd >= TOP:
        os.close(fd)
        break
    fds.append(fd)
keep = len(fds) - free
for fd in fds[keep:]:
    os.close(fd)
for fd in fds[:keep]:
    os.set_inheritable(fd, True)
os.execvp(sys.argv[2], sys.argv[2:])
