import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { Secret } from '../../config/secrets.ts';
import { DELIVERY_MODES, type DeliveryMode } from '../../emulator/ksc/directory/delivery-modes.ts';
import type { DirectoryPublishOptions } from '../../emulator/ksc/directory/publisher.ts';
import { integer, rate } from './option-parsers.ts';

/** The `--directory-*` flags of `kconnect emulator ksc`. */
export interface DirectoryPublishFlags {
  directoryPublish?: string;
  directoryTokenEnv?: string;
  directoryTokenFile?: string;
  directoryMode: DeliveryMode;
  directoryRate: number;
  directoryChunkSize: number;
  directoryBatchSize: number;
  directoryQueueLimit: number;
}

function receiverUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError('--directory-publish must be an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError('--directory-publish must be an http:// or https:// URL');
  }
  return url.toString();
}

/**
 * The directory publisher's flags. The token is never a flag value (flags show in `ps`): it comes from an
 * environment variable named by `--directory-token-env` (default `KCONNECT_DIRECTORY_TOKEN`) or from a file.
 */
export function addDirectoryPublishOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--directory-publish <url>',
        "publish the seeded domain's directory as seed 003 CloudEvents to this receiver",
      )
        .argParser(receiverUrl)
        .env('KCONNECT_DIRECTORY_PUBLISH'),
    )
    .addOption(
      new Option(
        '--directory-token-env <variable>',
        'environment variable holding the receiver token (default KCONNECT_DIRECTORY_TOKEN)',
      ),
    )
    .addOption(new Option('--directory-token-file <file>', 'file holding the receiver token'))
    .addOption(
      new Option('--directory-mode <mode>', 'CloudEvents HTTP mode').choices(DELIVERY_MODES).default('batch'),
    )
    .addOption(
      new Option('--directory-rate <n>', 'live directory changes per second (0 = none)')
        .argParser(rate('--directory-rate'))
        .default(0),
    )
    .addOption(
      new Option('--directory-chunk-size <n>', 'items of one ds_ids_chunk at most')
        .argParser(integer('--directory-chunk-size', 1, 100_000))
        .default(1000),
    )
    .addOption(
      new Option('--directory-batch-size <n>', 'events per request in batch mode')
        .argParser(integer('--directory-batch-size', 1, 100_000))
        .default(500),
    )
    .addOption(
      new Option('--directory-queue-limit <n>', 'events waiting for delivery at most; newer ones are dropped')
        .argParser(integer('--directory-queue-limit', 1, 10_000_000))
        .default(100_000),
    );
}

/**
 * The publisher's options from the flags, reading the token; undefined without `--directory-publish`.
 *
 * @throws {InvalidArgumentError} when the token is missing, or both a variable and a file are named.
 */
export async function directoryPublishOptionsFrom(
  flags: DirectoryPublishFlags,
  env: Readonly<Record<string, string | undefined>>,
): Promise<DirectoryPublishOptions | undefined> {
  if (flags.directoryPublish === undefined) return undefined;
  if (flags.directoryTokenEnv !== undefined && flags.directoryTokenFile !== undefined) {
    throw new InvalidArgumentError('--directory-token-env and --directory-token-file: give one');
  }
  const secret =
    flags.directoryTokenFile !== undefined
      ? Secret.file(flags.directoryTokenFile, '--directory-token-file', (p) => readFile(p, 'utf8'))
      : Secret.env(
          flags.directoryTokenEnv ?? 'KCONNECT_DIRECTORY_TOKEN',
          flags.directoryTokenEnv === undefined ? 'KCONNECT_DIRECTORY_TOKEN' : '--directory-token-env',
          env,
        );
  return {
    url: flags.directoryPublish,
    token: await secret.read(),
    mode: flags.directoryMode,
    rate: flags.directoryRate,
    chunkSize: flags.directoryChunkSize,
    batchSize: flags.directoryBatchSize,
    queueLimit: flags.directoryQueueLimit,
  };
}
