import type { Logger } from '../log.js';
import type { BindingState } from './binding-state.js';
import type { PassEvent } from './pass-events.js';

// The connector layer's only view of Pinterest: everything stream-specific lives behind `Source`.

export type SyncMode = 'incremental' | 'full_refresh';

export interface ResourceConfig {
  stream: string;
  syncMode?: SyncMode;
  interval?: string; // ISO-8601 duration
}

export interface StreamInfo {
  name: string;
  key: string[]; // JSON pointers, e.g. ["/CAMPAIGN_ID", "/DATE"]
  syncModes: SyncMode[]; // first = default
  defaultInterval: string; // ISO-8601 duration
  documentSchema: Record<string, unknown>;
}

export interface SpecInfo {
  configSchema: Record<string, unknown>;
  resourceConfigSchema: Record<string, unknown>;
  documentationUrl: string;
  oauth2?: Record<string, unknown>;
  resourcePathPointers: string[];
}

// Inclusive 32-bit key range of the Flow shard (Open.range keyBegin..keyEnd).
export interface KeyRange {
  begin: number;
  end: number;
}

export interface OpenBinding {
  index: number; // binding index in Open.capture.bindings (what `captured.binding` refers to)
  resource: Required<Pick<ResourceConfig, 'stream' | 'syncMode'>> & { interval: string };
  stateKey: string;
}

/** What a source sees of one binding's pass. Read-only: progress flows back as events. */
export interface PassContext {
  binding: OpenBinding;
  /** The binding's state as it stood when the pass began. */
  readonly state: Readonly<BindingState>;
  signal: AbortSignal;
  log: Logger;
  range: KeyRange;
}

export interface Session {
  /** One polling pass of a binding: its documents and progress, in order. Re-run every `interval`. */
  pass(ctx: PassContext): AsyncIterable<PassEvent>;
  /**
   * Key pointers of a binding whose documents vanish when their object is deleted (full-refresh
   * listings): the driver then emits a deletion for every key the previous complete pass had and
   * the current complete pass lacks. Undefined: no deletions.
   */
  deletionKey?(binding: OpenBinding): string[] | undefined;
  close(): Promise<void>;
}

export interface SessionHooks {
  log: Logger;
  /**
   * Where an updated endpoint config (e.g. a rotated OAuth refresh token) goes. Unset under Flow:
   * the source publishes it to the runtime (a `configUpdate` event). Local runs (CLI, demo) set it
   * to keep the new value themselves, e.g. in the config file.
   */
  persistConfig?: (config: unknown) => Promise<void>;
}

export interface Source<Config = unknown> {
  spec(): SpecInfo;
  /** Validates and normalises the endpoint config; throws UserError naming the field. */
  parseConfig(raw: unknown): Config;
  /** Streams available for this config (custom reports add streams). */
  streams(config: Config): StreamInfo[];
  /** Checks credentials and that every bound stream is reachable; throws UserError naming the binding. */
  validate(config: Config, bindings: ResourceConfig[], hooks: SessionHooks): Promise<void>;
  openSession(config: Config, bindings: OpenBinding[], range: KeyRange, hooks: SessionHooks): Promise<Session>;
}
