export function arrowIpc(columns: Record<string, BigInt64Array | Float64Array>): Uint8Array;
export function writeParquetFile(file: string, columns: Record<string, BigInt64Array | Float64Array>): Promise<void>;
export function writeBinaryParquet(dir: string, a: { n: number; y: Uint8Array; x: Float64Array; cand: Float64Array; base: Float64Array }): Promise<{ data: string; cand: string; base: string } | string>;
