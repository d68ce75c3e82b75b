// Training logs without TensorFlow: Keras History JSON, Keras CSVLogger CSV and TensorBoard event files.

export type { TrainingLog, TrainingLogFormat, TrainingPoint } from './types.js';
export { readTrainingLog, type ReadTrainingLogOptions } from './read.js';
export { readKerasHistory } from './keras-history.js';
export { readKerasCsv, type KerasCsvOptions } from './keras-csv.js';
export { readTensorBoard, tensorBoardLog, readEventFileScalars, seriesName, findEventFiles, type EventFile } from './tensorboard.js';
export { readTfRecords, looksLikeTfRecord, type TfRecord } from './tfrecord.js';
export { decodeEvent, tensorScalar, type DecodedEvent, type DecodedValue, type DecodedTensor } from './event.js';
export { ProtoReader, ProtoError } from './protobuf.js';
export { crc32c, maskCrc, maskedCrc32c } from './crc32c.js';
export { parsePythonJson } from './python-json.js';
