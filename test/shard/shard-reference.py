# An independent reference for src/shard/spec.ts: MurmurHash3_x86_32 (seed 0) of the id's UTF-8 bytes,
# XOR 0x6a09e667, MurmurHash3's fmix32, % N, + 1. Written from the MurmurHash3 reference (Austin Appleby's
# MurmurHash3.cpp), not from the TypeScript. Prints the values test/shard/spec.test.ts asserts.
#   /usr/bin/python3 test/shard/shard-reference.py

M = 0xFFFFFFFF


def rotl(x, r):
    return ((x << r) | (x >> (32 - r))) & M


def fmix32(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M
    h ^= h >> 16
    return h


def murmur3_32(data, seed=0):
    c1, c2 = 0xCC9E2D51, 0x1B873593
    h = seed
    n = len(data) // 4
    for i in range(n):
        k = int.from_bytes(data[4 * i:4 * i + 4], 'little')
        k = rotl((k * c1) & M, 15)
        k = (k * c2) & M
        h ^= k
        h = rotl(h, 13)
        h = (h * 5 + 0xE6546B64) & M
    tail = data[4 * n:]
    k = 0
    for j, b in enumerate(tail):
        k |= b << (8 * j)
    if tail:
        k = rotl((k * c1) & M, 15)
        k = (k * c2) & M
        h ^= k
    h ^= len(data)
    return fmix32(h)


def shard_of(id_text, n):
    return fmix32(murmur3_32(id_text.encode('utf-8')) ^ 0x6A09E667) % n + 1


IDS = ['2', '13', '0', '-7', '3.50', 'abc', 'penguin-0001', 'é', '日本語', '🐧', '']
for n in (1, 2, 3, 7):
    print(n, [shard_of(i, n) for i in IDS])
