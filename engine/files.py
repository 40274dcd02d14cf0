"""Reading a file someone named, within bounds.

A name can point at something that is not a file of data: a link to /dev/zero
(endless bytes), a named pipe (a read that never returns), a 20 GB sparse file.
`read_regular_file` reads only regular files, and only up to a size limit, so
loading a dataset or a lesson always ends, and soon.
"""
from __future__ import annotations

import os
import stat


class FileReadError(OSError):
    """The file could not be read; the message says why in a few words
    ("is a named pipe, not a regular file", "is 20.0 GB, more than the 20 MB limit")."""


_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def read_regular_file(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the regular file at `path` (links followed), if it has at most `limit`.

    Opening does not wait (O_NONBLOCK): a named pipe with no writer is refused
    at once rather than read for ever. Raises FileReadError, or FileNotFoundError /
    PermissionError for those.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
            raise FileReadError(f"is {kind}, not a regular file")
        if info.st_size > limit:
            raise FileReadError(f"is {describe_size(info.st_size)}, more than the {describe_size(limit)} limit")
        chunks, size = [], 0
        while size <= limit:  # a file that grows while we read stops at the limit
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise FileReadError(f"is more than the {describe_size(limit)} limit")
        return b"".join(chunks)
    finally:
        os.close(fd)


def describe_size(size: int) -> str:
    """A byte count as people say it: 512 bytes, 20 MB, 1.5 GB (powers of 1000)."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"
