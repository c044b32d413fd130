import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentWork } from '../../../src/emulator/ksc/agents/scheduler.ts';
import { BACKENDS, startTestEmulator, type TestEmulator } from '../../support/ksc-emulator.ts';

const SYNC_SECONDS = 40;

describe.each(BACKENDS)('simulated agents (%s)', (backend) => {
  let emu: TestEmulator;
  const done: Array<{ kind: string; dueAt: number; payload: unknown }> = [];
  beforeAll(async () => {
    emu = await startTestEmulator(backend, { agentSyncSeconds: SYNC_SECONDS });
    // "Not before the next sync" must not race the wall clock.
    await emu.control('POST', '/__emulator/clock/freeze', { frozen: true });
    const agents = emu.ksc.state.agents;
    const record = async (work: AgentWork) => {
      done.push({ kind: work.kind, dueAt: work.dueAt, payload: work.payload });
    };
    agents.on('test.record', record);
    // A follow-up already due when its parent runs happens in the same pass.
    agents.on('test.chain', async (work, scheduler) => {
      await record(work);
      await scheduler.schedule({
        vserverId: work.vserverId,
        hostId: work.hostId,
        dueAt: work.dueAt + 1000,
        kind: 'test.record',
        payload: 'follow-up',
      });
    });
    agents.on('test.fail', () => Promise.reject(new Error('handler broke')));
  });
  afterAll(async () => {
    await emu?.stop();
  });

  const advance = (seconds: number) => emu.control('POST', '/__emulator/clock/advance', { seconds });

  it('syncs each host once per interval at a phase of its own', () => {
    const agents = emu.ksc.state.agents;
    const now = emu.ksc.clock.now();
    const phases = new Set<number>();
    for (const host of emu.ksc.world.hostsOf(0).slice(0, 50)) {
      const next = agents.nextSync(host.id, now);
      expect(next).toBeGreaterThan(now);
      expect(next - now).toBeLessThanOrEqual(SYNC_SECONDS * 1000);
      expect(agents.nextSync(host.id, next)).toBe(next + SYNC_SECONDS * 1000);
      phases.add(next % (SYNC_SECONDS * 1000));
    }
    expect(phases.size).toBeGreaterThan(10);
  });

  it('does queued work at the host’s next sync, in due order, dated by when it fell due', async () => {
    done.length = 0;
    const [a, b] = emu.ksc.world.hostsOf(0);
    const agents = emu.ksc.state.agents;
    const dueA = await agents.atNextSync(a!.id, 'test.record', 'a');
    const dueB = await agents.atNextSync(b!.id, 'test.chain', 'b');
    const listed = (await emu.control('GET', `/__emulator/agents/work?hostId=${a!.id}`)).body as {
      pending: Array<{ kind: string }>;
    };
    expect(listed.pending.map((w) => w.kind)).toEqual(['test.record']);
    expect(done).toHaveLength(0);

    // A whole interval brings every host's next sync; the follow-up falls due a second after b's, hence + 2.
    const reply = (await advance(SYNC_SECONDS + 2)).body as { work: number };
    expect(reply.work).toBe(3);
    const expected = [
      { kind: 'test.record', dueAt: dueA, payload: 'a' },
      { kind: 'test.chain', dueAt: dueB, payload: 'b' },
      { kind: 'test.record', dueAt: dueB + 1000, payload: 'follow-up' },
    ].sort((x, y) => x.dueAt - y.dueAt);
    expect(done).toEqual(expected);
    expect(await agents.pending()).toHaveLength(0);
  });

  it('reports a failing handler and still does the work after it', async () => {
    done.length = 0;
    const [host] = emu.ksc.world.hostsOf(0);
    const agents = emu.ksc.state.agents;
    await agents.schedule({
      vserverId: 0,
      hostId: host!.id,
      dueAt: emu.ksc.clock.now() + 1000,
      kind: 'test.fail',
      payload: null,
    });
    await agents.schedule({
      vserverId: 0,
      hostId: host!.id,
      dueAt: emu.ksc.clock.now() + 2000,
      kind: 'test.record',
      payload: 'after',
    });
    await advance(3);
    expect(done.map((d) => d.payload)).toEqual(['after']);
    const state = (await emu.control('GET', '/__emulator/state')).body as {
      agents: { failures: number; lastFailure: string | null };
    };
    expect(state.agents.failures).toBe(1);
    expect(state.agents.lastFailure).toBe('test.fail: handler broke');
  });

  it('forgets pending work on a reset', async () => {
    const [host] = emu.ksc.world.hostsOf(0);
    await emu.ksc.state.agents.atNextSync(host!.id, 'test.record', 'lost');
    expect(await emu.ksc.state.agents.pending()).toHaveLength(1);
    await emu.control('POST', '/__emulator/reset');
    expect(await emu.ksc.state.agents.pending()).toHaveLength(0);
  });
});
