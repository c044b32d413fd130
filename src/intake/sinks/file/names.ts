import path from 'node:path';

/**
 * The files of one file sink, all in the active file's directory: the active file (`ksc-events.ndjson`), the
 * rotated ones (`ksc-events-20250102T030405Z-000007.ndjson[.gz]`: the UTC time of the rotation, then the sequence
 * number the file had while it was active), and a hidden state file with the active file's sequence.
 */
export interface SinkFiles {
  readonly directory: string;
  readonly active: string;
  /** `.ksc-events.ndjson.state`: `{ sequence, openedAt }` of the active file. */
  readonly state: string;
  rotatedName(sequence: number, at: number): string;
  /** The parts of a rotated file's name, or undefined for any other file. */
  parseRotated(name: string): RotatedFile | undefined;
}

export interface RotatedFile {
  readonly name: string;
  readonly sequence: number;
  /** `.ndjson`, `.ndjson.gz`, or `.ndjson.gz.tmp` (a compression that did not finish). */
  readonly kind: 'plain' | 'gzip' | 'gzip-partial';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** 20250102T030405Z: sorts as time does, and holds no character any file system refuses. */
export function compactUtc(at: number): string {
  return new Date(at)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

export function sinkFiles(activePath: string): SinkFiles {
  const directory = path.dirname(activePath);
  const fileName = path.basename(activePath);
  const extension = path.extname(fileName) === '' ? '.ndjson' : path.extname(fileName);
  const stem = path.extname(fileName) === '' ? fileName : fileName.slice(0, -extension.length);
  const pattern = new RegExp(
    `^${escapeRegExp(stem)}-\\d{8}T\\d{6}Z-(\\d{6,})${escapeRegExp(extension)}(\\.gz)?(\\.tmp)?$`,
  );
  return {
    directory,
    active: activePath,
    state: path.join(directory, `.${fileName}.state`),
    rotatedName: (sequence, at) =>
      `${stem}-${compactUtc(at)}-${String(sequence).padStart(6, '0')}${extension}`,
    parseRotated(name) {
      const match = pattern.exec(name);
      if (match === null) return undefined;
      const kind = match[2] === undefined ? 'plain' : match[3] === undefined ? 'gzip' : 'gzip-partial';
      // A plain file with .tmp is none of ours.
      if (match[2] === undefined && match[3] !== undefined) return undefined;
      return { name, sequence: Number(match[1]), kind };
    },
  };
}
