/**
 * Resolves OCSF 1.8.0 classes and objects from the schema's source files (../shared/ocsf-schema-1.8.0, README:
 * `extends` chains, `$include`d profiles, attribute definitions from dictionary.json overridden by the class) and
 * validates documents against them: required attributes present, every attribute defined, enum ids valid, types
 * right, recursively into objects.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** CI checks the schema out beside the repository, as here: `<repo>/../shared/ocsf-schema-1.8.0`. */
export const OCSF_SCHEMA_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../../shared/ocsf-schema-1.8.0',
);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface ResolvedAttribute {
  readonly name: string;
  readonly type: string;
  readonly isArray: boolean;
  readonly requirement: string;
  readonly enum?: ReadonlySet<string>;
}

export interface ResolvedShape {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, ResolvedAttribute>;
  readonly atLeastOne: readonly string[];
  readonly justOne: readonly string[];
}

export interface ResolvedClass extends ResolvedShape {
  readonly classUid: number;
  readonly categoryUid: number;
}

function readJson(path: string): JsonObject {
  return JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
}

function asObject(value: Json | undefined): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

export class OcsfSchema {
  private readonly dictionary: JsonObject;
  private readonly types: JsonObject;
  private readonly eventFiles = new Map<string, string>();
  private readonly categories: JsonObject;
  private readonly shapes = new Map<string, ResolvedShape>();
  /** Observable type ids the schema defines (observable.type_id's enum is completed from types and objects). */
  readonly observableTypeIds = new Set<string>(['0', '99']);

  constructor(readonly dir: string = OCSF_SCHEMA_DIR) {
    if (!existsSync(dir)) throw new Error(`the OCSF schema is not at ${dir}`);
    this.dictionary = readJson(join(dir, 'dictionary.json'));
    this.types = asObject(asObject(this.dictionary['types'])['attributes']);
    this.categories = asObject(readJson(join(dir, 'categories.json'))['attributes']);
    for (const file of filesUnder(join(dir, 'events'))) {
      const name = readJson(file)['name'];
      if (typeof name === 'string') this.eventFiles.set(name, file);
    }
    for (const definition of Object.values(this.types)) {
      const observable = asObject(definition)['observable'];
      if (typeof observable === 'number') this.observableTypeIds.add(String(observable));
    }
    for (const definition of Object.values(asObject(this.dictionary['attributes']))) {
      const observable = asObject(definition)['observable'];
      if (typeof observable === 'number') this.observableTypeIds.add(String(observable));
    }
    for (const file of filesUnder(join(dir, 'objects'))) {
      const observable = readJson(file)['observable'];
      if (typeof observable === 'number') this.observableTypeIds.add(String(observable));
    }
  }

  /** The merged raw definition of an event class or object: parents first, the child's keys win. */
  private rawDefinition(file: string, lookup: (name: string) => string): JsonObject {
    const own = readJson(file);
    const parentName = own['extends'];
    const base: JsonObject =
      typeof parentName === 'string' && parentName.length > 0
        ? this.rawDefinition(lookup(parentName), lookup)
        : {};
    const attributes: JsonObject = { ...asObject(base['attributes']) };
    const ownAttributes = asObject(own['attributes']);
    const includes = ownAttributes['$include'];
    for (const include of Array.isArray(includes) ? includes : []) {
      if (typeof include !== 'string') continue;
      // A profile's attributes are defined for the class, required only where the class itself says so.
      for (const [name, attribute] of Object.entries(
        asObject(readJson(join(this.dir, include))['attributes']),
      )) {
        attributes[name] = { ...asObject(attributes[name]), ...asObject(attribute), requirement: 'optional' };
      }
    }
    for (const [name, attribute] of Object.entries(ownAttributes)) {
      if (name === '$include') continue;
      attributes[name] = { ...asObject(attributes[name]), ...asObject(attribute) };
    }
    return { ...base, ...own, attributes, constraints: own['constraints'] ?? base['constraints'] ?? null };
  }

  private shapeOf(name: string, raw: JsonObject): ResolvedShape {
    const dictionaryAttributes = asObject(this.dictionary['attributes']);
    const attributes = new Map<string, ResolvedAttribute>();
    for (const [attrName, override] of Object.entries(asObject(raw['attributes']))) {
      const definition = { ...asObject(dictionaryAttributes[attrName]), ...asObject(override) };
      const type = definition['type'];
      if (typeof type !== 'string')
        throw new Error(`${name}.${attrName}: no type in the dictionary or the class`);
      const enumIds = new Set([
        ...Object.keys(asObject(asObject(dictionaryAttributes[attrName])['enum'])),
        ...Object.keys(asObject(asObject(override)['enum'])),
      ]);
      if (name === 'observable' && attrName === 'type_id')
        for (const id of this.observableTypeIds) enumIds.add(id);
      attributes.set(attrName, {
        name: attrName,
        type,
        isArray: definition['is_array'] === true,
        requirement: typeof definition['requirement'] === 'string' ? definition['requirement'] : 'optional',
        ...(enumIds.size > 0 ? { enum: enumIds } : {}),
      });
    }
    const constraints = asObject(raw['constraints']);
    const names = (value: Json | undefined): string[] =>
      Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    return {
      name,
      attributes,
      atLeastOne: names(constraints['at_least_one']),
      justOne: names(constraints['just_one']),
    };
  }

  eventClass(name: string): ResolvedClass {
    const lookup = (className: string): string => {
      const file = this.eventFiles.get(className);
      if (file === undefined) throw new Error(`no OCSF event class ${className}`);
      return file;
    };
    const raw = this.rawDefinition(lookup(name), lookup);
    const category = raw['category'];
    // Base Event belongs to no category ('other'): category 0, uid 0.
    const categoryUid =
      category === 'other'
        ? 0
        : typeof category === 'string'
          ? asObject(this.categories[category])['uid']
          : undefined;
    const uid = raw['uid'] ?? 0;
    if (typeof categoryUid !== 'number' || typeof uid !== 'number')
      throw new Error(`${name}: no category or uid`);
    return { ...this.shapeOf(name, raw), classUid: categoryUid * 1000 + uid, categoryUid };
  }

  object(name: string): ResolvedShape {
    const cached = this.shapes.get(name);
    if (cached !== undefined) return cached;
    const lookup = (objectName: string): string => join(this.dir, 'objects', `${objectName}.json`);
    const shape = this.shapeOf(name, this.rawDefinition(lookup(name), lookup));
    this.shapes.set(name, shape);
    return shape;
  }

  /** The scalar base of a type (`ip_t` → `string_t`, `timestamp_t` → `long_t`); undefined for objects. */
  scalarBase(type: string): string | undefined {
    let current = type;
    for (let depth = 0; depth < 5; depth++) {
      const definition = asObject(this.types[current]);
      if (Object.keys(definition).length === 0) return undefined;
      const parent = definition['type'];
      if (typeof parent !== 'string') return current;
      current = parent;
    }
    return current;
  }

  private typeRegex(type: string): RegExp | undefined {
    const regex = asObject(this.types[type])['regex'];
    return typeof regex === 'string' ? new RegExp(regex) : undefined;
  }

  /** Problems of a document against a class: empty when it conforms. */
  validate(document: JsonObject, shape: ResolvedShape, path = ''): string[] {
    const problems: string[] = [];
    for (const attribute of shape.attributes.values()) {
      if (attribute.requirement === 'required' && !(attribute.name in document)) {
        problems.push(`${path}${attribute.name}: required by ${shape.name}, missing`);
      }
    }
    if (shape.atLeastOne.length > 0 && !shape.atLeastOne.some((name) => name in document)) {
      problems.push(
        `${path || shape.name}: ${shape.name} needs at least one of ${shape.atLeastOne.join(', ')}`,
      );
    }
    for (const [name, value] of Object.entries(document)) {
      const attribute = shape.attributes.get(name);
      const at = `${path}${name}`;
      if (attribute === undefined) {
        problems.push(`${at}: not an attribute of ${shape.name}`);
        continue;
      }
      if (attribute.isArray) {
        if (!Array.isArray(value)) problems.push(`${at}: expected an array`);
        else value.forEach((item, i) => problems.push(...this.validateValue(item, attribute, `${at}[${i}]`)));
      } else {
        problems.push(...this.validateValue(value, attribute, at));
      }
    }
    return problems;
  }

  private validateValue(value: Json, attribute: ResolvedAttribute, at: string): string[] {
    if (value === null) return [`${at}: null`];
    const base = this.scalarBase(attribute.type);
    if (base === undefined) {
      if (typeof value !== 'object' || Array.isArray(value))
        return [`${at}: expected a ${attribute.type} object`];
      // `object` is OCSF's open object (`unmapped`): any members.
      if (attribute.type === 'object') return [];
      return this.validate(value, this.object(attribute.type), `${at}.`);
    }
    const problems: string[] = [];
    const kind =
      base === 'string_t'
        ? typeof value === 'string'
        : base === 'integer_t' || base === 'long_t'
          ? Number.isSafeInteger(value)
          : base === 'float_t'
            ? typeof value === 'number'
            : base === 'boolean_t'
              ? typeof value === 'boolean'
              : true;
    if (!kind) problems.push(`${at}: ${JSON.stringify(value)} is not a ${attribute.type}`);
    const regex = this.typeRegex(attribute.type);
    if (kind && regex !== undefined && typeof value === 'string' && !regex.test(value)) {
      problems.push(`${at}: ${JSON.stringify(value)} does not match ${attribute.type}`);
    }
    // class_uid and category_uid list only "Uncategorized" in the dictionary; the test checks them itself.
    const checkedEnum = attribute.name !== 'class_uid' && attribute.name !== 'category_uid';
    if (
      checkedEnum &&
      attribute.enum !== undefined &&
      typeof value === 'number' &&
      !attribute.enum.has(String(value))
    ) {
      problems.push(`${at}: ${value} is not one of ${[...attribute.enum].join(', ')}`);
    }
    return problems;
  }
}
