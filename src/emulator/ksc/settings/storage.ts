import type { KlParams } from '../../../ksc/values.ts';
import { faults } from '../faults.ts';
import type { HostRecord } from '../world/model.ts';
import type { KscWorld } from '../world.ts';
import { defaultSection, defaultSections, isStorageType, STORAGE } from './sections.ts';
import { storedSection, storedSections, storeSection, type SectionPath } from './store.ts';
import { applyWrite } from './write-options.ts';

/**
 * The host settings storage of one host: a tree type → product → version → section. Products and versions are
 * the host's installed products (as `GetHostProducts` keys them); sections are the product's defaults plus what
 * was written. A missing level gives KLPRSS's `Parameter with name "xx" not exist` naming that level.
 */

function checkType(type: string): void {
  if (!isStorageType(type)) throw faults.badParameter('strType');
}

/** Checks that the host has the product under this version key. */
function checkProduct(host: HostRecord, product: string, version: string): void {
  const installed = host.products.filter((p) => p.name === product);
  if (installed.length === 0) throw faults.missingSetting(product);
  if (!installed.some((p) => p.version === version)) throw faults.missingSetting(version);
}

/**
 * `SS_GetNames`: product codes when `product` is empty, their version keys when `version` is empty, else the
 * section names (go-ksc's HostGroup documentation).
 */
export async function sectionNames(
  world: KscWorld,
  host: HostRecord,
  type: string,
  product: string,
  version: string,
): Promise<string[]> {
  checkType(type);
  if (product === '') return [...new Set(host.products.map((p) => p.name))];
  if (version === '') {
    const versions = host.products.filter((p) => p.name === product).map((p) => p.version);
    if (versions.length === 0) throw faults.missingSetting(product);
    return versions;
  }
  checkProduct(host, product, version);
  const stored = await storedSections(world, host.id, type, product, version);
  const names = defaultSections(host, type, product)
    .map((d) => d.section)
    .filter((name) => stored.get(name) !== null);
  for (const [name, content] of stored) if (content !== null && !names.includes(name)) names.push(name);
  return names;
}

/** A section's current content, or `undefined` when it does not exist. */
export async function sectionContent(
  world: KscWorld,
  host: HostRecord,
  path: SectionPath,
): Promise<KlParams | undefined> {
  const stored = await storedSection(world, path);
  if (stored === null) return undefined;
  if (stored !== undefined) return stored;
  return defaultSection(host, path.type, path.product, path.section)?.build(host, world);
}

/** `SS_Read`. */
export async function readSection(world: KscWorld, host: HostRecord, path: SectionPath): Promise<KlParams> {
  checkType(path.type);
  checkProduct(host, path.product, path.version);
  const content = await sectionContent(world, host, path);
  if (content === undefined) throw faults.missingSetting(path.section);
  return content;
}

function checkWritable(host: HostRecord, path: SectionPath): void {
  checkType(path.type);
  // Product data comes from the agents; the server keeps it, clients only read it.
  if (path.type === STORAGE.PRODINFO) throw faults.notPermitted();
  checkProduct(host, path.product, path.version);
}

/** `SS_Write`: resolves to the section's new content. */
export async function writeSection(
  world: KscWorld,
  host: HostRecord,
  path: SectionPath,
  option: number,
  settings: KlParams,
  validate: (next: KlParams) => void = () => undefined,
): Promise<KlParams> {
  checkWritable(host, path);
  const current = await sectionContent(world, host, path);
  if (current === undefined) throw faults.missingSetting(path.section);
  const next = applyWrite(current, option, settings);
  validate(next);
  await storeSection(world, host.vserverId, path, next);
  return next;
}

/** `SS_CreateSection`: an empty section; one that exists already is an error. */
export async function createSection(world: KscWorld, host: HostRecord, path: SectionPath): Promise<void> {
  checkWritable(host, path);
  if ((await sectionContent(world, host, path)) !== undefined)
    throw faults.notPermitted(`Section "${path.section}" already exists`);
  await storeSection(world, host.vserverId, path, {});
}

/** `SS_DeleteSection`. */
export async function deleteSection(world: KscWorld, host: HostRecord, path: SectionPath): Promise<void> {
  checkWritable(host, path);
  if ((await sectionContent(world, host, path)) === undefined) throw faults.missingSetting(path.section);
  await storeSection(world, host.vserverId, path, null);
}
