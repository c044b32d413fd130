import { it } from 'vitest';
import { startKicsApiHarness, API, valuesOf } from './harness.ts';
it('probe', async () => {
  const h = await startKicsApiHarness('sqlite', undefined, { maxBodyBytes: 4096 });
  try {
    const log = (...a: unknown[]) => console.log('PROBE', ...a);
    async function* chunks() {
      yield Buffer.from('{"limit":1,"x":"');
      for (let i = 0; i < 10; i++) yield Buffer.from('x'.repeat(1000));
      yield Buffer.from('"}');
    }
    const r = await h.call('POST', `${API}/devices/query`, { raw: chunks() });
    log('chunked', r.status, r.text, r.headers['content-length'], r.headers['transfer-encoding']);
    async function* small() {
      yield Buffer.from('{"limit":');
      yield Buffer.from('1}');
    }
    log('chunked small', (await h.call('POST', `${API}/devices/query`, { raw: small() })).status);
    await h.control('POST', '/faults', { slowBodyBytesPerSecond: 200000 });
    const gz = await h.call('POST', `${API}/events/query`, {
      body: { limit: 200 },
      headers: { 'Accept-Encoding': 'gzip' },
    });
    log(
      'slow gzip',
      gz.status,
      gz.headers['content-encoding'],
      (gz.json as { values: unknown[] }).values.length,
    );
    const pcap = await h.call('GET', `${API}/events/1/traffic`);
    log('slow pcap', pcap.status, pcap.bytes.length);
    await h.control('DELETE', '/faults');
    const [d] = valuesOf<{ id: number }>(await h.api('POST', '/devices/query', { limit: 1 }));
    log('device PUT bad json', (await h.call('PUT', `${API}/devices/${d!.id}`, { raw: '{' })).text);
    log(
      'device POST empty',
      (await h.call('POST', `${API}/devices`, { raw: '', contentType: 'application/json' })).text,
    );
  } finally {
    await h.close();
  }
});
