/** Reading request objects the way ASP.NET Core's JSON binder does: property names match in any case. */

export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface Member {
  /** The key as the request spelled it (error messages name it so). */
  readonly key: string;
  readonly value: unknown;
}

/**
 * The first property whose name is one of `names`, compared case-insensitively; an exact spelling wins over another
 * case. Undefined when there is none.
 */
export function findMember(object: JsonObject, names: readonly string[]): Member | undefined {
  for (const name of names) if (Object.hasOwn(object, name)) return { key: name, value: object[name] };
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  for (const key of Object.keys(object))
    if (wanted.has(key.toLowerCase())) return { key, value: object[key] };
  return undefined;
}

/** Every property whose name is one of `names` (case-insensitively), in the object's order. */
export function findMembers(object: JsonObject, names: readonly string[]): Member[] {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  return Object.keys(object)
    .filter((key) => wanted.has(key.toLowerCase()))
    .map((key) => ({ key, value: object[key] }));
}
