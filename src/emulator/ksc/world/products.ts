import type { KlValue } from '../../../ksc/values.ts';
import type { ProductInstall } from './model.ts';
import type { Random } from '../../core/random.ts';

/**
 * Kaspersky applications on generated hosts. A product is named the way KSC keys it: a product code and a
 * *version key* that stays the same across builds (`"1103"` → `"1.0.0.0"`, `"KES"` → `"11.0.0.0"`, as in the
 * `KLHST_APP_INFO` sample of seed 001 and the `GetHostProducts` sample of spec §7.7); the build a host runs is
 * `info.ProdVersion` and also `KLHST_WKS_NAG_VERSION` / `KLHST_WKS_RTP_AV_VERSION` and an event's
 * `product_displ_version`.
 */

/** Static description of one managed application. */
export interface ProductSpec {
  /** Product code (`product_name` of events, key of `GetHostProducts`). */
  readonly code: string;
  /** Version key (`product_version` of events, second key of `GetHostProducts`). */
  readonly versionKey: string;
  readonly displayName: string;
  /** Builds seen in the estate, with their relative frequency. */
  readonly builds: ReadonlyArray<readonly [string, number]>;
}

const product = (spec: ProductSpec): ProductSpec => Object.freeze(spec);

/** Administration Server: publishes the server events (`KLSRV_*`). */
export const ADMIN_SERVER: ProductSpec = product({
  code: '1093',
  versionKey: '1.0.0.0',
  displayName: 'Kaspersky Security Center Administration Server',
  builds: [['14.2.0.26967', 1]],
});

/** Network Agent: on every managed host. */
export const NETWORK_AGENT: ProductSpec = product({
  code: '1103',
  versionKey: '1.0.0.0',
  displayName: 'Kaspersky Security Center Network Agent',
  builds: [
    ['14.0.0.4490', 70],
    ['13.2.0.1511', 20],
    ['12.2.0.4376', 10],
  ],
});

/** Kaspersky Endpoint Security for Windows. */
export const KES_WINDOWS: ProductSpec = product({
  code: 'KES',
  versionKey: '11.0.0.0',
  displayName: 'Kaspersky Endpoint Security for Windows',
  builds: [
    ['12.3.0.493', 60],
    ['12.1.0.506', 25],
    ['11.11.0.452', 15],
  ],
});

/** Kaspersky Endpoint Security for Linux. */
export const KES_LINUX: ProductSpec = product({
  code: 'KESL',
  versionKey: '12.0.0.0',
  displayName: 'Kaspersky Endpoint Security for Linux',
  builds: [
    ['12.0.0.6672', 70],
    ['11.4.0.1096', 30],
  ],
});

/**
 * Kaspersky Endpoint Agent: the only application D3's Isolate/Unisolate Hosts commands work with (seed 001), so
 * a host can be isolated only when this product is installed.
 */
export const ENDPOINT_AGENT: ProductSpec = product({
  code: 'EDRAgent',
  versionKey: '3.0.0.0',
  displayName: 'Kaspersky Endpoint Agent',
  builds: [['3.16.0.1106', 1]],
});

/** Every product the world uses, by code. */
export const PRODUCTS: Readonly<Record<string, ProductSpec>> = Object.freeze({
  [ADMIN_SERVER.code]: ADMIN_SERVER,
  [NETWORK_AGENT.code]: NETWORK_AGENT,
  [KES_WINDOWS.code]: KES_WINDOWS,
  [KES_LINUX.code]: KES_LINUX,
  [ENDPOINT_AGENT.code]: ENDPOINT_AGENT,
});

/** Codes of the security applications with real-time protection (`CS_PRODUCTINSTALLED`). */
export const SECURITY_APPLICATION_CODES: ReadonlySet<string> = new Set([KES_WINDOWS.code, KES_LINUX.code]);

/** The build of an installed product (its `info.ProdVersion`), or `''`. */
export function productBuild(product: ProductInstall): string {
  const build = product.info['ProdVersion'];
  return typeof build === 'string' ? build : '';
}

/** The installed product with the given code, if any. */
export function findProduct(products: readonly ProductInstall[], code: string): ProductInstall | undefined {
  for (const product of products) if (product.name === code) return product;
  return undefined;
}

/** The host's security application (KES or KESL), if any. */
export function securityApplication(products: readonly ProductInstall[]): ProductInstall | undefined {
  for (const product of products) if (SECURITY_APPLICATION_CODES.has(product.name)) return product;
  return undefined;
}

/** Record count of bases released at `baseDate`: grows by a few thousand a day, as real bases do. */
export function baseRecordsAt(baseDate: number): number {
  const days = Math.floor((baseDate - Date.UTC(2020, 0, 1)) / 86_400_000);
  return 12_000_000 + Math.max(0, days) * 2_900 + (days % 97) * 13;
}

/**
 * Times that describe one installed product. They are Date objects so a host can hand the same instant to several
 * attributes (bases date of KES and of its `KLHST_WKS_RTP_AV_BASES_TIME`): a Date costs about 100 bytes and a large
 * world holds a million of them. Like every record value, they must not be mutated.
 */
export interface ProductTimes {
  readonly installTime: Date;
  /** When the product last updated (bases or modules). */
  readonly lastUpdateTime: Date;
  /** Release time of the bases in use; `null` for products without anti-virus bases. */
  readonly baseDate: Date | null;
  /** When those bases were installed on the host. */
  readonly baseInstallDate: Date | null;
}

/** An installed product record with its `info` container (spec §7.7 keys). */
export function makeProductInstall(spec: ProductSpec, build: string, times: ProductTimes): ProductInstall {
  const info: Record<string, KlValue> =
    times.baseDate === null || times.baseInstallDate === null
      ? {
          DisplayName: spec.displayName,
          ProdVersion: build,
          InstallTime: times.installTime,
          LastUpdateTime: times.lastUpdateTime,
          BaseRecords: 0,
        }
      : {
          DisplayName: spec.displayName,
          ProdVersion: build,
          InstallTime: times.installTime,
          LastUpdateTime: times.lastUpdateTime,
          BaseDate: times.baseDate,
          BaseInstallDate: times.baseInstallDate,
          BaseRecords: baseRecordsAt(times.baseDate.getTime()),
        };
  return { name: spec.code, version: spec.versionKey, info };
}

/** A build of `spec` drawn by its frequency table. */
export function pickBuild(rng: Random, spec: ProductSpec): string {
  let total = 0;
  for (const [, weight] of spec.builds) total += weight;
  let target = rng.float() * total;
  for (const [build, weight] of spec.builds) {
    target -= weight;
    if (target < 0) return build;
  }
  return spec.builds[0]?.[0] ?? '1.0.0.0';
}

/** `KLHST_WKS_NAG_VER_ID` of an agent build: major in the high word, minor in the low (12.2 → 786434). */
export function agentVersionId(build: string): number {
  const dot = build.indexOf('.');
  const major = Number.parseInt(build.slice(0, dot), 10);
  const minor = Number.parseInt(build.slice(dot + 1), 10);
  return ((major & 0xffff) << 16) | (minor & 0xffff);
}
