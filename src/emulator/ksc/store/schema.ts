/**
 * Tables of the emulated KSC. Attribute sets are stored as the JSON of their KLOAPI wire form (the members of a
 * params container), so a record is served without re-encoding and decoded with the shared codec; columns beside
 * them hold what the server filters, joins and orders by.
 */
export interface EmulatorSchema {
  meta: { key: string; value: string };
  vservers: { id: number; name: string; display_name: string };
  groups: { id: number; vserver_id: number; parent_id: number | null; name: string; attrs: string };
  hosts: {
    id: string;
    vserver_id: number;
    group_id: number;
    display_name: string;
    attrs: string;
    products: string;
  };
  events: {
    id: number;
    vserver_id: number;
    host_id: string | null;
    rise_time: number;
    event_type: string;
    severity: number;
    attrs: string;
  };
  roles: { name: string; rights: string };
  users: {
    id: number;
    vserver_id: number;
    name: string;
    display_name: string;
    password_hash: string;
    internal: number;
    roles: string;
    failed_attempts: number;
    locked_until: number | null;
  };
}
