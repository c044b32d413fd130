import type { KlParams } from '../../../ksc/values.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import type { CompiledSearch } from '../records.ts';
import type { SrvViewDefinition } from './view.ts';

/**
 * The records of a view that match a filter. When the view builds its records host by host and the filter names
 * only host-level attributes, the filter is evaluated once per host and only the matching hosts' records are
 * built: the same records in the same order, since every record of a host has the same values for what the
 * filter reads. A view may instead narrow a filter its own way (`narrowed`). Otherwise every record is built and
 * filtered.
 */
export async function matchingRecords(
  ctx: MethodContext,
  view: SrvViewDefinition,
  params: KlParams,
  search: CompiledSearch,
): Promise<KlParams[]> {
  const perHost = view.perHost;
  if (perHost !== undefined && [...search.referenced].every((name) => perHost.attributes.has(name))) {
    if (!canSeeDevices(ctx)) return [];
    const out: KlParams[] = [];
    for (const host of ctx.world.hostsOf(ctx.vserverId)) {
      if (search.predicate(perHost.hostLevel(host))) out.push(...perHost.records(ctx, host));
    }
    return out;
  }
  const narrowed = await view.narrowed?.(ctx, params, search);
  if (narrowed !== undefined) return [...narrowed];
  return (await view.records(ctx, params)).filter(search.predicate);
}
