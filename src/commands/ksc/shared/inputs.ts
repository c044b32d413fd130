import { z } from 'zod';
import { searchText } from '../../core/search-text.ts';

/** A KSC attribute name, e.g. `KLHST_WKS_DN`. */
export const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Input fields shared by commands. Each carries a description written for people and AI assistants; the CLI,
 * HTTP and MCP surfaces show it.
 */
export const inputs = {
  /** A host named by id (`KLHST_WKS_HOSTNAME`), display name, FQDN or IPv4 address. */
  host: () =>
    searchText(256).describe(
      'A host: its id (KLHST_WKS_HOSTNAME, from List Hosts), display name, FQDN or IPv4 address',
    ),
  hosts: () =>
    z
      .array(inputs.host())
      .min(1)
      .max(1000)
      .describe('Hosts, each by id (KLHST_WKS_HOSTNAME), display name, FQDN or IPv4 address'),
  /** A KSC search filter (spec §4), e.g. `(KLHST_WKS_STATUS_ID = 1)`; empty for everything. */
  searchFilter: (what: string) =>
    z
      .string()
      .max(4096)
      .default('')
      .describe(`KSC search filter over ${what}, e.g. (KLHST_WKS_DN = "WIN-*"); empty for all`),
  /** Attributes to return instead of a command's default set (`pattern`: what the object's names look like). */
  attributeNames: (description: string, pattern: RegExp = ATTRIBUTE_NAME) =>
    z.array(z.string().regex(pattern, 'an attribute name')).min(1).max(100).optional().describe(description),
  /** The display name of a task KSC creates; seed 001 limits it to 100 characters. */
  taskDisplayName: (description: string) => z.string().trim().min(1).max(100).describe(description),
  limit: (fallback: number, max: number) =>
    z.number().int().min(1).max(max).default(fallback).describe(`How many records at most (1–${max})`),
  /** Destructive commands: the same key within a day returns the first result instead of acting again. */
  idempotencyKey: () =>
    z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Retry safety: a repeat with the same key within a day returns the first result'),
} as const;
