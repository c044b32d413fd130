import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlaybook } from '../../examples/playbook.ts';
import { srvView } from '../../src/ksc/index.ts';
import { startCommandHarness, type CommandHarness } from '../commands/support.ts';

describe('examples/playbook.ts', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    // The demo's world (no virtual server), where an infected host has files in quarantine.
    h = await startCommandHarness({ hosts: 200, events: 5000, virtualServers: [] });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('runs the whole incident loop against the emulator: find, status, scan, wait, result, isolate, restore, release', async () => {
    const lines: string[] = [];
    const ctx = h.context();
    const run = await runPlaybook(ctx, (line) => lines.push(line));
    const commands = run.steps.map((s) => s.command);
    // Critical hosts first; the playbook moves on to hosts with warnings only when no critical one qualifies.
    expect(commands.slice(0, 2)).toEqual(['list_hosts', 'get_host_status']);
    expect(commands.slice(-6)).toEqual([
      'scan_hosts',
      'get_scan_result',
      'isolate_hosts',
      'list_quarantine_files',
      'unquarantine_files',
      'unisolate_hosts',
    ]);
    expect(run.steps.every((s) => s.status === 'Successful')).toBe(true);
    expect(lines.join('\n')).toContain('isolation: isolated');
    expect(lines.at(-1)).toContain('isolation: not isolated');

    // The effects, read back from KSC itself: the host was scanned and is connected again; the file left quarantine.
    const host = h.emu.ksc.world.hosts.get(run.host!)!;
    expect(host.attributes['KLHST_WKS_LAST_FULLSCAN']).toBeInstanceOf(Date);
    expect((host.attributes['KLHST_WKS_LAST_FULLSCAN'] as Date).getTime()).toBeGreaterThan(
      Date.now() - 86_400_000,
    );
    const quarantined = await srvView(ctx.ksc, 'Quarantine', { fields: ['nId'] }).toArray();
    expect(run.restoredFileId).toBeTypeOf('number');
    expect(quarantined.map((q) => q['nId'])).not.toContain(run.restoredFileId);
  });
});
