/** Intake records built from the emulators' generated worlds (in-process, no server): what the sources deliver. */
import { generateWorld } from '../../../../src/emulator/ksc/world/index.ts';
import { generateKicsWorld } from '../../../../src/emulator/kics/world/index.ts';
import { plainRecord } from '../../../../src/commands/ksc/shared/plain.ts';
import type {
  AssetChange,
  GapRecord,
  PlainObject,
  SourceType,
  VendorRecord,
} from '../../../../src/intake/types.ts';

const NOW = Date.parse('2025-01-01T00:00:00Z');
const CHANGES: readonly AssetChange[] = ['snapshot', 'added', 'changed', 'removed'];

function record(
  source: SourceType,
  key: string,
  time: string,
  data: PlainObject,
  change?: AssetChange,
): VendorRecord {
  return { kind: 'record', source, key, time, data, ...(change === undefined ? {} : { change }) };
}

/** JSON round trip: the entities as a client decodes them from the wire. */
const asPlain = (value: unknown): PlainObject => JSON.parse(JSON.stringify(value)) as PlainObject;

/** Vendor records by source (a `nats` source carries documents another pipeline mapped: none here). */
export function sampleRecords(): Record<
  Exclude<SourceType, 'nats'> | 'gap',
  Array<VendorRecord | GapRecord>
> {
  const ksc = generateWorld({ seed: 18, hosts: 60, events: 1500, now: NOW });
  const kics = generateKicsWorld({ seed: 18, devices: 120, events: 600, now: NOW });
  const kscEvents = [...ksc.events].map((event) => {
    const data = plainRecord(event.attributes);
    return record('ksc.events', String(event.id), String(data['rise_time']), data);
  });
  const kscHosts = ksc.hosts.map((host, i) =>
    record(
      'ksc.hosts',
      `${host.id}/${i}`,
      '2025-01-01T00:00:00Z',
      plainRecord(host.attributes),
      CHANGES[i % 4],
    ),
  );
  const kicsEvents = [...kics.events].map(({ event }) =>
    record('kics.events', String(event.id), event.startTime, asPlain(event)),
  );
  const audit = kics.auditEntries.map((entry) =>
    record('kics.audit', String(entry.id), entry.date, asPlain(entry)),
  );
  const messages = kics.applicationMessages.map((m) =>
    record('kics.app-messages', String(m.id), m.date, asPlain(m)),
  );
  const devices = kics.devices.map(({ device }, i) =>
    record('kics.devices', `${device.id}/${i}`, `${device.lastModified}Z`, asPlain(device), CHANGES[i % 4]),
  );
  const gap: GapRecord = {
    kind: 'gap',
    source: 'ksc.events',
    key: 'gap:1000',
    time: '2025-01-01T00:00:00Z',
    data: { after: { rise_time: '2024-12-02T00:00:00Z', event_db_id: 999 }, resumedAt: 1200, missing: 200 },
  };
  return {
    'ksc.events': kscEvents,
    'ksc.hosts': kscHosts,
    'kics.events': kicsEvents,
    'kics.audit': audit,
    'kics.app-messages': messages,
    'kics.devices': devices,
    gap: [gap],
  };
}
