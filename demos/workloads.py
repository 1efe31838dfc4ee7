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
