export {
  DEFAULT_STREAM_MAX_BYTES,
  DEFAULT_UDP_MAX_BYTES,
  syslogSinkConfigSchema,
  syslogSinkKind,
  type ResolvedSyslogSinkConfig,
  type SyslogSinkConfig,
} from './config.ts';
export { SyslogSendError, SyslogTlsError } from './errors.ts';
export { formatCef, cefSeverity } from './cef.ts';
export { formatLeef } from './leef.ts';
export { eventViewOf, type EventView } from './event-view.ts';
export { SyslogSink, type SyslogFormat, type SyslogPosition, type SyslogSinkOptions } from './sink.ts';
export type { TransportOptions, SyslogProtocol } from './transport.ts';
