// @ts-check
// The commands the service offers, as `GET /v1/commands` describes them (name, flags, scope, example and the
// JSON Schema of the input), and whether the uses of this console are among them.

import { read } from './api.js';

/** @import { Scope } from './session.js' */
/** @import { Use } from './uses.js' */

/**
 * The part of JSON Schema (draft 2020-12) that zod writes for command inputs and the console reads.
 *
 * @typedef {object} JsonSchema
 * @property {string | string[]} [type]
 * @property {Record<string, JsonSchema>} [properties]
 * @property {string[]} [required]
 * @property {JsonSchema} [items]
 * @property {unknown[]} [enum]
 * @property {Record<string, string>} [x-enum-words] each code of `enum` in words (kconnect's own keyword)
 * @property {unknown} [const]
 * @property {unknown} [default]
 * @property {string} [description]
 * @property {number} [minimum]
 * @property {number} [maximum]
 * @property {number} [minItems]
 * @property {number} [maxItems]
 * @property {string} [pattern]
 * @property {JsonSchema[]} [anyOf]
 * @property {JsonSchema[]} [oneOf]
 */

/**
 * One command of the catalogue.
 *
 * @typedef {object} CatalogueEntry
 * @property {string} name
 * @property {string} title
 * @property {string} description
 * @property {string} vendor
 * @property {string} path
 * @property {boolean} readOnly
 * @property {boolean} destructive
 * @property {boolean} idempotent
 * @property {Scope} scope
 * @property {string[]} operations
 * @property {unknown} example
 * @property {JsonSchema} input
 * @property {{ cliAliases?: Record<string, string>, targetFields?: string[], waitField?: string }} [hints]
 */

/** The service cannot do what a use needs: no such command, or one without a field the console sends. */
export class CommandUnavailable extends Error {
  /**
   * @param {Use} use
   * @param {string} message
   */
  constructor(use, message) {
    super(message);
    this.name = 'CommandUnavailable';
    this.command = use.command;
    this.purpose = use.purpose;
  }
}

export class Catalogue {
  /** @param {readonly CatalogueEntry[]} entries in the service's order */
  constructor(entries) {
    this.entries = entries;
    /** @type {ReadonlyMap<string, CatalogueEntry>} */
    this.byName = new Map(entries.map((entry) => [entry.name, entry]));
  }

  /** @param {string} name */
  find(name) {
    return this.byName.get(name);
  }

  /**
   * Why this service cannot serve a use, in words; undefined when it can.
   *
   * @param {Use} use
   * @returns {string | undefined}
   */
  problemOf(use) {
    const entry = this.byName.get(use.command);
    if (entry === undefined) {
      return `This service has no command ${use.command}, which the console uses for ${use.purpose}.`;
    }
    const known = entry.input.properties ?? {};
    const missing = use.fields.filter((field) => !Object.hasOwn(known, field));
    if (missing.length > 0) {
      const fields = `input field${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`;
      return `The command ${use.command} of this service has no ${fields}, which the console sends for ${use.purpose}.`;
    }
    return undefined;
  }

  /**
   * The command of a use.
   *
   * @param {Use} use
   * @returns {CatalogueEntry}
   * @throws {CommandUnavailable} when the service cannot serve it
   */
  require(use) {
    const problem = this.problemOf(use);
    const entry = this.byName.get(use.command);
    if (problem !== undefined || entry === undefined) throw new CommandUnavailable(use, problem ?? '');
    return entry;
  }

  /**
   * The schema of one input field of a use's command (the console reads choices and limits from it).
   *
   * @param {Use} use
   * @param {string} field
   * @returns {JsonSchema | undefined}
   */
  fieldOf(use, field) {
    return this.byName.get(use.command)?.input.properties?.[field];
  }
}

/** Reads the catalogue of the service. */
export async function loadCatalogue() {
  /** @type {{ commands: CatalogueEntry[] }} */
  const body = await read('/v1/commands');
  return new Catalogue(body.commands);
}
