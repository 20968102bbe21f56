/**
 * What an imported scenario keeps for `lbsim export` that the scenario schema has no field for:
 * server addresses, backup and disabled servers, the hash key and the active health check. They are
 * written as plain lines at the end of the scenario's `description`, which survives into results
 * files (`scenario.description`), so export works from either:
 *
 * ```text
 * Kept for `lbsim export` (one item per line; edit with care):
 *   address web1 10.0.0.1:8080
 *   backup spare 10.0.0.9:8080 weight=1 maxconn=0 position=2
 *   down old 10.0.0.7:8080 weight=1 maxconn=0 position=3 priority=1 zone=eu-1b health=DRAINING
 *   degraded web2
 *   hash-key header x-user-id
 *   health-check interval=2s timeout=1s rise=2 fall=3 path=/health
 * ```
 *
 * `address <group> <addr>…` gives the addresses of a backend group's members in order; `position`
 * is a backup or down server's index in the proxy's server list (order matters to hashing); a down
 * server's Envoy `priority`, `zone` and `health_status` follow. `degraded <group>` marks a simulated
 * group Envoy lists as `DEGRADED`: scenarios imported before `backends[].degraded` existed carry
 * it; export still reads it, import now writes `degraded: true` on the group instead.
 */
import { parseDuration } from '../input/units.js';
import { scenarioDuration } from './durations.js';
import { formatHashKey, parseHashKey } from './hash-key.js';
import type { EnvoyHealthStatus, HashKey, LbHealthCheck, LbServer } from './types.js';

const HEALTH: readonly string[] = ['UNHEALTHY', 'TIMEOUT', 'DRAINING', 'DEGRADED'];
import type { ImportedInfo } from '../scenario/index.js';

/** The line that starts the kept items. */
export const NOTES_MARKER = 'Kept for `lbsim export` (one item per line; edit with care):';

/** Items kept in a scenario description for export. */
export interface ExportNotes {
  /** Backend group name → member addresses, in order. */
  addresses: Map<string, string[]>;
  /** Backup and disabled servers (not simulated), with their index in the proxy's server list. */
  extraServers: (LbServer & { position?: number })[];
  hashKey?: HashKey;
  healthCheck?: LbHealthCheck;
  /** Simulated servers Envoy lists as `DEGRADED` (older imports; now `backends[].degraded`). */
  degraded?: string[];
}

/** Formats the kept items as description lines (empty when there is nothing to keep). */
export function formatNotes(notes: ExportNotes): string[] {
  const lines: string[] = [];
  for (const [group, addrs] of notes.addresses) lines.push(`  address ${group} ${addrs.join(' ')}`);
  for (const s of notes.extraServers) {
    lines.push(
      `  ${s.role === 'backup' ? 'backup' : 'down'} ${s.name} ${s.address} weight=${s.weight} maxconn=${s.maxConn}${s.position !== undefined ? ` position=${s.position}` : ''}` +
        `${s.priority !== undefined ? ` priority=${s.priority}` : ''}${s.zone !== undefined ? ` zone=${s.zone}` : ''}${s.health !== undefined ? ` health=${s.health}` : ''}`,
    );
  }
  for (const name of notes.degraded ?? []) lines.push(`  degraded ${name}`);
  if (notes.hashKey) lines.push(`  hash-key ${formatHashKey(notes.hashKey)}`);
  const h = notes.healthCheck;
  if (h) {
    lines.push(
      `  health-check interval=${scenarioDuration(h.intervalMs)} timeout=${scenarioDuration(h.timeoutMs)} rise=${h.rise} fall=${h.fall}${h.path !== undefined ? ` path=${h.path}` : ''}`,
    );
  }
  return lines.length > 0 ? [NOTES_MARKER, ...lines] : [];
}

/** Reads the kept items back from a description; lines it does not recognize are ignored. */
export function parseNotes(description: string): ExportNotes {
  const notes: ExportNotes = { addresses: new Map(), extraServers: [] };
  const lines = description.split('\n');
  const start = lines.findIndex((l) => l.trim() === NOTES_MARKER);
  if (start < 0) return notes;
  for (const raw of lines.slice(start + 1)) {
    const line = raw.trim();
    let m = /^address (\S+) (.+)$/.exec(line);
    if (m) {
      notes.addresses.set(m[1]!, m[2]!.split(/\s+/));
      continue;
    }
    m = /^(backup|down) (\S+) (\S+)((?: \w+=[\w.-]+)*)$/.exec(line);
    if (m) {
      const words = new Map([...m[4]!.matchAll(/(\w+)=([\w.-]+)/g)].map((p) => [p[1]!, p[2]!]));
      const num = (k: string): number | undefined => (words.has(k) && /^\d+$/.test(words.get(k)!) ? Number(words.get(k)) : undefined);
      const health = words.get('health');
      notes.extraServers.push({
        role: m[1] as 'backup' | 'down',
        name: m[2]!,
        address: m[3]!,
        weight: num('weight') ?? 1,
        maxConn: num('maxconn') ?? 0,
        ...(num('position') !== undefined ? { position: num('position')! } : {}),
        ...(num('priority') !== undefined ? { priority: num('priority')! } : {}),
        ...(words.has('zone') ? { zone: words.get('zone')! } : {}),
        ...(health !== undefined && HEALTH.includes(health) ? { health: health as EnvoyHealthStatus } : {}),
      });
      continue;
    }
    m = /^degraded (\S+)$/.exec(line);
    if (m) {
      (notes.degraded ??= []).push(m[1]!);
      continue;
    }
    m = /^hash-key (.+)$/.exec(line);
    if (m) {
      const key = parseHashKey(m[1]!);
      if (key) notes.hashKey = key;
      continue;
    }
    m = /^health-check interval=(\S+) timeout=(\S+) rise=(\d+) fall=(\d+)(?: path=(.*))?$/.exec(line);
    if (m) {
      const intervalMs = parseDuration(m[1]!);
      const timeoutMs = parseDuration(m[2]!);
      if (Number.isFinite(intervalMs) && Number.isFinite(timeoutMs)) {
        notes.healthCheck = { intervalMs, timeoutMs, rise: Number(m[3]), fall: Number(m[4]) };
        if (m[5] !== undefined) notes.healthCheck.path = m[5];
      }
    }
  }
  return notes;
}

/**
 * The kept items of a scenario: its `imported:` section when it has one (what `lbsim import`
 * writes now), else the lines at the end of its description (scenarios imported before the
 * section existed).
 */
export function notesOf(scenario: { description?: string; imported?: ImportedInfo }): ExportNotes {
  const im = scenario.imported;
  if (!im) return parseNotes(scenario.description ?? '');
  const notes: ExportNotes = { addresses: new Map(Object.entries(im.addresses ?? {})), extraServers: [] };
  for (const s of im.servers ?? []) notes.extraServers.push({ ...s });
  if (im.hashKey !== undefined) {
    const key = parseHashKey(im.hashKey);
    if (key) notes.hashKey = key;
  }
  if (im.healthCheck) notes.healthCheck = { ...im.healthCheck };
  if (im.degraded !== undefined) notes.degraded = [...im.degraded];
  return notes;
}

/** The `imported:` section (as written in YAML) for a config's kept items. */
export function importedSection(notes: ExportNotes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (notes.extraServers.length > 0) {
    out.servers = notes.extraServers.map((s) => ({
      name: s.name,
      address: s.address,
      role: s.role,
      weight: s.weight,
      maxConn: s.maxConn,
      ...(s.position !== undefined ? { position: s.position } : {}),
      ...(s.priority !== undefined ? { priority: s.priority } : {}),
      ...(s.zone !== undefined ? { zone: s.zone } : {}),
      ...(s.health !== undefined ? { health: s.health } : {}),
    }));
  }
  if (notes.addresses.size > 0) out.addresses = Object.fromEntries(notes.addresses);
  if (notes.degraded !== undefined && notes.degraded.length > 0) out.degraded = [...notes.degraded];
  if (notes.hashKey) out.hashKey = formatHashKey(notes.hashKey);
  const h = notes.healthCheck;
  if (h) out.healthCheck = { interval: scenarioDuration(h.intervalMs), timeout: scenarioDuration(h.timeoutMs), rise: h.rise, fall: h.fall, ...(h.path !== undefined ? { path: h.path } : {}) };
  return out;
}
