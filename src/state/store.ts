import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';

import type { SavedTenant, TenantRegistry } from './tenants.js';

/**
 * Version of the data file's format. A file with another version is not read. Version 3
 * saves a deployment's services as one shared plan and a start per service. Version 2
 * saved an object with a timeline per service deployment, and version 1 a list of steps.
 */
export const DATA_FORMAT_VERSION = 3;

// Writes are coalesced: a change marks the store dirty, and one write every interval
// saves all changes since the last one. This is the window that a crash can lose.
export const DEFAULT_FLUSH_INTERVAL_MS = 250;

interface DataFile {
  format: 'flightcontrol-mock';
  version: number;
  savedAt: string;
  tenants: SavedTenant[];
}

/** A data file that cannot be used; start-up stops and the file is left as it is. */
export class DataFileError extends Error {}

/**
 * Keeps every tenant in a JSON file with lowdb. lowdb writes through a temporary file and
 * a rename, so a crash leaves either the old or the new file, never half of one.
 */
export class Store {
  private readonly db: Low<DataFile | null>;
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly registry: TenantRegistry,
    private readonly flushIntervalMs = DEFAULT_FLUSH_INTERVAL_MS,
  ) {
    this.db = new Low<DataFile | null>(new JSONFile<DataFile | null>(file), null);
  }

  /**
   * Restores the tenants from the file, or writes a new file when there is none. Throws
   * DataFileError for a file that cannot be read, parsed or understood.
   */
  async open(): Promise<'restored' | 'created'> {
    const data = await readDataFile(this.file);
    if (data === null) {
      try {
        await this.flush(true);
      } catch (error) {
        throw new DataFileError(creationProblem(this.file, error));
      }
      this.startTimer();
      return 'created';
    }
    try {
      this.registry.restore(data.tenants);
    } catch (error) {
      // Anything that breaks the restore is a problem of the file's contents, which a
      // person may have edited, so the message names the file like the checks above do.
      throw new DataFileError(`Data file ${this.file} has an invalid tenant: ${(error as Error).message}. The file was left as it is. Move it away to start with a fresh world.`);
    }
    this.startTimer();
    return 'restored';
  }

  /** Records that state changed; the next flush writes it. */
  markDirty(): void {
    this.dirty = true;
  }

  /**
   * Writes the state now if it changed (or always, with force). Writes never overlap, and
   * each write starts after the previous one settles, even when that one failed.
   */
  flush(force = false): Promise<void> {
    if (!this.dirty && !force) return this.writing;
    this.dirty = false;
    // The caller of the previous flush has already seen its failure. Chaining on the
    // rejected promise itself would skip this write and every later one.
    this.writing = this.writing.catch(() => undefined).then(async () => {
      this.db.data = { format: 'flightcontrol-mock', version: DATA_FORMAT_VERSION, savedAt: new Date().toISOString(), tenants: this.registry.save() };
      await this.db.write();
    });
    return this.writing;
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** Called with each failed write, for the server to log; the write is retried. */
  onWriteError: (error: unknown) => void = () => undefined;

  private startTimer(): void {
    this.timer = setInterval(() => {
      this.flush().catch((error: unknown) => {
        // A failed write keeps the state dirty, so the next tick tries again.
        this.dirty = true;
        this.onWriteError(error);
      });
    }, this.flushIntervalMs);
    this.timer.unref();
  }
}

/**
 * Builds the message for a new data file that could not be written. lowdb writes a
 * temporary file beside the target first, so the raw error names that file instead.
 */
function creationProblem(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const folder = dirname(file);
  if (code === 'ENOENT') return `Cannot create data file ${file}: the folder ${folder} does not exist. Create it, or choose a --data path in an existing folder.`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `Cannot create data file ${file}: the folder ${folder} is not writable. Fix its permissions, or choose another --data path.`;
  return `Cannot create data file ${file}: ${(error as Error).message}. Choose another --data path.`;
}

/** Reads and checks a data file; returns null when there is no file yet. */
async function readDataFile(file: string): Promise<DataFile | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DataFileError(`Cannot read data file ${file}: ${(error as Error).message}. Fix its permissions or choose another --data path.`);
  }

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new DataFileError(`Cannot parse data file ${file}: ${(error as Error).message}. The file was left as it is; move it away to start with a fresh world.`);
  }

  const candidate = data as Partial<DataFile> | null;
  if (candidate === null || typeof candidate !== 'object' || candidate.format !== 'flightcontrol-mock') {
    throw new DataFileError(`Data file ${file} is not a flightcontrol-mock data file. The file was left as it is; choose another --data path.`);
  }
  if (candidate.version !== DATA_FORMAT_VERSION) {
    throw new DataFileError(`Data file ${file} has format version ${String(candidate.version)}, and this version of flightcontrol-mock reads only version ${DATA_FORMAT_VERSION}. The file was left as it is; move it away to start with a fresh world.`);
  }
  if (!Array.isArray(candidate.tenants)) throw new DataFileError(`Data file ${file} has no tenants list. The file was left as it is.`);
  candidate.tenants.forEach((tenant: unknown, index) => {
    const problem = findTenantProblem(tenant);
    if (problem !== null) {
      throw new DataFileError(`Data file ${file} has an invalid tenant: tenants[${index}]${problem}. The file was left as it is. Move it away to start with a fresh world.`);
    }
  });
  return candidate as DataFile;
}

// The fields of a saved tenant that the restore reads directly, and the JSON type of each.
// NOTE: objects inside the world, such as deployments, are not checked, so a broken one
// fails only when a request reads it.
const TENANT_FIELDS: [path: string, kind: 'array' | 'boolean' | 'number' | 'object'][] = [
  ['keys', 'array'],
  ['primary', 'boolean'],
  ['scenario', 'object'],
  ['scenario.scenario', 'object'],
  ['scenario.seed', 'number'],
  ['definition', 'object'],
  ['definition.apiKeys', 'array'],
  ['definition.projects', 'array'],
  ['definition.environments', 'array'],
  ['definition.services', 'array'],
  ['world', 'object'],
  ...['projects', 'environments', 'services', 'deployments', 'invalidations', 'jobExecutions', 'envVariables', 'openInvalidations'].map(
    (name): [string, 'array'] => [`world.${name}`, 'array'],
  ),
  ['clock', 'object'],
  ['clock.nowMs', 'number'],
  ['clock.offsetMs', 'number'],
  ['ids', 'object'],
  ['ids.counter', 'number'],
  ['ids.random', 'number'],
  ['random', 'number'],
  ['faultRandom', 'number'],
];

/** Describes the first field of a saved tenant that is missing or of the wrong type, such as ".clock.nowMs must be a number". */
function findTenantProblem(tenant: unknown): string | null {
  if (!hasJsonType(tenant, 'object')) return ' must be an object';
  for (const [path, kind] of TENANT_FIELDS) {
    let value: unknown = tenant;
    for (const name of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[name];
    if (!hasJsonType(value, kind)) return `.${path} must be ${kind === 'boolean' || kind === 'number' ? 'a' : 'an'} ${kind}`;
  }
  return null;
}

function hasJsonType(value: unknown, kind: 'array' | 'boolean' | 'number' | 'object'): boolean {
  if (kind === 'array') return Array.isArray(value);
  if (kind === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  return typeof value === kind;
}
