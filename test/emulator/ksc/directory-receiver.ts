/**
 * A small real CloudEvents receiver for the directory publisher's tests: node:http on a loopback port, parsing
 * with the `cloudevents` SDK (`HTTP.toEvent`, all three modes), and a minimal directory built from what it got —
 * enough to compare with the publisher's truth. The real receiver and model are issue 20's other parts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP, type CloudEvent } from 'cloudevents';

export type ReceivedEvent = CloudEvent<Record<string, unknown>>;

export interface TestReceiver {
  readonly url: string;
  readonly port: number;
  /** Every event parsed, in arrival order (duplicates included). */
  readonly events: ReceivedEvent[];
  /** Content types of the requests, in order. */
  readonly contentTypes: string[];
  /** Requests refused for a wrong token. */
  unauthorized: number;
  /** Stops listening (the publisher sees connection refused). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

export async function startReceiver(token: string, port = 0): Promise<TestReceiver> {
  const events: ReceivedEvent[] = [];
  const contentTypes: string[] = [];
  let server: http.Server | undefined;
  const state = { unauthorized: 0 };

  const handler: http.RequestListener = (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.headers.authorization !== `Bearer ${token}`) {
        state.unauthorized += 1;
        response.writeHead(401).end();
        return;
      }
      contentTypes.push(String(request.headers['content-type'] ?? ''));
      try {
        const parsed = HTTP.toEvent({
          headers: request.headers as Record<string, string>,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        events.push(...((Array.isArray(parsed) ? parsed : [parsed]) as ReceivedEvent[]));
        response.writeHead(202).end();
      } catch (error) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
      }
    });
  };

  const listen = (onPort: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server = http.createServer(handler);
      server.keepAliveTimeout = 1000;
      server.once('error', reject);
      server.listen(onPort, '127.0.0.1', () => resolve((server?.address() as AddressInfo).port));
    });
  const boundPort = await listen(port);

  return {
    url: `http://127.0.0.1:${boundPort}/v1/directory/events`,
    port: boundPort,
    events,
    contentTypes,
    get unauthorized() {
      return state.unauthorized;
    },
    set unauthorized(value: number) {
      state.unauthorized = value;
    },
    async stop() {
      const current = server;
      if (current === undefined) return;
      server = undefined;
      current.closeAllConnections();
      await new Promise<void>((resolve) => current.close(() => resolve()));
    },
    async restart() {
      await listen(boundPort);
    },
  };
}

/** Seed 003's required `data` attributes per type. */
export const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  ds_info_reset: ['tenant_id', 'ksc_instance_id'],
  ds_info_reset_complete: ['tenant_id', 'ksc_instance_id'],
  ds_user_info: ['tenant_id', 'ksc_instance_id', 'ksc_trustee_id', 'ksc_trustee_sfx', 'ds_info'],
  ds_group_info: ['tenant_id', 'ksc_instance_id', 'ksc_trustee_id', 'ksc_trustee_sfx', 'ds_info'],
  ds_obj_deleted: ['tenant_id', 'ksc_instance_id', 'ds_ids_chunk'],
  ds_group_members: ['tenant_id', 'ksc_instance_id', 'ds_ids', 'ds_ids_chunk'],
  ds_group_members_deleted: ['tenant_id', 'ksc_instance_id', 'ds_ids', 'ds_ids_chunk'],
  ds_obj_memberof: ['tenant_id', 'ksc_instance_id', 'ds_ids', 'ds_ids_chunk'],
  ds_obj_memberof_deleted: ['tenant_id', 'ksc_instance_id', 'ds_ids', 'ds_ids_chunk'],
};

/** Seed 003's optional `data` attributes per type (anything else is a publisher bug). */
const OPTIONAL: Readonly<Record<string, readonly string[]>> = {
  ds_user_info: ['ksc_vs_uid', 'ksc_vs_id', 'ds_info_original'],
  ds_group_info: ['ksc_vs_uid', 'ksc_vs_id', 'ds_info_original'],
  ds_obj_deleted: ['ds', 'ksc_vs_uid', 'ksc_vs_id'],
  ds_group_members: ['ksc_vs_uid', 'ksc_vs_id'],
  ds_group_members_deleted: ['ds', 'ksc_vs_uid', 'ksc_vs_id'],
  ds_obj_memberof: ['ksc_vs_uid', 'ksc_vs_id'],
  ds_obj_memberof_deleted: ['ds', 'ksc_vs_uid', 'ksc_vs_id'],
};

/** What is wrong with an event by seed 003 (empty when nothing). */
export function problemsOf(event: ReceivedEvent): string[] {
  const problems: string[] = [];
  const required = REQUIRED[event.type];
  if (required === undefined) return [`unknown type ${event.type}`];
  if (event.source !== 'osmp-ds-info-provider') problems.push(`source ${event.source}`);
  if (event.specversion !== '1.0') problems.push(`specversion ${event.specversion}`);
  if (event.time === undefined) problems.push('no time');
  const data = event.data ?? {};
  for (const name of required) if (!(name in data)) problems.push(`missing ${name}`);
  const allowed = new Set([...required, ...(OPTIONAL[event.type] ?? [])]);
  for (const name of Object.keys(data)) if (!allowed.has(name)) problems.push(`unexpected ${name}`);
  const chunk = data['ds_ids_chunk'];
  if ('ds_ids_chunk' in data && (!Array.isArray(chunk) || chunk.length === 0)) problems.push('empty chunk');
  return problems;
}

type Ids = Readonly<Record<string, unknown>>;

/** The keys an identifier set names an object by, one per identifier present. */
function keysOf(ids: Ids): string[] {
  const keys: string[] = [];
  for (const name of ['uid', 'uid_bin', 'sid_hash', 'dn_hash']) {
    if (typeof ids[name] === 'string') keys.push(`${name}:${ids[name] as string}`);
  }
  if (ids['ksc_trustee_id'] !== undefined && ids['ksc_trustee_sfx'] !== undefined) {
    keys.push(`trustee:${String(ids['ksc_trustee_id'])}/${String(ids['ksc_trustee_sfx'])}`);
  }
  return keys;
}

/** A directory as a receiver that applies every event would hold it: objects by uid, memberships by uid pair. */
export interface AppliedDirectory {
  readonly users: Map<string, Ids>;
  readonly groups: Map<string, Ids>;
  /** `groupUid → memberUid` pairs. */
  readonly memberships: Set<string>;
  readonly resetOpen: boolean;
}

/**
 * Applies events as seed 003 describes them: deduplicated by id, in `time` order (ties by id), a reset opening a
 * new generation that replaces the old one on completion.
 */
export function applyAll(received: readonly ReceivedEvent[]): AppliedDirectory {
  const seen = new Set<string>();
  const ordered = received
    .filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)))
    .sort((a, b) => (a.time ?? '').localeCompare(b.time ?? '') || a.id.localeCompare(b.id));
  const fresh = () => ({
    users: new Map<string, Ids>(),
    groups: new Map<string, Ids>(),
    memberships: new Set<string>(),
    index: new Map<string, string>(),
  });
  let current = fresh();
  let pending: ReturnType<typeof fresh> | undefined;
  for (const event of ordered) {
    const data = event.data ?? {};
    if (event.type === 'ds_info_reset') {
      pending = fresh();
      continue;
    }
    if (event.type === 'ds_info_reset_complete') {
      if (pending !== undefined) current = pending;
      pending = undefined;
      continue;
    }
    const target = pending ?? current;
    const resolve = (ids: Ids): string | undefined =>
      keysOf(ids)
        .map((k) => target.index.get(k))
        .find((uid) => uid !== undefined);
    const chunk = (data['ds_ids_chunk'] ?? []) as Ids[];
    switch (event.type) {
      case 'ds_user_info':
      case 'ds_group_info': {
        const info = data['ds_info'] as Ids;
        const uid = info['uid'] as string;
        (event.type === 'ds_user_info' ? target.users : target.groups).set(uid, info);
        for (const key of keysOf({
          ...info,
          ksc_trustee_id: data['ksc_trustee_id'],
          ksc_trustee_sfx: data['ksc_trustee_sfx'],
        })) {
          target.index.set(key, uid);
        }
        break;
      }
      case 'ds_obj_deleted':
        for (const item of chunk) {
          const uid = resolve(item);
          if (uid === undefined) continue;
          target.users.delete(uid);
          target.groups.delete(uid);
          for (const pair of [...target.memberships]) {
            const [g, m] = pair.split('→');
            if (g === uid || m === uid) target.memberships.delete(pair);
          }
        }
        break;
      default: {
        const subject = resolve(data['ds_ids'] as Ids);
        if (subject === undefined) throw new Error(`${event.id}: unknown subject`);
        for (const item of chunk) {
          const other = resolve(item);
          if (other === undefined) throw new Error(`${event.id}: unknown chunk item ${JSON.stringify(item)}`);
          const byGroup = event.type.startsWith('ds_group_members');
          const pair = byGroup ? `${subject}→${other}` : `${other}→${subject}`;
          if (event.type.endsWith('_deleted')) target.memberships.delete(pair);
          else target.memberships.add(pair);
        }
      }
    }
  }
  return { ...current, resetOpen: pending !== undefined };
}
