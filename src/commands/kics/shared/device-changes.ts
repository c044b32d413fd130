import { isIP } from 'node:net';
import { z } from 'zod';
import type { DeviceUpdate } from '../../../kics/client/types.ts';
import {
  ASSET_STATUSES,
  ASSET_TYPES,
  type Device,
  type DeviceFields,
  type DeviceAddressInformation,
} from '../../../kics/model.ts';
import { enumWithWords } from '../../core/enum-words.ts';
import { CATEGORY_WORDS, STATUS_WORDS } from './devices.ts';

/**
 * The flags of a command that changes devices. Destructive: an edit overwrites what was there, a status change
 * may hide a device from views, a removal loses it. Idempotent: repeating the same input leaves the same state
 * (a repeated creation is skipped or refused as a duplicate, a repeated removal finds nothing).
 */
export const DEVICE_CHANGE = { readOnly: false, destructive: true, idempotent: true } as const;

/** Seed 002's limits of the device fields (spec §7.1). */
const MAX_NAME = 8192;
const MAX_TEXT = 65536;
const MAC = /^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$/;

export const deviceInputs = {
  idempotencyKey: () =>
    z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Retry safety: a repeat with the same key within a day returns the first result'),
  deviceId: () =>
    z.number().int().min(1).describe('The id of the device in KICS for Networks (from List Devices)'),
  deviceIds: (description: string) => z.array(z.number().int().min(1)).min(1).max(1000).describe(description),
  name: () => z.string().trim().min(1).max(MAX_NAME),
  text: () => z.string().max(MAX_TEXT).nullable(),
  status: () => enumWithWords(ASSET_STATUSES, STATUS_WORDS),
  category: () => enumWithWords(ASSET_TYPES, CATEGORY_WORDS),
  addressInformation: () =>
    z
      .array(
        z
          .object({
            macAddress: z
              .string()
              .regex(MAC, 'a MAC address such as 00:1A:2B:3C:4D:5E')
              .nullable()
              .optional()
              .describe('The MAC address of the interface; null or left out when unknown'),
            ipAddresses: z
              .array(z.string().refine((v) => isIP(v) !== 0, 'an IPv4 or IPv6 address'))
              .max(256)
              .default([])
              .describe('The IP addresses of the interface, e.g. ["172.16.0.20"]'),
          })
          .strict()
          .refine(
            (entry) => (entry.macAddress ?? null) !== null || entry.ipAddresses.length > 0,
            'each interface needs a MAC address or at least one IP address',
          ),
      )
      .min(1)
      .max(64),
  labels: () => z.array(z.string().min(1).max(1024)).max(256),
  userAttributes: () =>
    z
      .array(z.object({ name: z.string().min(1).max(1024), value: z.string().max(MAX_TEXT) }).strict())
      .max(256)
      .nullable(),
} as const;

/** The interfaces of the input, as KICS takes them: `{macAddress, ipAddresses: [{ip}]}`, MACs with colons. */
export function addressInformationOf(
  given: ReadonlyArray<{
    readonly macAddress?: string | null | undefined;
    readonly ipAddresses: readonly string[];
  }>,
): DeviceAddressInformation[] {
  return given.map((entry) => ({
    macAddress: entry.macAddress == null ? null : entry.macAddress.replace(/-/g, ':').toLowerCase(),
    ipAddresses: entry.ipAddresses.map((ip) => ({ ip })),
  }));
}

/** The names of the editable fields of a device (seed 002's DeviceUpdate, without the request options). */
export const EDITABLE_FIELDS = [
  'name',
  'addressInformation',
  'description',
  'status',
  'category',
  'os',
  'hardwareVendor',
  'hardwareModel',
  'hardwareVersion',
  'softwareVendor',
  'softwareModel',
  'softwareVersion',
  'networkName',
  'isRouter',
  'labels',
  'userAttributes',
] as const satisfies readonly (keyof DeviceFields & keyof Device)[];

export type EditableField = (typeof EDITABLE_FIELDS)[number];

/**
 * Every editable field of a device as KICS sent it. The seed's edit body is the whole device with `name` and a
 * non-empty `addressInformation` required, so the edit verb replaces the device (spec §3): an edit that sent only
 * the changed field could clear the others on a real server. Each edit therefore reads the device and sends all
 * of them, with its own changes applied over them.
 */
export function editableFieldsOf(device: Device): DeviceUpdate {
  return {
    name: device.name,
    addressInformation: device.addressInformation,
    description: device.description,
    status: device.status,
    category: device.category,
    os: device.os,
    hardwareVendor: device.hardwareVendor,
    hardwareModel: device.hardwareModel,
    hardwareVersion: device.hardwareVersion,
    softwareVendor: device.softwareVendor,
    softwareModel: device.softwareModel,
    softwareVersion: device.softwareVersion,
    networkName: device.networkName,
    isRouter: device.isRouter,
    labels: device.labels,
    userAttributes: device.userAttributes,
  };
}
