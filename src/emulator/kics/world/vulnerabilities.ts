import type { Vulnerability, VulnerabilityAssetRef } from '../../../kics/model.ts';
import type { DeviceView, DeviceVulnerabilityPlan } from './devices.ts';
import { utcTime } from '../times.ts';

/**
 * Vulnerability records (one per device and CVE, `assetVulnerabilityId` 1…n as the devices reference them).
 * `otherAssets` names up to five other devices with the same CVE. `cveEvents` and `events` stay empty in the seeded
 * world: events refer to vulnerabilities (event → vulnerability), not the other way round, so the lazily generated
 * history never has to be read back (decisions/0031).
 */

const OTHER_ASSETS = 5;

export function buildVulnerabilities(
  plans: readonly DeviceVulnerabilityPlan[],
  views: readonly DeviceView[],
): Vulnerability[] {
  const byCve = new Map<string, DeviceView[]>();
  for (const plan of plans) {
    const view = views[plan.deviceId - 1];
    if (view === undefined) continue;
    let list = byCve.get(plan.cve.cveId);
    if (list === undefined) {
      list = [];
      byCve.set(plan.cve.cveId, list);
    }
    if (list.length <= OTHER_ASSETS) list.push(view);
  }
  return plans.map((plan) => {
    const view = views[plan.deviceId - 1] as DeviceView;
    const otherAssets: VulnerabilityAssetRef[] = [];
    for (const other of byCve.get(plan.cve.cveId) ?? []) {
      if (other.id !== view.id && otherAssets.length < OTHER_ASSETS)
        otherAssets.push({ assetId: other.id, assetName: other.name });
    }
    return {
      assetVulnerabilityId: plan.assetVulnerabilityId,
      cveId: plan.cve.cveId,
      cvsScore: plan.cve.cvsScore,
      state: plan.state,
      description: plan.cve.description,
      assetGroup: view.group,
      assetName: view.name,
      assetAddress: view.ip,
      assetId: view.id,
      firstDetected: utcTime(plan.firstDetected),
      lastDetected: utcTime(plan.lastDetected),
      published: `${plan.cve.published}T00:00:00Z`,
      attackConditions: plan.cve.attackConditions,
      impact: plan.cve.impact,
      vector: plan.cve.vector,
      cveSource: 'NVD',
      mitigations: plan.cve.mitigations,
      references: plan.cve.references,
      cveEvents: [],
      matchedCpes: [plan.cve.cpe],
      events: [],
      otherAssets,
    };
  });
}
