/** The syslog sink's part of `kconnect.yaml` (`type: syslog`). */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../../config/errors.ts';
import type { SinkKind } from '../kind.ts';
import { FACILITIES, type FacilityName } from './rfc5424.ts';
import { SyslogSink, type SyslogFormat } from './sink.ts';
import { targetOf, type SyslogProtocol, type TransportOptions } from './transport.ts';

/** RFC 5426 §3.2: 2048 octets is what receivers SHOULD take over UDP; larger datagrams risk fragmentation. */
export const DEFAULT_UDP_MAX_BYTES = 2048;
/** rsyslog's default `maxMessageSize`: longer messages would be cut (or split) by the receiver anyway. */
export const DEFAULT_STREAM_MAX_BYTES = 8192;
/** RFC 5424 §6.1: every receiver MUST take messages up to 480 octets. */
const MIN_MESSAGE_BYTES = 480;
const DEFAULT_PORTS: Readonly<Record<SyslogProtocol, number>> = { udp: 514, tcp: 514, tls: 6514 };

const FACILITY_NAMES = Object.keys(FACILITIES) as [FacilityName, ...FacilityName[]];

export const syslogSinkConfigSchema = z.strictObject({
  type: z.literal('syslog'),
  url: z
    .string()
    .min(1, 'empty')
    .describe('udp://host:514, tcp://host:514 or tls://host:6514 (default ports as shown)'),
  format: z
    .enum(['cef', 'leef', 'json'])
    .optional()
    .describe(
      'The MSG of each message: a CEF line (default), a LEEF 2.0 line, or the mapped document as JSON',
    ),
  facility: z
    .union([z.enum(FACILITY_NAMES), z.number().int().min(0).max(23)])
    .optional()
    .describe('RFC 5424 facility, a name (local0 …) or 0..23; default local0'),
  appName: z.string().min(1).max(48).optional().describe('RFC 5424 APP-NAME; default kconnect'),
  hostname: z.string().min(1).max(255).optional().describe("RFC 5424 HOSTNAME; default the machine's name"),
  maxMessageBytes: z
    .number()
    .int()
    .min(MIN_MESSAGE_BYTES)
    .max(1_048_576)
    .optional()
    .describe(
      `Longer messages are cut at a UTF-8 character boundary; default ${DEFAULT_UDP_MAX_BYTES} over UDP, ` +
        `${DEFAULT_STREAM_MAX_BYTES} over TCP and TLS`,
    ),
  leefDelimiter: z
    .string()
    .length(1, 'one character')
    .optional()
    .describe('LEEF attribute delimiter; default tab (announced as x09)'),
  caFile: z
    .string()
    .min(1)
    .optional()
    .describe('tls: PEM CA bundle the receiver’s certificate must chain to'),
  certFile: z.string().min(1).optional().describe('tls: PEM client certificate (with keyFile)'),
  keyFile: z.string().min(1).optional().describe('tls: PEM private key of certFile'),
  serverName: z
    .string()
    .min(1)
    .optional()
    .describe('tls: the name the receiver’s certificate must carry; default the URL’s host name'),
  timeoutSeconds: z
    .number()
    .positive()
    .optional()
    .describe('How long a connect or the hand-over of one batch may take; default 30'),
});
export type SyslogSinkConfig = z.output<typeof syslogSinkConfigSchema>;

export interface ResolvedSyslogSinkConfig {
  readonly type: 'syslog';
  readonly transport: TransportOptions;
  readonly format: SyslogFormat;
  readonly facility: number;
  readonly appName?: string;
  readonly hostname?: string;
  readonly maxMessageBytes: number;
  readonly leefDelimiter: string;
}

function transportOf(config: SyslogSinkConfig, field: string, base: string): TransportOptions {
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    throw new ConfigError(`${field}.url`, `not a URL: ${JSON.stringify(config.url)}`);
  }
  const protocol = url.protocol.slice(0, -1);
  if (protocol !== 'udp' && protocol !== 'tcp' && protocol !== 'tls') {
    throw new ConfigError(`${field}.url`, `scheme ${url.protocol} is not udp:, tcp: or tls:`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(`${field}.url`, 'syslog takes no credentials in the URL');
  }
  if (url.pathname !== '' && url.pathname !== '/') {
    throw new ConfigError(`${field}.url`, 'a syslog URL has no path');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new ConfigError(`${field}.url`, 'no host');
  const tlsOnly = (['caFile', 'certFile', 'keyFile', 'serverName'] as const).filter(
    (name) => config[name] !== undefined,
  );
  if (protocol !== 'tls' && tlsOnly.length > 0) {
    throw new ConfigError(`${field}.${tlsOnly[0]}`, 'only with a tls:// url');
  }
  if ((config.certFile === undefined) !== (config.keyFile === undefined)) {
    const missing = config.certFile === undefined ? 'certFile' : 'keyFile';
    throw new ConfigError(`${field}.${missing}`, 'certFile and keyFile go together');
  }
  if (config.serverName !== undefined && isIP(config.serverName) !== 0) {
    throw new ConfigError(`${field}.serverName`, 'a host name, not an address');
  }
  const file = (value: string | undefined) => (value === undefined ? undefined : resolve(base, value));
  const tlsFiles = {
    ...(config.caFile === undefined ? {} : { caFile: file(config.caFile) as string }),
    ...(config.certFile === undefined ? {} : { certFile: file(config.certFile) as string }),
    ...(config.keyFile === undefined ? {} : { keyFile: file(config.keyFile) as string }),
    ...(config.serverName === undefined ? {} : { serverName: config.serverName }),
  };
  return {
    protocol,
    host,
    port: url.port === '' ? DEFAULT_PORTS[protocol] : Number(url.port),
    ...(protocol === 'tls' ? { tls: tlsFiles } : {}),
    timeoutMs: Math.round((config.timeoutSeconds ?? 30) * 1000),
  };
}

/** RFC 5424 syslog (`type: syslog`) with CEF, LEEF 2.0 or JSON messages. */
export const syslogSinkKind: SinkKind<SyslogSinkConfig, ResolvedSyslogSinkConfig> = {
  type: 'syslog',
  schema: syslogSinkConfigSchema,
  resolve: (config, context) => {
    const transport = transportOf(config, context.field, context.base);
    const facility = config.facility ?? 'local0';
    return {
      type: 'syslog',
      transport,
      format: config.format ?? 'cef',
      facility: typeof facility === 'number' ? facility : FACILITIES[facility],
      ...(config.appName === undefined ? {} : { appName: config.appName }),
      ...(config.hostname === undefined ? {} : { hostname: config.hostname }),
      maxMessageBytes:
        config.maxMessageBytes ??
        (transport.protocol === 'udp' ? DEFAULT_UDP_MAX_BYTES : DEFAULT_STREAM_MAX_BYTES),
      leefDelimiter: config.leefDelimiter ?? '\t',
    };
  },
  target: (config) => targetOf(config.transport),
  create: (config, deps) =>
    new SyslogSink({
      transport: config.transport,
      format: config.format,
      facility: config.facility,
      ...(config.appName === undefined ? {} : { appName: config.appName }),
      ...(config.hostname === undefined ? {} : { hostname: config.hostname }),
      maxMessageBytes: config.maxMessageBytes,
      leefDelimiter: config.leefDelimiter,
      pipeline: deps.pipeline,
      ...(deps.now === undefined ? {} : { now: deps.now }),
    }),
};
