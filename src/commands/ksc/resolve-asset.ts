/** `resolve_asset` lives with the other IT/OT correlation code; a KSC command by vendor (seed-style name). */
export { resolveAsset } from '../correlation/resolve-asset.ts';
