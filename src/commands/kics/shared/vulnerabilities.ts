import type { Vulnerability } from '../../../kics/model.ts';
import type { PlainJson } from '../../core/types.ts';

/** How severe a CVSS score is, in the words of CVSS v3's qualitative scale. */
export function cvssRating(score: number): string {
  if (score >= 9) return 'Critical';
  if (score >= 7) return 'High';
  if (score >= 4) return 'Medium';
  if (score > 0) return 'Low';
  return 'None';
}

/** One vulnerability of `context`: the CVE on one device, its score with its rating, and the device flat. */
export function vulnerabilityRecord(v: Vulnerability): { [key: string]: PlainJson } {
  return {
    id: v.assetVulnerabilityId,
    cveId: v.cveId,
    cvsScore: v.cvsScore,
    cvssRating: cvssRating(v.cvsScore),
    state: v.state,
    deviceId: v.assetId,
    deviceName: v.assetName,
    deviceAddress: v.assetAddress,
    deviceGroup: v.assetGroup,
    firstDetected: v.firstDetected,
    lastDetected: v.lastDetected,
    published: v.published,
    vector: v.vector,
    impact: v.impact,
    attackConditions: v.attackConditions,
    eventIds: [...new Set([...v.cveEvents, ...v.events])],
    otherDeviceIds: v.otherAssets.map((a) => a.assetId),
  };
}

export const VULNERABILITY_COLUMNS = [
  'ID',
  'CVE',
  'CVSS',
  'Rating',
  'State',
  'Device',
  'Address',
  'Last Detected',
];

export function vulnerabilityRow(v: Vulnerability): PlainJson[] {
  return [
    v.assetVulnerabilityId,
    v.cveId,
    v.cvsScore,
    cvssRating(v.cvsScore),
    v.state,
    v.assetName,
    v.assetAddress,
    v.lastDetected,
  ];
}
