/**
 * The syslog sink: each document becomes one RFC 5424 message whose MSG is a CEF line, a LEEF 2.0 line or the
 * document's JSON, sent over UDP, TCP or TLS. At-least-once: a batch counts as written once it is handed to the
 * kernel (there is no syslog acknowledgement), so a batch in flight when the process or the receiver dies may be
 * sent again after the restart. Its position is the number of messages sent; there is nothing to undo on open.
 */
import type { Buffer } from 'node:buffer';
import { hostname as machineHostname } from 'node:os';
import type { PlainJson } from '../../../commands/core/types.ts';
import type { MappedDocument, Sink, SinkBatch, SinkPosition, SinkWriteResult } from '../../types.ts';
import { formatCef } from './cef.ts';
import { eventViewOf, type EventView } from './event-view.ts';
import { formatLeef } from './leef.ts';
import { syslogMessage, type SyslogHeader } from './rfc5424.ts';
import { createTransport, targetOf, type SyslogTransport, type TransportOptions } from './transport.ts';

export type SyslogFormat = 'cef' | 'leef' | 'json';

export interface SyslogSinkOptions {
  readonly transport: TransportOptions;
  readonly format: SyslogFormat;
  /** 0..23 (RFC 5424 §6.2.1). Default 16, local0. */
  readonly facility?: number;
  /** Default `kconnect`. */
  readonly appName?: string;
  /** Default the machine's host name. */
  readonly hostname?: string;
  /** Longer messages are cut at a UTF-8 character boundary. */
  readonly maxMessageBytes: number;
  /** LEEF attribute delimiter, one character. Default tab. */
  readonly leefDelimiter?: string;
  /** Goes into each message's structured data beside the record key. */
  readonly pipeline: string;
  readonly now?: () => number;
}

/** Where a syslog sink got to: how many messages it has handed over since the pipeline started from scratch. */
// A type alias, not an interface: it is also a SinkPosition (plain JSON).
export type SyslogPosition = { readonly sent: number };

function sentOf(position: SinkPosition | undefined): number {
  if (typeof position !== 'object' || position === null || Array.isArray(position)) return 0;
  const sent = position['sent'];
  return typeof sent === 'number' && Number.isSafeInteger(sent) && sent >= 0 ? sent : 0;
}

function field(document: MappedDocument, path: readonly string[]): PlainJson | undefined {
  let value: PlainJson | undefined = document;
  for (const part of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = value[part];
  }
  return value;
}

/** The record's source (`ksc.events`, …) of a JSON message's MSGID, without formatting a CEF view. */
function sourceOf(document: MappedDocument): string {
  const found = [['source'], ['event', 'dataset'], ['metadata', 'log_name']]
    .map((path) => field(document, path))
    .find((value) => typeof value === 'string');
  return typeof found === 'string' ? found : '-';
}

/** OCSF `severity_id` on kconnect's 0..4 scale (1 Informational, 3 Medium, 4 High, 5 Critical; 2 Low, 6 Fatal). */
const OCSF_LEVELS: readonly number[] = [0, 1, 1, 2, 3, 4, 4];

/** The event's severity for a JSON message's PRI, from ECS, OCSF or D3 fields, without formatting a CEF view. */
function severityOf(document: MappedDocument): number {
  const ecs = field(document, ['event', 'severity']);
  if (typeof ecs === 'number') return ecs;
  const ocsf = document['severity_id'];
  if (typeof ocsf === 'number') return OCSF_LEVELS[ocsf] ?? 0;
  const d3 = document['Severity numeric ID'];
  return typeof d3 === 'number' ? d3 : 0;
}

export class SyslogSink implements Sink {
  readonly type = 'syslog';
  private readonly transport: SyslogTransport;
  private readonly header: SyslogHeader;
  private readonly now: () => number;
  private sent = 0;

  constructor(private readonly options: SyslogSinkOptions) {
    this.transport = createTransport(options.transport);
    this.header = {
      facility: options.facility ?? 16,
      appName: options.appName ?? 'kconnect',
      hostname: options.hostname ?? machineHostname(),
      procId: String(process.pid),
    };
    this.now = options.now ?? Date.now;
  }

  /** `tcp://host:port`: for status and logs. */
  get target(): string {
    return targetOf(this.options.transport);
  }

  async open(committed: SinkPosition | undefined, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sent = sentOf(committed);
  }

  /** One document as an RFC 5424 message. */
  message(document: MappedDocument, key: string, timestamp: number): Buffer {
    const params: Array<readonly [string, string]> = [
      ['key', key],
      ['pipeline', this.options.pipeline],
    ];
    if (this.options.format === 'json') {
      return syslogMessage(
        this.header,
        {
          severityLevel: severityOf(document),
          msgId: sourceOf(document),
          timestamp,
          params,
          msg: JSON.stringify(document),
        },
        this.options.maxMessageBytes,
      );
    }
    const view: EventView = eventViewOf(document);
    const msg =
      this.options.format === 'cef' ? formatCef(view) : formatLeef(view, this.options.leefDelimiter ?? '\t');
    return syslogMessage(
      this.header,
      { severityLevel: view.severityLevel, msgId: view.source, timestamp, params, msg },
      this.options.maxMessageBytes,
    );
  }

  async write(batch: SinkBatch, signal?: AbortSignal): Promise<SinkWriteResult> {
    signal?.throwIfAborted();
    const timestamp = this.now();
    const messages = batch.documents.map((document, index) =>
      this.message(document, batch.keys[index] ?? '', timestamp),
    );
    if (messages.length > 0) await this.transport.send(messages);
    this.sent += messages.length;
    const position: SyslogPosition = { sent: this.sent };
    return { position };
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}
