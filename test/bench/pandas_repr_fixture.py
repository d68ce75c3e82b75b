"""Writes test/bench/pandas-repr.csv.gz: 100,000 doubles of mixed magnitudes as pandas' to_csv()
writes them with its defaults, as float64 (x) and as float32 (x32). The doubles come from the same splitmix64 steps as mixedDoubles()
in scripts/bench-pandas-repr.mjs, so the fixture holds only pandas' text.
Run: /usr/bin/python3 test/bench/pandas_repr_fixture.py  (pandas 1.5.3, numpy as installed)."""
import gzip, os, struct

import numpy as np
import pandas as pd

M = (1 << 64) - 1


def splitmix64(seed):
    s = seed & M
    while True:
        s = (s + 0x9E3779B97F4A7C15) & M
        z = s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
        yield z ^ (z >> 31)


def from_bits(b):
    return struct.unpack(">d", struct.pack(">Q", b))[0]


BOUNDARIES = [1e-4, 1e-5, 1e15, 1e16, 1e17, 1e-3, 1.0]


def mixed_doubles(n, seed=14):
    g = splitmix64(seed)
    out = []
    for _ in range(n):
        r = next(g)
        kind = r & 7
        u = (r >> 11) / 2.0**53
        s = next(g)
        if kind == 0:
            x = from_bits(s)
        elif kind == 1:
            x = u
        elif kind == 2:
            x = u * float("1e%d" % (s % 31 - 10))
        elif kind == 3:
            x = float(s % 10000000) / float("1e%d" % ((s >> 32) % 8))
        elif kind == 4:
            x = BOUNDARIES[s % 7] * (0.5 + u)
        elif kind == 5:
            x = float(s >> 11)
        elif kind == 6:
            x = from_bits(s & ((1 << 52) - 1))
        else:
            x = -u * float("1e%d" % (s % 41 - 20))
        out.append(x)
    return np.array(out, dtype=np.float64)


x = mixed_doubles(100_000)
# Two columns: a lone empty cell would be quoted (""), which no multi-column file has.
# x32: the same doubles as a float32 column (overflow to inf is expected; numpy warns).
with np.errstate(over="ignore", invalid="ignore"):
    x32 = x.astype(np.float32)
text = pd.DataFrame({"i": np.arange(len(x)), "x": x, "x32": x32}).to_csv(index=False)
here = os.path.dirname(os.path.abspath(__file__))
with gzip.GzipFile(os.path.join(here, "pandas-repr.csv.gz"), "wb", mtime=0) as f:
    f.write(text.encode())
print(pd.__version__, np.__version__, len(text))
