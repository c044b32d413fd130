import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  startTestEmulator,
  type KscCaller,
  type TestEmulator,
} from '../../support/ksc-emulator.ts';

const VIEW = 'ACHostExeFilesSrvViewName';
const FIELDS = ['FILE_ID', 'FILE_NAME', 'HOST_NAME', 'HOST_DN', 'FILE_PATH'];
/** True of every file instance: adding it makes the filter name a file attribute, so nothing is pushed down. */
const ALWAYS = '(FILE_ID > 0)';

describe.each(BACKENDS)('SrvView: filters on host attributes pushed down (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  beforeAll(async () => {
    emu = await startTestEmulator(backend, { hosts: 120, events: 200 });
    admin = await emu.session();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('answers exactly what building every record and filtering answers, in the same order', async () => {
    const hosts = emu.ksc.world.hostsOf(0);
    const [a, b] = [hosts[3]!, hosts[40]!];
    const dn = String(a.attributes['KLHST_WKS_DN']);
    const hostOnly = [
      `(HOST_NAME = "${a.id}")`,
      `(|(HOST_NAME = "${a.id}")(HOST_NAME = "${b.id}"))`,
      `(HOST_DN = "${dn.slice(0, 3)}*")`,
      `(!(HOST_NAME = "${a.id}"))`,
      '(HOST_NAME = "no-such-host")',
    ];
    for (const filter of hostOnly) {
      const pushed = await admin.viewAll(VIEW, { filter, fields: FIELDS, page: 500 });
      const built = await admin.viewAll(VIEW, { filter: `(&${filter}${ALWAYS})`, fields: FIELDS, page: 500 });
      expect(pushed).toEqual(built);
    }
    const one = await admin.viewAll(VIEW, { filter: hostOnly[0]!, fields: FIELDS });
    expect(one.length).toBeGreaterThan(0);
    expect(one.every((r) => r['HOST_NAME'] === a.id)).toBe(true);
    // Ordered views too: the order is applied after matching.
    const order = [{ Name: 'FILE_NAME', Asc: false }];
    expect(await admin.viewAll(VIEW, { filter: hostOnly[1]!, fields: FIELDS, order, page: 500 })).toEqual(
      await admin.viewAll(VIEW, { filter: `(&${hostOnly[1]}${ALWAYS})`, fields: FIELDS, order, page: 500 }),
    );
  });

  it('confines a pushed-down filter to the caller’s virtual server', async () => {
    const mainHost = emu.ksc.world.hostsOf(0)[0]!.id;
    const branch = await emu.session('admin', 'vs-branch');
    expect(await branch.viewAll(VIEW, { filter: `(HOST_NAME = "${mainHost}")` })).toEqual([]);
  });
});
