/** The file sink's part of `kconnect.yaml` (`FileSinkOptions` in seconds and plain values). */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { SinkKind } from '../kind.ts';
import { FileSink, type FileSinkOptions } from './sink.ts';

export const fileSinkConfigSchema = z.strictObject({
  type: z.literal('file'),
  path: z
    .string()
    .min(1, 'empty')
    .describe('The active NDJSON file; relative paths start at the configuration file’s folder'),
  rotate: z
    .strictObject({
      maxBytes: z.number().int().min(1).optional(),
      maxAgeSeconds: z.number().int().min(1).optional(),
    })
    .optional()
    .describe('Start a new file before one would pass maxBytes, or once it is maxAgeSeconds old'),
  gzip: z.boolean().optional().describe('Compress rotated files'),
  fsync: z
    .enum(['batch', 'interval', 'never'])
    .optional()
    .describe(
      'batch (default): on disk before the checkpoint commits; interval/never: crash-safe, not power-safe',
    ),
});
export type FileSinkConfig = z.output<typeof fileSinkConfigSchema>;

/** The configuration's rotation without absent members (the sink's options are exact). */
function rotationOf(rotate: NonNullable<FileSinkConfig['rotate']>): NonNullable<FileSinkOptions['rotate']> {
  return {
    ...(rotate.maxBytes === undefined ? {} : { maxBytes: rotate.maxBytes }),
    ...(rotate.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: rotate.maxAgeSeconds }),
  };
}

/** NDJSON files (`type: file`); the resolved form has `path` absolute. */
export const fileSinkKind: SinkKind<FileSinkConfig, FileSinkConfig> = {
  type: 'file',
  schema: fileSinkConfigSchema,
  resolve: (config, context) => ({ ...config, path: resolve(context.base, config.path) }),
  target: (config) => config.path,
  create: (config, deps) =>
    new FileSink({
      path: config.path,
      ...(config.rotate === undefined ? {} : { rotate: rotationOf(config.rotate) }),
      ...(config.gzip === undefined ? {} : { gzip: config.gzip }),
      ...(config.fsync === undefined ? {} : { fsync: config.fsync }),
      ...(deps.now === undefined ? {} : { now: deps.now }),
    }),
};
