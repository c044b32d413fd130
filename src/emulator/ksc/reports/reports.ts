import type { KlParams, KlValue } from '../../../ksc/values.ts';
import type { KscWorld } from '../world.ts';

/**
 * Report types, the server's predefined reports, and a report's output. The ids, names and the `RPT_*` / XML
 * layout are ours (docs/decisions/0061): the public reference names the methods but not the type table or the
 * XML schema. A report is built from the hosts of the virtual server at the time it is executed.
 */

export interface ReportType {
  readonly id: number;
  readonly name: string;
  /** The host attributes a row of the report shows. */
  readonly columns: readonly string[];
}

export const REPORT_TYPES: readonly ReportType[] = Object.freeze([
  {
    id: 0,
    name: 'Report on protection status',
    columns: ['KLHST_WKS_DN', 'KLHST_WKS_STATUS_ID', 'KLHST_WKS_RTP_STATE'],
  },
  { id: 1, name: 'Report on errors', columns: ['KLHST_WKS_DN', 'KLHST_WKS_RTP_ERROR_CODE'] },
  {
    id: 2,
    name: 'Report on threats',
    columns: ['KLHST_WKS_DN', 'KLHST_WKS_VIRUS_COUNT', 'KLHST_WKS_UNCURED_COUNT'],
  },
  {
    id: 3,
    name: 'Report on anti-virus databases',
    columns: ['KLHST_WKS_DN', 'KLHST_WKS_RTP_AV_BASES_TIME', 'KLHST_WKS_RTP_AV_VERSION'],
  },
  { id: 4, name: 'Report on network agent versions', columns: ['KLHST_WKS_DN', 'KLHST_WKS_NAG_VERSION'] },
]);

/** The predefined reports: one per type, ids from 1. */
export function predefinedReports(): KlParams[] {
  return REPORT_TYPES.map((type) => defaultReport(type, type.id + 1));
}

export function defaultReport(type: ReportType, id?: number): KlParams {
  const report: Record<string, KlValue> = {
    RPT_DN: type.name,
    RPT_TYPE: type.id,
    RPT_GROUP_ID: 0,
    RPT_EXTRA_DATA: { RPT_COLUMNS: [...type.columns] },
  };
  if (id !== undefined) report['RPT_ID'] = id;
  return report;
}

const escapeXml = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );

function cell(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined || value === null) return '';
  return String(value);
}

/** The report as XML (`KLRPT_TARGET_TYPE` 0) or HTML (1): a header and one row per host, in host id order. */
export function renderReport(
  world: KscWorld,
  vserverId: number,
  report: KlParams,
  html: boolean,
  now: number,
): string {
  const type = REPORT_TYPES.find((t) => t.id === report['RPT_TYPE']) ?? REPORT_TYPES[0]!;
  const hosts = [...world.hostsOf(vserverId)].sort((a, b) => a.id.localeCompare(b.id));
  const title = escapeXml(String(report['RPT_DN'] ?? type.name));
  const generated = new Date(now).toISOString();
  if (html) {
    const head = type.columns.map((c) => `<th>${c}</th>`).join('');
    const rows = hosts
      .map(
        (h) => `<tr>${type.columns.map((c) => `<td>${escapeXml(cell(h.attributes[c]))}</td>`).join('')}</tr>`,
      )
      .join('\n');
    return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head><body>\n<h1>${title}</h1>\n<p>Generated ${generated}; ${hosts.length} devices.</p>\n<table>\n<tr>${head}</tr>\n${rows}\n</table>\n</body></html>\n`;
  }
  const rows = hosts
    .map(
      (h) =>
        `  <row>${type.columns.map((c) => `<${c}>${escapeXml(cell(h.attributes[c]))}</${c}>`).join('')}</row>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>\n<report type="${type.id}" name="${title}" generated="${generated}" count="${hosts.length}">\n${rows}\n</report>\n`;
}
