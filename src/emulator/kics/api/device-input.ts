import { isIP } from 'node:net';
import {
  ASSET_STATUSES,
  ASSET_TYPES,
  DUPLICATE_ACTIONS,
  type DeviceAddressInformation,
  type DeviceFields,
  type DuplicateAction,
  type NameValue,
} from '../../../kics/model.ts';

/**
 * The device body of seed 002's edit and create operations, checked field by field. Every problem is collected
 * (not only the first) into the `errors` of the `{status: "Error"}` answer, each naming its field. Names are
 * matched without case, as ASP.NET binds them; fields the model does not know are ignored, as it does.
 */
export interface DeviceInput extends DeviceFields {
  readonly allowProcessControlSettingsUpdate?: boolean;
  readonly allowProcessControlSettingsLoss?: boolean;
  readonly whatIfDuplicate?: DuplicateAction;
}

const TEXT_FIELDS = [
  'os',
  'hardwareVendor',
  'hardwareModel',
  'hardwareVersion',
  'softwareVendor',
  'softwareModel',
  'softwareVersion',
  'networkName',
] as const;
const MAX_TEXT = 65536;
const MAX_NAME = 8192;
const MAC = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;

export interface CheckedDevice {
  readonly input: DeviceInput;
  readonly errors: readonly string[];
}

function enumMember<T extends string>(members: readonly T[], value: unknown): T | undefined {
  if (typeof value !== 'string') return undefined;
  return members.find((member) => member.toLowerCase() === value.toLowerCase());
}

function addresses(value: unknown, errors: string[]): DeviceAddressInformation[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    errors.push('addressInformation: a non-empty array of {macAddress, ipAddresses} is required');
    return undefined;
  }
  const result: DeviceAddressInformation[] = [];
  value.forEach((item: unknown, index) => {
    const at = `addressInformation[${index}]`;
    if (typeof item !== 'object' || item === null) {
      errors.push(`${at}: an object {macAddress, ipAddresses} is required`);
      return;
    }
    const entry = lowerKeys(item as Record<string, unknown>);
    const mac = entry['macaddress'] ?? null;
    if (mac !== null && (typeof mac !== 'string' || !MAC.test(mac)))
      errors.push(`${at}.macAddress: not a MAC address (${String(mac)})`);
    const ips = entry['ipaddresses'] ?? [];
    const list: Array<{ ip: string }> = [];
    if (!Array.isArray(ips)) errors.push(`${at}.ipAddresses: an array of {ip} is required`);
    else
      ips.forEach((ipItem: unknown, ipIndex) => {
        const ip =
          typeof ipItem === 'object' && ipItem !== null
            ? lowerKeys(ipItem as Record<string, unknown>)['ip']
            : ipItem;
        if (typeof ip !== 'string' || isIP(ip) === 0)
          errors.push(`${at}.ipAddresses[${ipIndex}].ip: not an IP address (${String(ip)})`);
        else list.push({ ip });
      });
    if (mac === null && list.length === 0)
      errors.push(`${at}: a MAC address or at least one IP address is required`);
    result.push({
      macAddress: typeof mac === 'string' ? mac.toLowerCase().replaceAll('-', ':') : null,
      ipAddresses: list,
    });
  });
  return result;
}

function lowerKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key.toLowerCase(), value]));
}

function nameValues(value: unknown, errors: string[]): NameValue[] | null | undefined {
  if (value === null) return null;
  if (!Array.isArray(value)) {
    errors.push('userAttributes: an array of {name, value} is required');
    return undefined;
  }
  const result: NameValue[] = [];
  value.forEach((item: unknown, index) => {
    const entry = typeof item === 'object' && item !== null ? lowerKeys(item as Record<string, unknown>) : {};
    const name = entry['name'];
    const text = entry['value'];
    if (
      typeof name !== 'string' ||
      name === '' ||
      (typeof text !== 'string' && text !== null && text !== undefined)
    )
      errors.push(`userAttributes[${index}]: {name: non-empty string, value: string} is required`);
    else result.push({ name, value: typeof text === 'string' ? text : '' });
  });
  return result;
}

/**
 * Checks a device body. `creating`: the body of `POST /devices`, where `name` and `addressInformation` are
 * required; an edit may leave any field out (it keeps its value).
 */
export function checkDeviceInput(body: Record<string, unknown>, creating: boolean): CheckedDevice {
  const fields = lowerKeys(body);
  const errors: string[] = [];
  const input: Record<string, unknown> = {};
  // Present means given, null included: null clears a nullable field.
  const has = (name: string): boolean => fields[name.toLowerCase()] !== undefined;
  const get = (name: string): unknown => fields[name.toLowerCase()];

  if (has('name') || creating) {
    const name = get('name');
    if (typeof name !== 'string' || name.trim().length === 0 || name.length > MAX_NAME)
      errors.push(`name: a string of 1–${MAX_NAME} characters is required`);
    else input['name'] = name;
  }
  if (has('addressInformation') || creating)
    input['addressInformation'] = addresses(get('addressInformation'), errors);
  if (has('description')) {
    const description = get('description');
    if (description !== null && (typeof description !== 'string' || description.length > MAX_TEXT))
      errors.push(`description: a string of at most ${MAX_TEXT} characters, or null`);
    else input['description'] = description;
  }
  for (const field of TEXT_FIELDS) {
    if (!has(field)) continue;
    const value = get(field);
    if (value !== null && (typeof value !== 'string' || value.length > MAX_TEXT))
      errors.push(`${field}: a string of at most ${MAX_TEXT} characters, or null`);
    else input[field] = value;
  }
  const enumField = <T extends string>(field: string, members: readonly T[]): void => {
    if (!has(field)) return;
    const member = enumMember(members, get(field));
    if (member === undefined)
      errors.push(`${field}: one of ${members.join(', ')} (got ${JSON.stringify(get(field))})`);
    else input[field] = member;
  };
  enumField('status', ASSET_STATUSES);
  enumField('category', ASSET_TYPES);
  enumField('whatIfDuplicate', DUPLICATE_ACTIONS);
  for (const field of ['isRouter', 'allowProcessControlSettingsUpdate', 'allowProcessControlSettingsLoss']) {
    if (!has(field)) continue;
    if (typeof get(field) !== 'boolean') errors.push(`${field}: true or false`);
    else input[field] = get(field);
  }
  if (has('labels')) {
    const labels = get('labels');
    if (labels !== null && (!Array.isArray(labels) || labels.some((label) => typeof label !== 'string')))
      errors.push('labels: an array of strings, or null');
    else input['labels'] = labels;
  }
  if (has('userAttributes')) input['userAttributes'] = nameValues(get('userAttributes'), errors);
  return { input: input as DeviceInput, errors };
}
