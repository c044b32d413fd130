import { describe, expect, it } from 'vitest';
import { HANDLED_MARK, runOtIncident, withEmulatedPlant } from '../../examples/ot-incident.ts';

describe('examples/ot-incident.ts', () => {
  it('follows a KICS system-command alert to the KSC host behind it, scans and isolates it, and closes the alert', async () => {
    const lines: string[] = [];
    await withEmulatedPlant(async ({ ksc, kics, ctx }) => {
      const before = Date.now();
      const run = await runOtIncident(ctx, (line) => lines.push(line));
      const commands = run.steps.map((s) => s.command);
      expect(commands.slice(0, 3)).toEqual(['kics_list_event_types', 'kics_list_events', 'resolve_asset']);
      expect(commands.slice(-4)).toEqual([
        'scan_hosts',
        'isolate_hosts',
        'kics_update_event',
        'kics_set_device_status',
      ]);
      expect(run.steps.every((s) => s.status === 'Successful')).toBe(true);
      expect(lines.join('\n')).toContain('isolation: isolated');

      // The alert was a system command sent by the device the playbook acted on, read back from KICS itself.
      const event = (await kics.store.events.get(run.eventId!))!;
      expect(event.title).toBe('System command detected');
      expect([event.status, event.mark]).toEqual(['Resolved', HANDLED_MARK]);
      const device = (await kics.store.devices.get(run.deviceId!))!;
      expect(device.status).toBe('Unauthorized');
      const deviceIps = device.addressInformation.flatMap((a) => a.ipAddresses.map((i) => i.ip));
      expect(event.communications.some((c) => deviceIps.includes(c.source.ipAddress ?? ''))).toBe(true);

      // …and it is the same machine as the KSC host that was scanned: same name and IP in both worlds.
      const host = ksc.world.hosts.get(run.hostId!)!;
      expect(host.attributes['KLHST_WKS_DN']).toBe(device.name);
      const scanned = host.attributes['KLHST_WKS_LAST_FULLSCAN'];
      expect(scanned).toBeInstanceOf(Date);
      expect((scanned as Date).getTime()).toBeGreaterThan(before - 86_400_000);
    });
  });
});
