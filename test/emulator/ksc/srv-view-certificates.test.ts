import { describe, expect, it } from 'vitest';
import { CERTIFICATE_ATTRIBUTES } from '../../../src/emulator/ksc/inventory/certificates.ts';
import { BACKENDS, failure, useKscEmulator } from '../../support/ksc-emulator.ts';

const VIEW = 'ACExeFileCertificatesSrvViewName';
const FIELDS = [...CERTIFICATE_ATTRIBUTES];

describe.each(BACKENDS)('SrvView ACExeFileCertificatesSrvViewName (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 60, events: 100 });

  it("gives one certificate per publisher of the server's files, in the order of their first file", async () => {
    const files = await emu.admin.viewAll('ACExeFilesSrvViewName', {
      fields: ['FILE_ID', 'ORGANIZATION_NAME'],
      page: 500,
    });
    const publishers = [
      ...new Set(files.map((f) => String(f['ORGANIZATION_NAME'])).filter((name) => name !== '')),
    ];
    const certificates = await emu.admin.viewAll(VIEW, { fields: FIELDS, page: 7 });
    expect(certificates.map((c) => c['CERT_SUBJECT'])).toEqual(
      publishers.map((name) =>
        name === 'Microsoft Corporation'
          ? 'CN=Microsoft Windows, O=Microsoft Corporation, L=Redmond, S=Washington, C=US'
          : `CN=${name}, O=${name}`,
      ),
    );
    expect(certificates.length).toBeGreaterThan(1);
    for (const certificate of certificates) {
      expect((certificate['CERT_ID'] as Uint8Array).length).toBe(16);
      expect((certificate['CERT_SERIAL'] as Uint8Array).length).toBe(16);
      expect((certificate['CERT_THUMBPRINT'] as Uint8Array).length).toBe(20);
      expect(certificate['CERT_PUBLICKEY']).toBeInstanceOf(Uint8Array);
      expect(String(certificate['CERT_ISSUER'])).toMatch(/^CN=/);
      const from = certificate['CERT_VALIDFROM'] as Date;
      const to = certificate['CERT_VALIDTO'] as Date;
      expect(to.getTime()).toBeGreaterThan(from.getTime());
    }
    const thumbprints = new Set(
      certificates.map((c) => Buffer.from(c['CERT_THUMBPRINT'] as Uint8Array).toString('hex')),
    );
    expect(thumbprints.size).toBe(certificates.length);
  });

  it('filters and orders on its attributes, and rejects others', async () => {
    const all = await emu.admin.viewAll(VIEW, { fields: ['CERT_SUBJECT', 'CERT_ISSUER'], page: 100 });
    const microsoft = await emu.admin.viewAll(VIEW, {
      filter: '(CERT_ISSUER = "*Microsoft*")',
      fields: ['CERT_SUBJECT', 'CERT_ISSUER'],
      order: [{ Name: 'CERT_SUBJECT', Asc: true }],
      page: 100,
    });
    expect(microsoft).toEqual(all.filter((c) => String(c['CERT_ISSUER']).includes('Microsoft')));
    expect(microsoft.length).toBe(1);
    const unknown = await failure(
      emu.admin.call('SrvView.ResetIterator', {
        wstrViewName: VIEW,
        wstrFilter: '(FILE_ID = 1)',
        vecFieldsToReturn: [],
        vecFieldsToOrder: [],
        pParams: {},
        lifetimeSec: 60,
      }),
    );
    expect(unknown.pxgMessage).toContain("Unknown attribute 'FILE_ID'");
  });

  it('needs Basic functionality: Read, and is empty without the Managed-devices scope', async () => {
    const none = await emu.session('no-rights');
    const denied = await failure(none.call('SrvView.ResetIterator', { wstrViewName: VIEW, wstrFilter: '' }));
    expect(denied.pxgCode).toBe(1184);
    const serverOnly = await emu.session('server-only');
    expect(await serverOnly.viewAll(VIEW, { fields: ['CERT_SUBJECT'], page: 10 })).toEqual([]);
  });
});
