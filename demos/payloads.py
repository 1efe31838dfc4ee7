"""What transfer.py sends to a worker, and what the worker does with it.

Importable, because worker processes and sub-interpreters receive these functions by
reference (module and name) and import them. The worker reads every item it receives (a
checksum), so that a strategy cannot look fast by never touching the data.
"""

import sys
import zlib
from multiprocessing import shared_memory


def make_bytes(size):
    """``size`` bytes of a repeating pattern: a buffer such as a file, an image, a frame."""
    return (bytes(range(256)) * (size // 256 + 1))[:size]


def make_numbers(size):
    """As many ints as ``size`` bytes hold at 8 bytes each: Python objects, not a buffer."""
    return list(range(size // 8))


def checksum(data):
    """CRC-32 of a buffer, or the sum of a list of numbers: proof that every item was read."""
    return zlib.crc32(data) if isinstance(data, (bytes, memoryview)) else sum(data)


def echo(data):
    """The worker's job: read the data, then hand it back, which is the return trip."""
    return checksum(data), data


def checksum_shared_memory(name, size):
    """Attach to a shared memory segment by name and read it in place (zero copies)."""
    if sys.version_info >= (3, 13):
        # track=False: the creator owns the segment. Without it (3.12) an attaching process
        # registers it with a resource tracker, which may warn of a "leak" or unlink it.
        segment = shared_memory.SharedMemory(name=name, track=False)
    else:
        segment = shared_memory.SharedMemory(name=name)
    try:
        with segment.buf[:size] as view:
            return zlib.crc32(view)
    finally:
        segment.close()
