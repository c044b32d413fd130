/** The test support's CEF and LEEF reader, on hand-written lines with every escape, before it judges the sink. */
import { describe, expect, it } from 'vitest';
import { parseCef, parseLeef } from '../../../support/cef-leef.ts';

describe('the CEF reader of the tests', () => {
  it('unescapes header pipes and backslashes and splits the extension at unescaped equals signs', () => {
    const line =
      'CEF:0|Kas\\|persky|Security\\\\Center|14.2|GNRLEV_VIRUS_FOUND|Virus \\| found|10|' +
      'rt=1700000000000 msg=a b\\=c d|e\\nnext\\\\line cs1=x=y\\=z cs1Label=with space filePath=C:\\\\dir\\\\f.exe';
    // `cs1=x=y…`: the second `=` is unescaped, so it reads as a key `x`… only if the sink forgot to escape.
    const lenient = parseCef(line.replace('cs1=x=y', 'cs1=x\\=y'));
    expect(lenient).toMatchObject({
      version: '0',
      vendor: 'Kas|persky',
      product: 'Security\\Center',
      productVersion: '14.2',
      signatureId: 'GNRLEV_VIRUS_FOUND',
      name: 'Virus | found',
      severity: '10',
    });
    expect(lenient.extension).toEqual({
      rt: '1700000000000',
      msg: 'a b=c d|e\nnext\\line',
      cs1: 'x=y=z',
      cs1Label: 'with space',
      filePath: 'C:\\dir\\f.exe',
    });
    // The unescaped form does not read back as written: the reader catches a sink that forgets to escape.
    expect(() => parseCef(line)).toThrow(/bad CEF key|twice/);
  });

  it('refuses a line with too few header fields', () => {
    expect(() => parseCef('CEF:0|Kaspersky|Security Center|1|2|name')).toThrow(/fewer than 7/);
  });
});

describe('the LEEF reader of the tests', () => {
  it('reads a hex delimiter, escaped header pipes and values with spaces and equals signs', () => {
    const event = parseLeef(
      'LEEF:2.0|Kaspersky|KICS for\\|Networks|4.0|Nic\\\\1|x09|devTime=2026-01-01T00:00:00.000Z\tsev=10\tmsg=a = b c',
    );
    expect(event).toEqual({
      version: '2.0',
      vendor: 'Kaspersky',
      product: 'KICS for|Networks',
      productVersion: '4.0',
      eventId: 'Nic\\1',
      delimiter: '\t',
      attributes: { devTime: '2026-01-01T00:00:00.000Z', sev: '10', msg: 'a = b c' },
    });
    expect(parseLeef('LEEF:2.0|V|P|1|E|^|a=1^b=2').attributes).toEqual({ a: '1', b: '2' });
    expect(parseLeef('LEEF:2.0|V|P|1|E|0x5e|a=1^b=2').delimiter).toBe('^');
    expect(() => parseLeef('LEEF:2.0|V|P|1|E|x09|a=1\tnovalue')).toThrow(/bad LEEF attribute/);
  });
});
