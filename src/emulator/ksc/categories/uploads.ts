import { createHash, randomBytes } from 'node:crypto';
import type { KlParams } from '../../../ksc/values.ts';
import type { KscWorld } from '../world.ts';

/** Path prefix of FileCategorizer2 upload URLs; the server accepts `PUT <prefix><token>` with the file as body. */
export const CATEGORIZER_UPLOAD_PREFIX = '/FileCategorizer2/upload/';

/** A file a client uploaded for metadata: its hashes and size (the bytes are not kept). */
export interface UploadedFile {
  readonly md5: string;
  readonly sha256: string;
  readonly size: number;
  readonly name: string;
}

interface Upload {
  readonly owner: string;
  file: UploadedFile | undefined;
}

/**
 * Uploads of FileCategorizer2 (`InitFileUpload`): one URL per connection (the reference's rule), a random token
 * that only its caller knows. In memory: an upload lives as long as the connection that started it.
 */
class CategorizerUploads {
  private readonly byToken = new Map<string, Upload>();
  private readonly tokenOf = new Map<string, string>();

  /** A new upload URL for `owner`, replacing its previous one. */
  start(owner: string): string {
    this.cancel(owner);
    const token = randomBytes(16).toString('hex');
    this.byToken.set(token, { owner, file: undefined });
    this.tokenOf.set(owner, token);
    return `${CATEGORIZER_UPLOAD_PREFIX}${token}`;
  }

  cancel(owner: string): void {
    const token = this.tokenOf.get(owner);
    if (token !== undefined) this.byToken.delete(token);
    this.tokenOf.delete(owner);
  }

  /** Records the file PUT to a token's URL; `false` for an unknown or cancelled token. */
  receive(token: string, bytes: Uint8Array, name: string): boolean {
    const upload = this.byToken.get(token);
    if (upload === undefined) return false;
    upload.file = {
      md5: createHash('md5').update(bytes).digest('hex'),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      name,
    };
    return true;
  }

  /** The file `owner` uploaded, or `undefined` when there is none yet. */
  fileOf(owner: string): UploadedFile | undefined {
    const token = this.tokenOf.get(owner);
    return token === undefined ? undefined : this.byToken.get(token)?.file;
  }
}

const uploads = new WeakMap<KscWorld, CategorizerUploads>();

export function categorizerUploads(world: KscWorld): CategorizerUploads {
  let found = uploads.get(world);
  if (found === undefined) {
    found = new CategorizerUploads();
    uploads.set(world, found);
  }
  return found;
}

/** The reference's "File metadata flags" the emulator can answer from an upload: name, hashes. */
export function fileMetadata(file: UploadedFile, ulFlag: number): KlParams {
  const out: Record<string, string> = {};
  if (ulFlag & 0x1) out['filename'] = file.name;
  if (ulFlag & 0x40) out['filehash'] = file.md5;
  if (ulFlag & 0x80) out['local_file_name'] = file.name;
  if (ulFlag & 0x100) out['filehashsha256'] = file.sha256;
  return out;
}
