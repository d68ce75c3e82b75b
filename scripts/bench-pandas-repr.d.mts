export function pandasRepr(x: number, float32?: boolean): string;
export function splitmix64(seed: number | bigint): () => bigint;
export function mixedDoubles(n: number, seed?: number): Float64Array;
