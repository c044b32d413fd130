import { KconnectError } from '../../../errors.ts';

/**
 * The files no longer hold what the checkpoint says was durably written: the active file is shorter than the
 * committed offset, or is gone, or the committed file sequence is ahead of every file found (files removed or
 * replaced by hand, or lost in a power cut under `fsync: never`). Writing on would lose or repeat lines, so the
 * pipeline stops; `kconnect intake reset` chooses where to go on from.
 */
export class FileSinkPositionError extends KconnectError {
  override readonly name = 'FileSinkPositionError';

  constructor(
    readonly file: string,
    readonly committed: { readonly sequence: number; readonly offset: number },
    readonly reason: string,
  ) {
    super(
      'CONFLICT',
      `File sink ${file}: cannot continue at file sequence ${committed.sequence}, offset ${committed.offset}: ` +
        `${reason}. Move the files aside or choose where to resume with kconnect intake reset`,
    );
  }
}
