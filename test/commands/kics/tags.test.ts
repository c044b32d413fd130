import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kicsGetTag } from '../../../src/commands/kics/get-tag.ts';
import { kicsListTags } from '../../../src/commands/kics/list-tags.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import type { Tag } from '../../../src/kics/model.ts';
import { expectRefusedBeforeAnyRequest } from './before-any-request.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

describe('kics_list_tags and kics_get_tag', () => {
  let h: KicsCommandHarness;
  let every: Tag[];
  beforeAll(async () => {
    h = await startKicsCommandHarness({ devices: 300, events: 20 });
    const kics = h.factory.vendorClient('plant') as KicsClient;
    every = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await kics.queryTags({ offset, limit: 1000 });
      every.push(...page.values);
      if (page.values.length < 1000) break;
    }
    every.sort((a, b) => a.id - b.id);
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('lists every tag sorted by id, with its last value read out of KICS’s JSON text', async () => {
    expect(every.length).toBeGreaterThan(10);
    const result = await h.run(kicsListTags, { limit: 100_000 });
    expect(result.keyFields['TagIds']).toEqual(every.map((t) => t.id));
    expect(result.keyFields['TagsCount']).toBe(every.length);
    const records = result.context as Array<{ id: number; value: unknown; address: unknown }>;
    for (const [index, tag] of every.entries()) {
      const parsed = JSON.parse(tag.operativeParameters) as { d: { value: { v: unknown } } };
      expect(records[index]!.value, tag.name).toEqual(parsed.d.value.v);
      expect(records[index]!.address).toEqual(JSON.parse(tag.address));
    }
  });

  it('pages with offset and limit and says when more are there', async () => {
    const page = await h.run(kicsListTags, { offset: 2, limit: 4 });
    expect(page.keyFields['TagIds']).toEqual(every.slice(2, 6).map((t) => t.id));
    expect(page.keyFields['MoreAvailable']).toBe(true);
    const last = await h.run(kicsListTags, { offset: every.length - 1, limit: 4 });
    expect(last.keyFields['TagIds']).toEqual([every[every.length - 1]!.id]);
    expect(last.keyFields['MoreAvailable']).toBe(false);
  });

  it('filters by device, protocol, name and favourite', async () => {
    const ids = (list: Tag[]) => list.map((t) => t.id);
    const device = every[every.length - 1]!.assetId;
    const byDevice = await h.run(kicsListTags, { deviceId: device, limit: 100_000 });
    expect(byDevice.keyFields['TagIds']).toEqual(ids(every.filter((t) => t.assetId === device)));
    expect(byDevice.keyFields['DeviceIds']).toEqual([device]);
    const protocol = every[0]!.protocol;
    const byProtocol = await h.run(kicsListTags, { protocol, limit: 100_000 });
    expect(byProtocol.keyFields['TagIds']).toEqual(ids(every.filter((t) => t.protocol === protocol)));
    const name = every[0]!.name;
    const byName = await h.run(kicsListTags, { name, limit: 100_000 });
    expect(byName.keyFields['TagIds']).toEqual(ids(every.filter((t) => t.name === name)));
    const favourites = await h.run(kicsListTags, { favourite: true, limit: 100_000 });
    expect(favourites.keyFields['TagIds']).toEqual(ids(every.filter((t) => t.favourite)));
  });

  it('fails a bad filter before any request, naming the field', async () => {
    await expectRefusedBeforeAnyRequest(
      h,
      kicsListTags,
      [
        [{ deviceId: 0 }, 'deviceId'],
        [{ protocol: '' }, 'protocol'],
        [{ favourite: 'yes' }, 'favourite'],
        [{ limit: 0 }, 'limit'],
      ],
      {},
    );
  });

  it('reads one tag with its device, value and scaling', async () => {
    const tag = every.find((t) => t.scaling.type === 'Linear') ?? every[0]!;
    const result = await h.run(kicsGetTag, { tagId: tag.id });
    expect(result.status).toBe('Successful');
    const parsed = JSON.parse(tag.operativeParameters) as { d: { value: { v: unknown } } };
    expect(result.keyFields).toEqual({
      TagId: tag.id,
      TagName: tag.name,
      DeviceId: tag.assetId,
      DeviceName: tag.assetName,
      Protocol: tag.protocol,
      DataType: tag.tagDataType,
      Value: parsed.d.value.v,
      MeasureUnit: tag.measureUnit,
    });
    const scaling = result.result.rows.find((r) => r[0] === 'Scaling');
    expect(String(scaling?.[1])).toMatch(/^Linear: /);
  });

  it('fails with 404 for a tag that does not exist, and with 400 for an id that cannot be one', async () => {
    const missing = await h.run(kicsGetTag, { tagId: 987654 });
    expect(missing.errors[0]).toMatchObject({
      failureIndicator: 'KICS Get Tag failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
    });
    const bad = await h.run(kicsGetTag, { tagId: -3 });
    expect(bad.errors[0]).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(bad.errors[0]?.message).toContain('(tagId)');
  });
});
