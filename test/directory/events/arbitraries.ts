/** fast-check generators of valid seed 003 events in their wire shape, for the checker's and receiver's tests. */
import fc from 'fast-check';
import { DIRECTORY_EVENT_TYPES, DIRECTORY_SOURCE } from '../../../src/directory/types.ts';
import { TYPE_RULES } from '../../../src/directory/events/index.ts';

type Wire = Record<string, unknown>;

const base64 = fc.uint8Array({ minLength: 1, maxLength: 24 }).map((b) => Buffer.from(b).toString('base64'));
const text = fc.string({ minLength: 1, maxLength: 20 });
/** A KSC number as the publisher may spell it: a decimal string or an integer. */
const kscNumber = fc.oneof(fc.nat({ max: 1 << 30 }).map(String), fc.nat({ max: 1 << 30 }));

export const idsArbitrary: fc.Arbitrary<Wire> = fc
  .record(
    {
      ds: fc.constantFrom('AD', 'LDAP'),
      uid: fc.uuid(),
      uid_bin: base64,
      sid_hash: base64,
      dn_hash: base64,
      trustee: fc.tuple(kscNumber, kscNumber),
    },
    { requiredKeys: [] },
  )
  .filter((ids) => ['uid', 'uid_bin', 'sid_hash', 'dn_hash', 'trustee'].some((k) => k in ids))
  .map(({ trustee, ...ids }) =>
    trustee === undefined ? ids : { ...ids, ksc_trustee_id: trustee[0], ksc_trustee_sfx: trustee[1] },
  );

const infoArbitrary: fc.Arbitrary<Wire> = fc.record(
  {
    ds: fc.constant('AD'),
    uid: fc.uuid(),
    uid_bin: base64,
    sid_bin: base64,
    sid_hash: base64,
    dn: text,
    dn_hash: base64,
    display_name: text,
    upn: text,
    sam_name: text,
    mail: text,
  },
  { requiredKeys: [] },
);

const dataValues: Record<string, fc.Arbitrary<unknown>> = {
  tenant_id: fc.uuid(),
  ksc_instance_id: fc.uuid(),
  ksc_vs_uid: text,
  ksc_vs_id: kscNumber,
  ksc_trustee_id: kscNumber,
  ksc_trustee_sfx: kscNumber,
  ds: fc.constantFrom('AD', 'LDAP'),
  ds_info: infoArbitrary,
  ds_info_original: infoArbitrary,
  ds_ids: idsArbitrary,
  ds_ids_chunk: fc.array(idsArbitrary, { maxLength: 5 }),
};

const time = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

/** A valid event of one type, in wire shape, with any subset of the type's optional attributes. */
export function eventArbitrary(type: (typeof DIRECTORY_EVENT_TYPES)[number]): fc.Arbitrary<Wire> {
  const rule = TYPE_RULES[type];
  const fields = Object.fromEntries([...rule.required, ...rule.optional].map((n) => [n, dataValues[n]!]));
  return fc
    .record({
      id: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
      time,
      data: fc.record(fields, { requiredKeys: [...rule.required] }),
    })
    .map(({ id, time: at, data }) => ({
      specversion: '1.0',
      id,
      source: DIRECTORY_SOURCE,
      type,
      time: at,
      data,
    }));
}

/** A valid event of any of the nine types. */
export const anyEventArbitrary = fc.oneof(...DIRECTORY_EVENT_TYPES.map(eventArbitrary));
