export { FileSink, type FileSinkOptions, type FilePosition, type FsyncPolicy } from './sink.ts';
export { FileSinkPositionError } from './errors.ts';
export { compactUtc, sinkFiles, type RotatedFile, type SinkFiles } from './names.ts';
