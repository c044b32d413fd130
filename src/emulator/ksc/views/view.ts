import type { KlParams } from '../../../ksc/values.ts';
import type { RightRequirement } from '../auth/rights.ts';
import type { MethodContext } from '../context.ts';
import type { CompiledSearch, SearchableType } from '../records.ts';
import type { HostRecord } from '../world/model.ts';

/**
 * One server view of `SrvView.ResetIterator` (spec §5.2): its name, the attributes a filter may use, the rights
 * reading it needs, and its records for the caller. `SrvView` filters, orders and projects them.
 */
export interface SrvViewDefinition {
  /** `wstrViewName` exactly as KSC spells it (`Quarantine`, `GlobalUsersListSrvViewName`). */
  readonly name: string;
  readonly type: SearchableType;
  /** Rights in the Administration Server scope, checked on ResetIterator. */
  readonly rights: readonly RightRequirement[];
  /** The view's records for this caller (its virtual server, its device scope); `pParams` narrows some views. */
  records(ctx: MethodContext, params: KlParams): readonly KlParams[] | Promise<readonly KlParams[]>;
  /**
   * For a view whose records are built host by host (in `hostsOf` order, as `records` does): the attributes every
   * record of one host shares, and that host's records. `SrvView` then evaluates a filter naming only those
   * attributes once per host, on `hostLevel(host)`, and builds the records of the hosts that match only.
   */
  readonly perHost?: {
    readonly attributes: ReadonlySet<string>;
    hostLevel(host: HostRecord): KlParams;
    records(ctx: MethodContext, host: HostRecord): readonly KlParams[];
  };
  /**
   * A view-specific push-down for views that are not built host by host (a list read from the store, a list
   * whose records depend on `pParams`): the records matching `search`, in the order `records` would give them,
   * built without the others; undefined when this filter does not narrow the view, and every record is built.
   */
  narrowed?(
    ctx: MethodContext,
    params: KlParams,
    search: CompiledSearch,
  ): readonly KlParams[] | undefined | Promise<readonly KlParams[] | undefined>;
}
