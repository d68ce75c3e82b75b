// Data readers: text → typed columns, and the one function that reads a file.
export { parseCsv } from './csv.js';
export type { CsvOptions, ParsedCsv } from './csv.js';
export { parseJsonl } from './jsonl.js';
export type { ParsedJsonl } from './jsonl.js';
export { MISSING_TOKENS, firstNonNumeric, isMissingToken, parseDecimal, typeColumn, typeColumns } from './typing.js';
export type { TypingOptions } from './typing.js';
export { SUPPORTED_EXTENSIONS, formatOf, parseDataset, readDataset, selectFeatures } from './read.js';
export type { DataFormat, FeatureSelection, ReadOptions, SelectedColumns } from './read.js';
