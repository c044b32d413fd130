/**
 * The emulated KICS for Networks' data model: the JSON documents of Public API v3 (seed 002) exactly as the
 * server returns them. Keys follow the seed's response samples; nested shapes the seed does not render are the
 * resolutions recorded in docs/decisions/0027-kics-emulator-api.md (spec §6 marks them UNKNOWN or PROPOSED).
 *
 * Timestamps are strings in the spellings the samples use: `ZonelessTime` (`2020-10-26T10:15:06`, UTC) for
 * devices, allowing rules and the license; `UtcTime` (`2020-10-27T17:32:25Z`) for events, vulnerabilities and
 * monitoring points.
 */

export type ZonelessTime = string;
export type UtcTime = string;

export const ASSET_STATUSES = ['Unauthorized', 'Recognized', 'Archived'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

export const ASSET_TYPES = [
  'ScadaHmi',
  'Rpa',
  'Server',
  'Workstation',
  'Plc',
  'EngineeringStation',
  'MobileDevice',
  'NetworkDevice',
  'Other',
  'Laptop',
  'HmiPanel',
  'Printer',
  'UPS',
  'NetworkCamera',
  'Gateway',
  'StorageSystem',
  'Firewall',
  'Switch',
  'VirtualSwitch',
  'Router',
  'VirtualRouter',
  'WiFi',
  'Historian',
] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

export const DUPLICATE_ACTIONS = ['Skip', 'Overwrite'] as const;
export type DuplicateAction = (typeof DUPLICATE_ACTIONS)[number];

export const EVENT_USER_STATES = ['Proposed', 'Active', 'Resolved'] as const;
export type EventUserState = (typeof EVENT_USER_STATES)[number];

export const EVENT_SEVERITIES = ['Info', 'Warning', 'Critical'] as const;
export type EventSeverity = (typeof EVENT_SEVERITIES)[number];

export const EVENT_ORIGINS = ['Unknown', 'System', 'User'] as const;
export type EventOrigin = (typeof EVENT_ORIGINS)[number];

/** Observed values (seed samples, the 2.9 API's AssetSecurityStatus); KICS may know more. */
export const SECURITY_STATES = ['UnknownAssetSecurityStatus', 'Ok', 'Warning', 'Critical'] as const;
export type SecurityState = (typeof SECURITY_STATES)[number];

/** `technology` of events and event types: the detection technology that raised them. */
export const TECHNOLOGIES = ['Dpi', 'Nic', 'Cc', 'Ids', 'Am', 'External', 'System'] as const;
export type Technology = (typeof TECHNOLOGIES)[number];

// --- devices ---------------------------------------------------------------------------------------------------

export interface IpAddressEntry {
  readonly ip: string;
}

/** One network interface of a device: its MAC (null when only seen through a router) and its IPs. */
export interface DeviceAddressInformation {
  readonly macAddress: string | null;
  readonly ipAddresses: readonly IpAddressEntry[];
}

export interface DeviceVulnerabilityRef {
  readonly assetVulnerabilityId: number;
  readonly cveId: string;
  readonly state: string;
  readonly cvsScore: number;
}

/** A PLC's industrial configuration (project) as read from the wire; `null` when none was read. */
export interface ProcessControlSettings {
  readonly projectName: string;
  readonly readTime: ZonelessTime;
  readonly modules: ReadonlyArray<{
    readonly slot: number;
    readonly type: string;
    readonly firmware: string;
  }>;
}

export interface NameValue {
  readonly name: string;
  readonly value: string;
}

/** Endpoint protection on the device as KICS learns it from Kaspersky Security Center; `null` when none. */
export interface EndpointProtection {
  readonly name: string;
  readonly version: string;
  readonly rtpState: string;
  readonly lastSync: ZonelessTime;
}

/** The editable fields of a device (seed: DeviceUpdate); an edit leaves out the fields it does not name. */
export interface DeviceFields {
  readonly name?: string;
  readonly addressInformation?: readonly DeviceAddressInformation[];
  readonly description?: string | null;
  readonly status?: AssetStatus;
  readonly category?: AssetType;
  readonly os?: string | null;
  readonly hardwareVendor?: string | null;
  readonly hardwareModel?: string | null;
  readonly hardwareVersion?: string | null;
  readonly softwareVendor?: string | null;
  readonly softwareModel?: string | null;
  readonly softwareVersion?: string | null;
  readonly networkName?: string | null;
  readonly isRouter?: boolean;
  readonly labels?: readonly string[] | null;
  readonly userAttributes?: readonly NameValue[] | null;
}

export interface Device {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly status: AssetStatus;
  readonly addressInformation: readonly DeviceAddressInformation[];
  readonly category: AssetType;
  readonly group: string;
  readonly securityState: SecurityState;
  readonly lastSeen: ZonelessTime;
  readonly lastModified: ZonelessTime;
  readonly created: ZonelessTime;
  readonly os: string | null;
  readonly networkName: string | null;
  readonly hardwareVendor: string | null;
  readonly hardwareModel: string | null;
  readonly hardwareVersion: string | null;
  readonly softwareVendor: string | null;
  readonly softwareModel: string | null;
  readonly softwareVersion: string | null;
  readonly isRouter: boolean;
  readonly labels: readonly string[];
  readonly vulnerabilities: readonly DeviceVulnerabilityRef[];
  readonly processControlSettings: ProcessControlSettings | null;
  readonly attributes: readonly NameValue[];
  readonly userAttributes: readonly NameValue[];
  readonly epp: EndpointProtection | null;
}

/** One application-level protocol a device speaks (`GET /devices/{id}/protocols`). */
export interface DeviceProtocol {
  readonly assetProtocolId: number;
  readonly protocolStackId: number;
  readonly name: string;
  readonly protocolStackName: string;
  /** The device's address in that protocol (Modbus unit id, S7 rack/slot, IEC 104 common address). */
  readonly address: string;
  readonly lastSeen: ZonelessTime;
}

// --- events ----------------------------------------------------------------------------------------------------

export interface CommunicationEndpoint {
  readonly ipAddress: string | null;
  readonly macAddress: string | null;
  readonly port: number | null;
  /** The endpoint's address inside the industrial protocol (Modbus unit id, IEC 104 common address, …). */
  readonly applicationLevelAddress: string | null;
}

export interface Communication {
  readonly source: CommunicationEndpoint;
  readonly destination: CommunicationEndpoint;
  readonly vlanId: number | null;
}

export interface EventAsset {
  readonly id: number;
  readonly name: string;
  readonly ipAddress: string | null;
  readonly macAddress: string | null;
}

export interface EventVulnerabilityRef {
  readonly assetVulnerabilityId: number;
  readonly cveId: string;
}

export interface KicsEvent {
  readonly id: number;
  readonly eventType: number;
  readonly title: string;
  readonly severity: EventSeverity;
  readonly startTime: UtcTime;
  readonly lastSeenTime: UtcTime;
  readonly endTime: UtcTime | null;
  readonly protocol: string;
  readonly communications: readonly Communication[];
  readonly technology: Technology;
  readonly totalAppearances: number;
  readonly status: EventUserState;
  readonly description: string;
  readonly triggeredRule: string;
  readonly triggeredRuleId: number;
  readonly monitoringPoint: string;
  readonly monitoringPointId: number;
  readonly monitoringPointDeletedTime: ZonelessTime | null;
  readonly mark: number;
  readonly origin: EventOrigin;
  readonly childrenCount: number;
  readonly assets: readonly EventAsset[];
  readonly params: readonly NameValue[];
  readonly vulnerabilities: readonly EventVulnerabilityRef[];
}

export interface TrafficKeeping {
  readonly enabled: boolean;
  /** Seconds of traffic kept before and after the packet that raised the event. */
  readonly secondsBefore: number;
  readonly secondsAfter: number;
}

export interface EventType {
  readonly eventTypeId: number;
  readonly title: string;
  readonly description: string;
  readonly severity: EventSeverity;
  readonly technology: Technology;
  readonly eventRegenerateTimeout: number;
  readonly trafficKeeping: TrafficKeeping;
}

// --- rules, tags, vulnerabilities --------------------------------------------------------------------------------

export interface Range<T> {
  readonly from: T;
  readonly to: T;
}

export interface RuleSide {
  readonly macAddressRanges: ReadonlyArray<Range<string>>;
  readonly ipAddressRanges: ReadonlyArray<Range<string>>;
  readonly portAddressRanges: ReadonlyArray<Range<number>>;
}

export interface AllowRule {
  readonly commands: string;
  readonly protocols: string;
  readonly isDpiDetectable: boolean;
  readonly addressType: string;
  readonly timestampCreated: ZonelessTime;
  readonly timestampModified: ZonelessTime;
  readonly monitoringPoint: string;
  readonly monitoringPointTimestampDeleted: ZonelessTime | null;
  readonly id: number;
  readonly isActive: boolean;
  readonly ruleType: string;
  readonly side1: RuleSide;
  readonly side2: RuleSide;
  readonly comment: string;
  readonly isAutoGenerated: boolean;
  readonly eventType: string;
  readonly eventTypeId: number;
  readonly triggeredRule: string;
}

export interface TagScaling {
  readonly type: 'None' | 'Linear';
  readonly rawLow: number;
  readonly rawHigh: number;
  readonly scaledLow: number;
  readonly scaledHigh: number;
}

export interface Tag {
  readonly assetId: number;
  readonly assetName: string;
  readonly assetAddress: string;
  readonly assetGroup: string;
  readonly protocol: string;
  readonly protocolStackId: number;
  readonly assetProtocolId: number;
  readonly name: string;
  readonly id: number;
  readonly favourite: boolean;
  readonly measureUnit: string;
  readonly description: string;
  /** JSON text, as KICS returns it: `{"area": "HoldingRegisters", "address": "123"}`. */
  readonly address: string;
  readonly origin: string;
  readonly scaling: TagScaling;
  /** JSON text holding the last value read, as KICS returns it. */
  readonly operativeParameters: string;
  /** ISO 8601 with offset and 7 fractional digits (`2024-09-12T10:16:52.3903517+00:00`). */
  readonly registrationTimestamp: string;
  readonly timeSinceLastTagReadMs: number;
  readonly timeSinceLastTagWriteMs: number;
  readonly tagDataType: string;
}

export interface VulnerabilityAssetRef {
  readonly assetId: number;
  readonly assetName: string;
}

export interface Vulnerability {
  readonly assetVulnerabilityId: number;
  readonly cveId: string;
  readonly cvsScore: number;
  readonly state: string;
  readonly description: string;
  readonly assetGroup: string;
  readonly assetName: string;
  readonly assetAddress: string;
  readonly assetId: number;
  readonly firstDetected: UtcTime;
  readonly lastDetected: UtcTime;
  readonly published: UtcTime;
  readonly attackConditions: string;
  readonly impact: string;
  readonly vector: string;
  readonly cveSource: string;
  readonly mitigations: readonly string[];
  readonly references: readonly string[];
  /** Ids of the events raised for this vulnerability. */
  readonly cveEvents: readonly number[];
  readonly matchedCpes: readonly string[];
  readonly events: readonly number[];
  readonly otherAssets: readonly VulnerabilityAssetRef[];
}

// --- logs, dictionaries, server facts ----------------------------------------------------------------------------

export interface ApplicationMessage {
  readonly id: number;
  readonly date: UtcTime;
  readonly status: string;
  readonly node: string;
  readonly systemProcess: string;
  readonly descriptionId: number;
  readonly description: string;
}

export interface AuditEntry {
  readonly id: number;
  readonly date: UtcTime;
  readonly node: string;
  readonly user: string;
  readonly action: string;
  readonly result: string;
  readonly description: string;
}

export interface MonitoringPoint {
  readonly mpId: number;
  readonly name: string;
  readonly nicId: string;
  readonly hostId: string;
  readonly enabled: boolean;
  readonly createdTime: UtcTime;
  readonly deletedTime: UtcTime | null;
}

export interface ProtocolStack {
  readonly protocolStackId: number;
  readonly name: string;
  readonly protocolStackName: string;
  readonly parentId: number;
  readonly etherType: number;
  readonly ipType: number;
  readonly customType: string;
  readonly isIndustrial: boolean;
  readonly isActive: boolean;
}

export interface TechnologyState {
  readonly technology: Technology;
  readonly name: string;
  readonly state: 'Enabled' | 'Disabled' | 'Learning';
}

export interface About {
  readonly version: string;
  readonly updateableComponents: ReadonlyArray<{ readonly type: string; readonly releaseTime: ZonelessTime }>;
}

export interface License {
  readonly localization: string;
  readonly serialNumber: { readonly value: string };
  readonly productName: string;
  readonly licenseInstallationDate: ZonelessTime;
  readonly licenseExpirationDate: ZonelessTime;
  readonly licenseCreationDate: ZonelessTime;
  readonly licenseStatus: string;
  readonly daysTillLicenseExpire: number;
}

export interface ConnectorConfiguration {
  /** YAML text describing the connector type's settings, as KICS returns it. */
  readonly config: string;
  readonly eventTypesToSend: readonly number[];
  readonly forwardAppMessages: boolean;
  readonly forwardAuditMessages: boolean;
}

/** The server's small, fixed documents, read whole. */
export interface KicsDictionaries {
  readonly about: About;
  readonly license: License;
  readonly locale: { readonly localization: string };
  readonly configuration: ConnectorConfiguration;
  readonly technologies: readonly TechnologyState[];
  readonly monitoringPoints: readonly MonitoringPoint[];
  readonly protocolStacks: readonly ProtocolStack[];
  readonly eventTypes: readonly EventType[];
}

/** One page of a `…/query` operation; `offset` and `limit` echo the request (null when it gave none). */
export interface Page<T> {
  readonly offset: number | null;
  readonly limit: number | null;
  readonly values: readonly T[];
}
