import { describe, expect, it } from 'vitest';
import {
  KNOWN_PXG_ERRORS,
  KscError,
  knownPxgError,
  parseWireJson,
  readPxgError,
  renderPxgMessage,
  stringifyWireJson,
  writePxgError,
} from '../../src/ksc/index.ts';
import { ERROR_CODES } from '../../src/errors.ts';

describe('PxgError', () => {
  it('reads the minimal body real servers send', () => {
    const info = readPxgError(
      parseWireJson('{"PxgError":{"code":1184,"message":"Access denied","module":"KLSTD"}}'),
    );
    expect(info).toEqual({ code: 1184, message: 'Access denied', module: 'KLSTD' });
    const error = new KscError(info!, { method: 'HostGroup.FindHosts', requestId: 'r-1' });
    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.httpStatus).toBe(403);
    expect(error.kscCode).toBe(1184);
    expect(error.method).toBe('HostGroup.FindHosts');
    expect(error.message).toBe('Access denied');
  });

  it('substitutes locdata arguments into the format, and round-trips the full shape', () => {
    const info = {
      code: 1186,
      subcode: 0,
      module: 'KLSTD',
      file: 'hst_srv.cpp',
      line: 412,
      message: "Unknown name of device '%1'",
      locdata: { format: "Unknown name of device '%1'", formatId: 7, locmodule: 'KLHST', args: ['WIN-42'] },
    };
    const wire = stringifyWireJson(writePxgError(info));
    expect(wire).toContain('"locdata":{"type":"params","value":{"format":"Unknown name of device \'%1\'"');
    const back = readPxgError(parseWireJson(wire))!;
    expect(back).toEqual(info);
    expect(renderPxgMessage(back)).toBe("Unknown name of device 'WIN-42'");
    expect(new KscError(back).code).toBe('NOT_FOUND');
  });

  it('keeps a placeholder without an argument, and returns undefined for a body without error', () => {
    expect(renderPxgMessage({ message: 'm', locdata: { format: '%1 and %2', args: ['a'] } })).toBe(
      'a and %2',
    );
    expect(readPxgError(parseWireJson('{"PxgRetVal":1}'))).toBeUndefined();
  });

  it('maps every known code to a kconnect code, and unknown codes to UPSTREAM_ERROR', () => {
    for (const known of KNOWN_PXG_ERRORS) {
      expect(ERROR_CODES[known.errorCode]).toBeDefined();
      expect(knownPxgError(known.code)).toBe(known);
    }
    expect(new KscError({ code: 99999, message: 'x' }).code).toBe('UPSTREAM_ERROR');
  });
});
