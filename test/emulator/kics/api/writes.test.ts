/**
 * Writes through the real KICS emulator on SQLite and PostgreSQL, and their validation: allowing rules, devices
 * (edit, removal with their tags and vulnerabilities, creation with whatIfDuplicate and the industrial
 * configuration's consents), events (edit, registration). Each write leaves an audit entry naming the connector's
 * user; a refused write changes nothing.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CONNECTOR_USER } from '../../../../src/emulator/kics/auth/kics-auth.ts';
import type { AllowRule, AuditEntry, Device, KicsEvent } from '../../../../src/kics/model.ts';
import {
  API,
  BACKENDS,
  startKicsApiHarness,
  valuesOf,
  type Answer,
  type Backend,
  type KicsApiHarness,
} from './harness.ts';

const ADDRESS = [{ macAddress: '02:00:00:00:aa:01', ipAddresses: [{ ip: '10.77.0.1' }] }];

describe.each(BACKENDS)('KICS API writes (%s)', (backend: Backend) => {
  let h: KicsApiHarness;
  beforeAll(async () => {
    h = await startKicsApiHarness(backend, backend === 'postgres' ? inject('pgUrl') : undefined);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function read<T>(target: string): Promise<T> {
    const answer = await h.api('GET', target);
    expect(answer.status).toBe(200);
    return answer.json as T;
  }

  async function query<T>(collection: string, body: unknown): Promise<T[]> {
    return valuesOf<T>(await h.api('POST', `/${collection}/query`, body));
  }

  /** The newest audit entry of `action`. */
  async function lastAudit(action: string): Promise<AuditEntry | undefined> {
    const [entry] = await query<AuditEntry>('audit-messages', {
      filter: [{ field: 'action', value: action }],
      sort: [{ column: 'id', order: 'desc' }],
      limit: 1,
    });
    return entry;
  }

  async function auditCount(): Promise<number> {
    return (await query<AuditEntry>('audit-messages', {})).length;
  }

  function expectAudited(entry: AuditEntry | undefined, description: RegExp): void {
    expect(entry).toMatchObject({ user: CONNECTOR_USER, result: 'Success' });
    expect(entry?.description).toMatch(description);
    expect(entry?.description).toContain('connector kconnect');
  }

  /** Runs a refused write and checks that it changed neither `target` nor the audit log. */
  async function expectRefusedUnchanged(
    target: string,
    write: () => Promise<Answer>,
    status: number,
  ): Promise<Answer> {
    const before = await h.api('GET', target);
    const audits = await auditCount();
    const answer = await write();
    expect([answer.status, answer.text]).toEqual([status, expect.any(String)]);
    expect((await h.api('GET', target)).json).toEqual(before.json);
    expect(await auditCount()).toBe(audits);
    return answer;
  }

  describe('allowing rules', () => {
    it('PATCH and PUT switch a rule, persist it, move timestampModified and are audited', async () => {
      const [rule] = await query<AllowRule>('allow-rules', {
        filter: [{ field: 'IsActive', value: true }],
        limit: 1,
      });
      expect(rule).toBeDefined();
      const id = rule?.id ?? 0;
      await h.control('POST', '/clock/advance', { seconds: 60 });
      expect((await h.api('PATCH', `/allow-rules/${id}`, { IsActive: false })).status).toBe(200);
      const patched = await read<AllowRule>(`/allow-rules/${id}`);
      expect(patched.isActive).toBe(false);
      expect(patched.timestampModified > (rule?.timestampModified ?? '')).toBe(true);
      expect({ ...patched, isActive: true, timestampModified: '' }).toEqual({
        ...rule,
        timestampModified: '',
      });
      expectAudited(await lastAudit('Edit allowing rule'), new RegExp(`Allowing rule ${id} disabled`));

      expect((await h.api('PUT', `/allow-rules/${id}`, { isActive: true })).status).toBe(200);
      expect((await read<AllowRule>(`/allow-rules/${id}`)).isActive).toBe(true);
      expectAudited(await lastAudit('Edit allowing rule'), new RegExp(`Allowing rule ${id} enabled`));
    });

    it('refuses an edit without a boolean isActive, changing nothing', async () => {
      const [rule] = await query<AllowRule>('allow-rules', { limit: 1 });
      const target = `/allow-rules/${rule?.id ?? 0}`;
      const answer = await expectRefusedUnchanged(
        target,
        () => h.api('PATCH', target, { isActive: 'yes' }),
        400,
      );
      expect(answer.json).toEqual({ errorMessage: 'Incorrect parameters: isActive=yes' });
      await expectRefusedUnchanged(target, () => h.api('PATCH', target, { comment: 'x' }), 400);
      expect((await h.api('PATCH', '/allow-rules/9999999', { isActive: true })).status).toBe(404);
    });

    it('removes a rule (then 404) and audits it', async () => {
      const [rule] = await query<AllowRule>('allow-rules', { offset: 3, limit: 1 });
      const id = rule?.id ?? 0;
      expect((await h.api('DELETE', `/allow-rules/${id}`)).status).toBe(200);
      expect((await h.api('GET', `/allow-rules/${id}`)).status).toBe(404);
      expect(await query('allow-rules', { filter: [{ field: 'Id', value: id }] })).toEqual([]);
      expect((await h.api('DELETE', `/allow-rules/${id}`)).status).toBe(404);
      expectAudited(await lastAudit('Remove allowing rule'), new RegExp(`Allowing rule ${id} removed`));
    });
  });

  describe('devices', () => {
    async function industrialDevice(): Promise<Device> {
      const [device] = await query<Device>('devices', {
        filter: [{ field: 'hasIndustrialConfig', value: true }],
        limit: 1,
      });
      expect(device).toBeDefined();
      return device as Device;
    }

    it('PUT and PATCH change the fields they name, keep the rest, and are audited', async () => {
      const [device] = await query<Device>('devices', {
        filter: [{ field: 'hasIndustrialConfig', value: false }],
        limit: 1,
      });
      const id = device?.id ?? 0;
      const put = await h.api('PUT', `/devices/${id}`, {
        Description: 'edited by PUT',
        os: 'Linux 6',
        labels: ['a', 'b'],
        userAttributes: [{ name: 'owner', value: 'ops' }],
      });
      expect(put.json).toEqual({ status: 'Updated', errors: [] });
      const afterPut = await read<Device>(`/devices/${id}`);
      expect(afterPut).toMatchObject({ description: 'edited by PUT', os: 'Linux 6', labels: ['a', 'b'] });
      expect(afterPut.userAttributes).toEqual([{ name: 'owner', value: 'ops' }]);
      expect(afterPut.name).toBe(device?.name);
      expectAudited(await lastAudit('Edit device'), new RegExp(`Device ${id} edited`));

      const renamed = `renamed-${backend}-${id}`;
      expect((await h.api('PATCH', `/devices/${id}`, { name: renamed, os: null, labels: null })).status).toBe(
        200,
      );
      const afterPatch = await read<Device>(`/devices/${id}`);
      expect(afterPatch).toMatchObject({ name: renamed, os: null, labels: [], description: 'edited by PUT' });
      expect(
        await query('devices', { filter: [{ field: 'name', value: renamed.toUpperCase() }] }),
      ).toHaveLength(1);
    });

    it('takes a device back as it was read (GET, then PUT of the same document): only lastModified moves', async () => {
      for (const industrial of [false, true]) {
        const [device] = await query<Device>('devices', {
          filter: [{ field: 'hasIndustrialConfig', value: industrial }],
          offset: 5,
          limit: 1,
        });
        const target = `/devices/${device?.id ?? 0}`;
        expect((await h.api('PUT', target, device)).json).toEqual({ status: 'Updated', errors: [] });
        expect({ ...(await read<Device>(target)), lastModified: '' }).toEqual({
          ...device,
          lastModified: '',
        });
      }
    });

    it('refuses a name another device has (any case) with 409, changing nothing', async () => {
      const [a, b] = await query<Device>('devices', { offset: 10, limit: 2 });
      const target = `/devices/${a?.id ?? 0}`;
      const answer = await expectRefusedUnchanged(
        target,
        () => h.api('PUT', target, { name: (b?.name ?? '').toUpperCase() }),
        409,
      );
      expect(answer.json).toEqual({
        status: 'Error',
        errors: [expect.stringMatching(/^name: device \d+ is already named/)],
      });
    });

    it('asks consent to change the addresses or category of a device with an industrial configuration', async () => {
      const device = await industrialDevice();
      const target = `/devices/${device.id}`;
      const answer = await expectRefusedUnchanged(
        target,
        () => h.api('PUT', target, { category: 'Server' }),
        400,
      );
      expect(answer.json).toEqual({
        status: 'Error',
        errors: [expect.stringMatching(/^allowProcessControlSettingsUpdate: /)],
      });
      await expectRefusedUnchanged(target, () => h.api('PUT', target, { addressInformation: ADDRESS }), 400);
      // Another field needs no consent; with consent the category changes.
      expect((await h.api('PUT', target, { description: 'no consent needed' })).status).toBe(200);
      expect(
        (await h.api('PUT', target, { category: 'Server', allowProcessControlSettingsUpdate: true })).status,
      ).toBe(200);
      expect((await read<Device>(target)).category).toBe('Server');
    });

    it('names every bad field of a body in {status: "Error", errors}, changing nothing', async () => {
      const [device] = await query<Device>('devices', { offset: 20, limit: 1 });
      const target = `/devices/${device?.id ?? 0}`;
      const answer = await expectRefusedUnchanged(
        target,
        () =>
          h.api('PUT', target, {
            name: '',
            category: 'Toaster',
            isRouter: 'yes',
            addressInformation: [{ macAddress: 'zz', ipAddresses: [{ ip: '300.1.1.1' }] }],
            labels: [1],
          }),
        400,
      );
      const errors = (answer.json as { status: string; errors: string[] }).errors;
      expect((answer.json as { status: string }).status).toBe('Error');
      for (const field of [
        'name',
        'category',
        'isRouter',
        'addressInformation[0].macAddress',
        'addressInformation[0].ipAddresses[0].ip',
        'labels',
      ])
        expect(errors.some((error) => error.startsWith(`${field}:`))).toBe(true);
      expect(errors).toHaveLength(6);
    });

    it('removes a device with its tags and vulnerability entries', async () => {
      const tags = await query<{ assetId: number }>('tags', {});
      const vulnerabilities = await query<{ assetId: number }>('vulnerabilities', {});
      const id = tags
        .map((tag) => tag.assetId)
        .find((assetId) => vulnerabilities.some((v) => v.assetId === assetId));
      expect(id).toBeDefined();
      const device = await read<Device>(`/devices/${id}`);
      expect((await h.api('DELETE', `/devices/${id}`)).status).toBe(200);
      expect((await h.api('GET', `/devices/${id}`)).status).toBe(404);
      expect(await query('tags', { filter: [{ field: 'assetId', value: id }] })).toEqual([]);
      expect(
        (
          await query<{ assetId: number }>('vulnerabilities', {
            filter: [{ field: 'assetName', value: device.name }],
          })
        ).filter((v) => v.assetId === id),
      ).toEqual([]);
      expect((await h.api('GET', `/devices/${id}/protocols`)).status).toBe(404);
      expectAudited(await lastAudit('Remove device'), new RegExp(`Device ${id} removed`));
      expect((await h.api('DELETE', `/devices/${id}`)).status).toBe(404);
    });

    it('creates a device: Created, then 409 without whatIfDuplicate, Skipped, Overwritten', async () => {
      const name = `created-${backend}`;
      const created = await h.api('POST', '/devices', {
        name,
        addressInformation: ADDRESS,
        category: 'Plc',
        os: 'RTOS',
      });
      expect(created.json).toMatchObject({ status: 'Created', deviceId: expect.any(Number) });
      const id = (created.json as { deviceId: number }).deviceId;
      const device = await read<Device>(`/devices/${id}`);
      expect(device).toMatchObject({
        name,
        category: 'Plc',
        os: 'RTOS',
        status: 'Recognized',
        securityState: 'Ok',
      });
      expect(device.addressInformation).toEqual(ADDRESS);
      expectAudited(await lastAudit('Add device'), new RegExp(`Device ${id} created`));

      const audits = await auditCount();
      const duplicate = await h.api('POST', '/devices', {
        name: name.toUpperCase(),
        addressInformation: ADDRESS,
      });
      expect(duplicate.status).toBe(409);
      expect(duplicate.json).toEqual({
        status: 'Error',
        errors: [expect.stringMatching(/^name: .*whatIfDuplicate/)],
      });
      expect(await auditCount()).toBe(audits);

      const skipped = await h.api('POST', '/devices', {
        name,
        addressInformation: ADDRESS,
        whatIfDuplicate: 'Skip',
        os: 'other',
      });
      expect(skipped.json).toEqual({ status: 'Skipped', deviceId: id });
      expect((await read<Device>(`/devices/${id}`)).os).toBe('RTOS');

      const overwritten = await h.api('POST', '/devices', {
        name,
        addressInformation: [{ macAddress: null, ipAddresses: [{ ip: '10.77.0.2' }] }],
        whatIfDuplicate: 'overwrite',
      });
      expect(overwritten.json).toEqual({ status: 'Overwritten', deviceId: id });
      const replaced = await read<Device>(`/devices/${id}`);
      expect(replaced).toMatchObject({ id, name, category: 'Other', os: null, created: device.created });
      expect(replaced.addressInformation).toEqual([{ macAddress: null, ipAddresses: [{ ip: '10.77.0.2' }] }]);
    });

    it('overwrites a device with an industrial configuration only with allowProcessControlSettingsLoss', async () => {
      const device = await industrialDevice();
      const target = `/devices/${device.id}`;
      const body = { name: device.name, addressInformation: ADDRESS, whatIfDuplicate: 'Overwrite' };
      const answer = await expectRefusedUnchanged(target, () => h.api('POST', '/devices', body), 400);
      expect(answer.json).toEqual({
        status: 'Error',
        errors: [expect.stringMatching(/^allowProcessControlSettingsLoss: /)],
      });
      const allowed = await h.api('POST', '/devices', { ...body, allowProcessControlSettingsLoss: true });
      expect(allowed.json).toEqual({ status: 'Overwritten', deviceId: device.id });
      expect((await read<Device>(target)).processControlSettings).toBeNull();
    });

    it.each([
      ['not JSON', '{'],
      ['an array', '[1]'],
      ['empty', ''],
    ])(
      'refuses a device body that is %s in the device shape {status: "Error", errors: ["body: …"]}',
      async (_what, raw) => {
        const [device] = await query<Device>('devices', { offset: 30, limit: 1 });
        const target = `/devices/${device?.id ?? 0}`;
        const edit = await expectRefusedUnchanged(
          target,
          () => h.call('PUT', `${API}${target}`, { raw, contentType: 'application/json' }),
          400,
        );
        expect(edit.json).toEqual({ status: 'Error', errors: [expect.stringMatching(/^body: /)] });
        const create = await h.call('POST', `${API}/devices`, { raw, contentType: 'application/json' });
        expect(create.status).toBe(400);
        expect(create.json).toEqual({ status: 'Error', errors: [expect.stringMatching(/^body: /)] });
      },
    );

    it('never gives a new device the id of a removed one', async () => {
      const [highest] = await query<Device>('devices', { sort: [{ column: 'id', order: 'desc' }], limit: 1 });
      const removed = highest?.id ?? 0;
      expect((await h.api('DELETE', `/devices/${removed}`)).status).toBe(200);
      const created = await h.api('POST', '/devices', {
        name: `after-removal-${backend}`,
        addressInformation: ADDRESS,
      });
      expect((created.json as { deviceId: number }).deviceId).toBeGreaterThan(removed);
      const added = await h.control('POST', '/devices', { count: 1 });
      expect((added.json as { ids: number[] }).ids[0]).toBeGreaterThan(
        (created.json as { deviceId: number }).deviceId,
      );
    });

    it('creates one device when the same name arrives in parallel; the others are 409', async () => {
      const body = { name: `parallel-${backend}`, addressInformation: ADDRESS };
      const answers = await Promise.all(Array.from({ length: 6 }, () => h.api('POST', '/devices', body)));
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
      expect(await query('devices', { filter: [{ field: 'name', value: body.name }] })).toHaveLength(1);
    });

    it('refuses a creation without name and addresses, naming both', async () => {
      const answer = await h.api('POST', '/devices', { description: 'nameless' });
      expect(answer.status).toBe(400);
      const errors = (answer.json as { errors: string[] }).errors;
      expect(errors.map((error) => error.split(':')[0])).toEqual(['name', 'addressInformation']);
    });
  });

  describe('events', () => {
    it('edits status and mark; Resolved sets endTime; null clears the mark; audited', async () => {
      const [event] = await query<KicsEvent>('events', {
        filter: [{ field: 'status', value: 'Proposed' }],
        limit: 1,
      });
      const id = event?.id ?? 0;
      // Unresolved events carry the end of their regenerate timeout (decision 0031); an edit keeps it.
      const endTime = event?.endTime ?? null;
      expect((await h.api('PATCH', `/events/${id}`, { status: 'Active', mark: 5 })).status).toBe(200);
      expect(await read<KicsEvent>(`/events/${id}`)).toMatchObject({
        status: 'Active',
        mark: 5,
        endTime,
      });
      expectAudited(await lastAudit('Edit event'), new RegExp(`Event ${id}: status Active, mark 5`));

      const now = h.emulator.clock.now();
      expect((await h.api('PUT', `/events/${id}`, { Status: 'resolved' })).status).toBe(200);
      const resolved = await read<KicsEvent>(`/events/${id}`);
      expect(resolved.status).toBe('Resolved');
      expect(Math.abs(Date.parse(resolved.endTime ?? '') - now)).toBeLessThan(5_000);
      expect(resolved.endTime).not.toBe(endTime);
      expect(
        await query('events', {
          filter: [
            { field: 'id', value: id },
            { field: 'status', value: 'Resolved' },
          ],
        }),
      ).toHaveLength(1);

      expect((await h.api('PATCH', `/events/${id}`, { mark: null })).status).toBe(200);
      expect((await read<KicsEvent>(`/events/${id}`)).mark).toBe(0);
    });

    it.each([
      [{ mark: 8 }, 'Incorrect parameters: mark=8'],
      [{ mark: 1.5 }, 'Incorrect parameters: mark=1.5'],
      [{ status: 'Closed' }, 'Incorrect parameters: status=Closed'],
      [{}, 'Incorrect parameters: body=no status or mark'],
    ])('refuses the edit %j with 400, changing nothing', async (body, message) => {
      const [event] = await query<KicsEvent>('events', { offset: 40, limit: 1 });
      const target = `/events/${event?.id ?? 0}`;
      const answer = await expectRefusedUnchanged(target, () => h.api('PATCH', target, body), 400);
      expect(answer.json).toEqual({ errorMessage: message });
    });

    it('registers an event: {eventId}, readable and queryable, audited', async () => {
      const answer = await h.api('POST', '/events', {
        title: `registered-${backend}`,
        severity: 'critical',
        description: 'from outside',
        startTime: '2026-01-02T03:04:05Z',
        params: { host: 'plc-1' },
      });
      expect(answer.status).toBe(200);
      const id = (answer.json as { eventId: number }).eventId;
      const event = await read<KicsEvent>(`/events/${id}`);
      expect(event).toMatchObject({
        id,
        title: `registered-${backend}`,
        severity: 'Critical',
        description: 'from outside',
        technology: 'External',
        status: 'Proposed',
        origin: 'User',
        startTime: '2026-01-02T03:04:05Z',
        params: [{ name: 'host', value: 'plc-1' }],
      });
      const found = await query<KicsEvent>('events', {
        filter: [
          { field: 'title', value: `REGISTERED-${backend}` },
          { field: 'technology', value: 'External' },
        ],
      });
      expect(found.map((e) => e.id)).toEqual([id]);
      expectAudited(await lastAudit('Register event'), new RegExp(`Event ${id} registered`));
      expect((await h.api('GET', `/events/${id}/traffic`)).status).toBe(404);
    });

    it('gives parallel registrations distinct ids, each readable', async () => {
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          h.api('POST', '/events', { title: `parallel-${i}`, severity: 'Info' }),
        ),
      );
      const eventIds = answers.map((answer) => (answer.json as { eventId: number }).eventId);
      expect(new Set(eventIds).size).toBe(8);
      for (const [i, id] of eventIds.entries())
        expect((await read<KicsEvent>(`/events/${id}`)).title).toBe(`parallel-${i}`);
    });

    it.each([
      [{ title: 'x', severity: 'Loud' }, 'Incorrect parameters: severity=Loud'],
      [{ severity: 'Info' }, 'Incorrect parameters: title=(missing)'],
      [{ title: 'x', severity: 'Info', startTime: 'yesterday' }, 'Incorrect parameters: startTime=yesterday'],
      [{ title: 'x', severity: 'Info', mark: 9 }, 'Incorrect parameters: mark=9'],
    ])('refuses the registration %j with 400, storing nothing', async (body, message) => {
      const before = (
        await query<KicsEvent>('events', { sort: [{ column: 'id', order: 'desc' }], limit: 1 })
      )[0];
      const answer = await h.api('POST', '/events', body);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ errorMessage: message });
      const after = (
        await query<KicsEvent>('events', { sort: [{ column: 'id', order: 'desc' }], limit: 1 })
      )[0];
      expect(after?.id).toBe(before?.id);
    });
  });
});
