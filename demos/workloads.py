"""The CPU-bound workloads every strategy runs. Importable, because sub-interpreters and
processes receive functions by reference (pickle) and must be able to import them."""


def count_primes(limit):
    """Numeric work: count primes below ``limit`` by trial division (pure arithmetic loops)."""
    count = 0
    for n in range(2, limit):
        d = 2
        while d * d <= n:
            if n % d == 0:
                break
            d += 1
        else:
            count += 1
    return count


def word_stats(size):
    """Object-heavy work: build strings, split them and tally words in dicts, as apps do."""
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    counts = {}
    for i in range(size):
        line = " ".join(words[(i * k) % len(words)] + str(k % 5) for k in range(1, 9))
        for word in line.split():
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts.items())[:3], sum(counts.values())


# --- Smaller workloads for the single-thread overhead demo, and trivial tasks ---

def fib(n):
    """Function calls: the naive recursive Fibonacci (call overhead and small ints)."""
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def json_roundtrip(size):
    """Serialization: dump ``size`` small records to JSON text and parse them back."""
    # Imported here, not at the top: every worker imports this module, and the startup
    # and memory demos should not charge each one for json it never uses.
    import json

    records = [{"id": i, "name": f"user{i}", "tags": ["a", "b", str(i % 7)], "score": i / 4}
               for i in range(size)]
    text = json.dumps(records)
    return len(text), sum(record["id"] for record in json.loads(text))


def sort_records(size):
    """Sorting: order ``size`` scrambled (key, name) tuples, comparing tuples and strings."""
    items = [((i * 7919) % 10007, f"name{i % 1000}") for i in range(size)]
    items.sort()
    return items[0], items[-1], len(items)


def noop():
    """Nothing at all: what a worker costs beyond the work itself (start-up, round trip)."""
    return None


def idle(seconds):
    """An idle worker: started, this module imported, and asleep for ``seconds``."""
    import time  # (here for the same reason as json above)

    time.sleep(seconds)
    return seconds


def spin(n):
    """A task of fixed size for the throughput demo: ``n`` rounds of integer arithmetic."""
    total = 0
    for i in range(n):
        total = (total + i * i) % 1_000_003
    return total
