"""One large read-only graph and the queries the shared-state demo's workers answer.

The graph maps each node (an int) to a tuple of ``degree`` neighbour ids: millions of
Python objects (the dict, a tuple per node, an int per edge). A query sums the ids two
hops away from one node. ``STATE`` is the graph a worker answers from: the parent's own
(threads, or inherited by fork), a copy it built or unpickled, or a ``Packed`` view of
one flat array of 64-bit ids in a file in shared memory (/dev/shm), mapped by every worker.
Importable, because processes and sub-interpreters receive these functions by reference.
"""

import mmap
import os
import tempfile
from array import array

STATE = None  # the graph this interpreter answers from
_MAPPING = None  # the mmap behind a Packed STATE, closed by detach()


def neighbours(node, nodes, degree):
    """The neighbour ids of ``node``: scattered, deterministic, the same on every worker."""
    base = node * node * 31 + node * 7919
    return tuple((base + k * 104_729) % nodes for k in range(1, degree + 1))


def build(nodes, degree):
    """The graph as Python objects: {node: (neighbour, ...)}."""
    return {node: neighbours(node, nodes, degree) for node in range(nodes)}


def query_node(q, nodes):
    """The node that query number ``q`` asks about (scattered over the graph)."""
    return (q * 2_654_435_761) % nodes


def query(graph, q, nodes):
    """Query ``q``: the sum of the ids two hops from its node (``graph`` indexable by node)."""
    return sum(sum(graph[hop]) for hop in graph[query_node(q, nodes)])


class Packed:
    """The same graph as one flat array of int64 ids: node i's neighbours at [i*d, (i+1)*d)."""

    def __init__(self, flat, degree):
        self.flat, self.degree = flat, degree

    def __getitem__(self, node):
        return self.flat[node * self.degree:(node + 1) * self.degree]


def pack(graph, nodes, degree):
    """Write the graph as int64 ids into a new file in shared memory; returns its path."""
    folder = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    fd, path = tempfile.mkstemp(prefix="graph-", suffix=".bin", dir=folder)
    with os.fdopen(fd, "wb") as file:
        for start in range(0, nodes, 65_536):  # in slices: no second full copy in memory
            chunk = array("q")
            for node in range(start, min(start + 65_536, nodes)):
                chunk.extend(graph[node])
            chunk.tofile(file)
    return path


# --- What a worker runs: install its STATE once, then answer queries ---

def install(graph):
    """Use ``graph`` (received by pickle) as this worker's state."""
    global STATE
    STATE = graph


def rebuild(nodes, degree):
    """Build this worker's own copy of the graph."""
    install(build(nodes, degree))


def attach(path, degree):
    """Map the packed graph read-only: pages shared by every worker, nothing copied."""
    global _MAPPING
    with open(path, "rb") as file:
        _MAPPING = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    install(Packed(memoryview(_MAPPING).cast("q"), degree))


def detach():
    """Release a packed mapping (a sub-interpreter must, before it is closed)."""
    global _MAPPING
    if isinstance(STATE, Packed):
        STATE.flat.release()
    install(None)
    if _MAPPING is not None:
        _MAPPING.close()
        _MAPPING = None


def answer(first, count, nodes):
    """Answer queries ``first`` .. ``first + count - 1``: (their checksum, how many)."""
    graph = STATE
    return sum(query(graph, q, nodes) for q in range(first, first + count)), count
