import type { BindingProgress } from '../connector/session-loop.js';

// What the demo knows about each stream while it runs: fed by the session's progress callbacks
// (documents, pass start/end) and the client's per-stream request counters.

export type StreamStatus = 'waiting' | 'running' | 'done' | 'failed';

export interface StreamRow {
  stream: string;
  status: StreamStatus;
  docs: number;
  requests: number;
  startedAt?: number;
  endedAt?: number;
}

export class Tracker {
  readonly rows: StreamRow[];
  private readonly byIndex: Map<number, StreamRow>;
  readonly startedAt = Date.now();

  constructor(streams: string[]) {
    this.rows = streams.map((stream) => ({ stream, status: 'waiting', docs: 0, requests: 0 }));
    this.byIndex = new Map(this.rows.map((r, i) => [i, r]));
  }

  /** Returns the row when its status changed (so displays can print transitions only). */
  progress(p: BindingProgress): StreamRow | undefined {
    const row = this.byIndex.get(p.binding.index);
    if (!row) return undefined;
    row.docs = p.docs;
    const status: StreamStatus = p.done ? (p.passes > 0 ? 'done' : 'failed') : p.running ? 'running' : p.passes > 0 ? 'done' : 'waiting';
    if (status === row.status) return undefined;
    if (status === 'running') row.startedAt ??= Date.now();
    if (status === 'done' || status === 'failed') row.endedAt ??= Date.now();
    row.status = status;
    return row;
  }

  requests(byStream: Record<string, number>): void {
    for (const r of this.rows) r.requests = byStream[r.stream] ?? 0;
  }

  seconds(row: StreamRow, now = Date.now()): number {
    if (row.startedAt === undefined) return 0;
    return ((row.endedAt ?? now) - row.startedAt) / 1000;
  }

  finished(): number {
    return this.rows.filter((r) => r.status === 'done' || r.status === 'failed').length;
  }

  totalDocs(): number {
    return this.rows.reduce((n, r) => n + r.docs, 0);
  }
}
