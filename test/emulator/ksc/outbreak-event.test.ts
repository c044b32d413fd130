/**
 * Issue 21 part M (decision 0080): declaring an outbreak through the control API publishes the Administration
 * Server's critical "Virus outbreak" event, read back through EventProcessing and through the `ksc.events` intake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KscClient } from '../../../src/ksc/client/client.ts';
import { KscEventsSource, kscEventsOptions } from '../../../src/intake/sources/ksc-events.ts';
import {
  BACKENDS,
  startTestEmulator,
  TEST_PASSWORD,
  type KscCaller,
  type TestEmulator,
} from '../../support/ksc-emulator.ts';

type Event = Record<string, unknown>;
const signal = new AbortController().signal;

async function outbreakEvents(caller: KscCaller): Promise<Event[]> {
  const opened = await caller.call('EventProcessingFactory.CreateEventProcessing2', {
    pFilter: { KLEVP_RFC2254_FILTER: '(event_type = "GNRL_EV_VIRUS_OUTBREAK")' } as never,
    vecFieldsToReturn: [],
    vecFieldsToOrder: [{ Name: 'event_db_id', Asc: true }],
    lifetimeSec: 300,
  });
  const iterator = opened['strIteratorId'] as string;
  const range = await caller.call('EventProcessing.GetRecordRange', {
    strIteratorId: iterator,
    nStart: 0,
    nEnd: 100,
  });
  await caller.call('EventProcessing.ReleaseIterator', { strIteratorId: iterator });
  return (range['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: Event[] }).KLEVP_EVENT_RANGE_ARRAY;
}

describe.each(BACKENDS)('KSC emulator outbreak event (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  beforeAll(async () => {
    emu = await startTestEmulator(backend, { hosts: 20, events: 20 });
    admin = await emu.session();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('publishes GNRL_EV_VIRUS_OUTBREAK once per declared outbreak, with the type id of its kind', async () => {
    expect(await outbreakEvents(admin)).toEqual([]);
    const now = emu.ksc.world.clock.now();
    await emu.control('POST', '/__emulator/outbreaks', { type: 'virus' });
    // An outbreak in progress is not declared again: no second event.
    await emu.control('POST', '/__emulator/outbreaks', { type: 'virus' });
    await emu.control('POST', '/__emulator/outbreaks', { type: 'mail' });
    const events = await outbreakEvents(admin);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      event_type: 'GNRL_EV_VIRUS_OUTBREAK',
      event_type_display_name: 'Virus outbreak',
      event_type_id: 26,
      GNRL_EA_SEVERITY: 4,
      product_name: '1093',
      KLVSRV_ID: 0,
    });
    expect(events[0]).not.toHaveProperty('hostname');
    expect(events[1]).toMatchObject({ event_type_id: 27, GNRL_EA_PARAM_1: 'Mail Threat Protection' });
    const rise = Date.parse(
      String((events[0]!['rise_time'] as { value?: string }).value ?? events[0]!['rise_time']),
    );
    expect(Math.abs(rise - now)).toBeLessThan(1000);
  });

  it('is delivered by the ksc.events intake and stays on its virtual server', async () => {
    const client = new KscClient({ url: emu.url, credentials: { user: 'admin', password: TEST_PASSWORD } });
    const source = new KscEventsSource(
      client,
      kscEventsOptions.parse({ type: 'ksc.events', connection: 'lab', start: 'end' }),
    );
    try {
      const head = await source.next(undefined, 500, signal);
      await emu.control('POST', '/__emulator/outbreaks', { type: 'network-attack' });
      await emu.control('POST', '/__emulator/outbreaks', { type: 'virus', vserver: 'vs-branch' });
      const batch = await source.next(head.cursor, 500, signal);
      const delivered = batch.records.map((r) => r.data);
      expect(delivered).toEqual([
        expect.objectContaining({ event_type: 'GNRL_EV_VIRUS_OUTBREAK', event_type_id: 28 }),
      ]);
      const branch = await outbreakEvents(await emu.session('admin', 'vs-branch'));
      expect(branch).toEqual([expect.objectContaining({ event_type_id: 26 })]);
    } finally {
      await source.close();
      await client.close();
    }
  });
});
