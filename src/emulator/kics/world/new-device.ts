import type { Device } from '../../../kics/model.ts';

/**
 * A device KICS has just learnt of, before anything is known about it but its name: no addresses, no products,
 * no vulnerabilities, first seen at `time` (zone-less). Devices that appear live and devices created through the
 * API start from it and set what they know.
 */
export function newDeviceRecord(id: number, name: string, time: string): Device {
  return {
    id,
    name,
    description: '',
    status: 'Recognized',
    addressInformation: [],
    category: 'Other',
    group: '',
    securityState: 'Ok',
    lastSeen: time,
    lastModified: time,
    created: time,
    os: null,
    networkName: null,
    hardwareVendor: null,
    hardwareModel: null,
    hardwareVersion: null,
    softwareVendor: null,
    softwareModel: null,
    softwareVersion: null,
    isRouter: false,
    labels: [],
    vulnerabilities: [],
    processControlSettings: null,
    attributes: [],
    userAttributes: [],
    epp: null,
  };
}
