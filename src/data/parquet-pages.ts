// The fast path for a flat numeric Parquet column: its pages decoded with hyparquet's page readers and
// scattered straight into the Float64Array the column becomes. hyparquet's own column reader turns a
// nullable column (every column pandas writes) into a JS array of boxed values, one push per row,
// which at ten million rows costs seconds of garbage collection; here a page is a typed array and
// its definition levels, and nothing outlives the page.

import type { ColumnMetaData, SchemaElement } from 'hyparquet';
import type { ColumnDecoder, DecodedArray } from 'hyparquet/src/types.js';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readPlain } from 'hyparquet/src/plain.js';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Whether a column can take the fast path: one plain number per row, signed, no scale or unit. */
export function fastNumeric(element: SchemaElement): boolean {
  const logical = element.logical_type;
  if (logical !== undefined && !(logical.type === 'INTEGER' && logical.isSigned)) return false;
  const converted = element.converted_type;
  if (converted !== undefined && !['INT_8', 'INT_16', 'INT_32', 'INT_64'].includes(converted)) return false;
  return element.repetition_type !== 'REPEATED' && (element.type === 'INT32' || element.type === 'INT64' || element.type === 'FLOAT' || element.type === 'DOUBLE');
}

/** Where a column chunk's pages lie in the file (dictionary page first when there is one). */
export function chunkRange(meta: ColumnMetaData): { start: number; end: number } {
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  return { start, end: start + Number(meta.total_compressed_size) };
}

/**
 * Decodes one column chunk (`bytes`, its pages) into `out` from row `row` on; returns how many rows it
 * gave. Values of an int64 beyond 2^53 also go to `huge` as exact text, by row.
 */
export function readNumericChunk(bytes: Uint8Array, decoder: ColumnDecoder, maxDefinition: number, out: Float64Array, row: number, huge: Map<number, string>): number {
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  let dictionary: Float64Array | undefined;
  let dictionaryText: Map<number, string> | undefined;
  const first = row;
  while (reader.offset < bytes.byteLength) {
    const header = parquetHeader(reader);
    const page = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
    if (page.length !== header.compressed_page_size) throw new Error(`parquet page of ${header.compressed_page_size} bytes runs past its column chunk`);
    reader.offset += header.compressed_page_size;
    if (header.type === 'DICTIONARY_PAGE') {
      const plain = decompressPage(page, header.uncompressed_page_size, decoder.codec, decoder.compressors);
      const values = readPlain({ view: new DataView(plain.buffer, plain.byteOffset, plain.byteLength), offset: 0 }, decoder.type, header.dictionary_page_header!.num_values, decoder.element.type_length);
      dictionaryText = new Map();
      dictionary = toNumbers(values, dictionaryText, 0);
      continue;
    }
    let levels: number[] | undefined;
    let data: DecodedArray;
    let encoding: string;
    let count: number;
    if (header.type === 'DATA_PAGE') {
      const h = header.data_page_header!;
      const decoded = readDataPage(decompressPage(page, header.uncompressed_page_size, decoder.codec, decoder.compressors), h, decoder);
      ({ definitionLevels: levels, dataPage: data } = decoded);
      encoding = h.encoding;
      count = h.num_values;
    } else if (header.type === 'DATA_PAGE_V2') {
      const h = header.data_page_header_v2!;
      const decoded = readDataPageV2(page, header, decoder);
      ({ definitionLevels: levels, dataPage: data } = decoded);
      encoding = h.encoding;
      count = h.num_rows;
    } else {
      continue; // an index page: nothing to read
    }
    if (row + count > out.length) throw new Error(`parquet column chunk holds more values than its row group's ${out.length - first} rows`);
    const dictionaryEncoded = encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY';
    if (dictionaryEncoded && dictionary === undefined) throw new Error('parquet dictionary-encoded page without a dictionary page');
    // The page's non-null values as numbers (huge int64 text keyed by their index among them).
    const pageText = new Map<number, string>();
    const values = dictionaryEncoded ? lookUp(data, dictionary!, dictionaryText!, pageText) : toNumbers(data, pageText, 0);
    const present = levels !== undefined && levels.length > 0 ? levels : undefined;
    if (present === undefined) {
      if (values.length !== count) throw new Error(`parquet page holds ${values.length} values for ${count} rows`);
      out.set(values, row);
      for (const [k, text] of pageText) huge.set(row + k, text);
    } else {
      let k = 0;
      for (let i = 0; i < count; i++) {
        if (present[i] === maxDefinition) {
          const text = pageText.size > 0 ? pageText.get(k) : undefined;
          if (text !== undefined) huge.set(row + i, text);
          out[row + i] = values[k++]!;
        } else {
          out[row + i] = NaN;
        }
      }
      if (k !== values.length) throw new Error(`parquet page holds ${values.length} values for ${k} present rows`);
    }
    row += count;
  }
  return row - first;
}

/** Decoded values as doubles; int64 beyond 2^53 also recorded exactly in `text` (index + offset → digits). */
function toNumbers(data: DecodedArray, text: Map<number, string>, offset: number): Float64Array {
  if (data instanceof Float64Array) return data;
  if (data instanceof Float32Array || data instanceof Int32Array) return Float64Array.from(data);
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v: unknown = data[i];
    if (typeof v === 'bigint') {
      out[i] = Number(v);
      if (v > SAFE || v < -SAFE) text.set(offset + i, v.toString());
    } else {
      out[i] = v as number;
    }
  }
  return out;
}

function lookUp(indexes: DecodedArray, dictionary: Float64Array, dictionaryText: Map<number, string>, text: Map<number, string>): Float64Array {
  const out = new Float64Array(indexes.length);
  for (let i = 0; i < indexes.length; i++) {
    const at = indexes[i] as number;
    if (!(at < dictionary.length)) throw new Error(`parquet dictionary index ${at} beyond its ${dictionary.length} entries`);
    out[i] = dictionary[at]!;
    if (dictionaryText.size > 0) {
      const t = dictionaryText.get(at);
      if (t !== undefined) text.set(i, t);
    }
  }
  return out;
}
