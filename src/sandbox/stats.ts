// Request accounting that tests read back: counts per operation and status, injected faults, and
// a bounded log of requests (method, path, query).

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  operationId: string;
  status: number;
  fault?: string;
}

export interface OperationStats {
  total: number;
  byStatus: Record<string, number>;
}

export interface StatsSnapshot {
  total: number;
  byOperation: Record<string, OperationStats>;
  byStatus: Record<string, number>;
  faults: Record<string, number>;
  rateLimited: number;
  requestLogDropped: number;
}

export class Stats {
  private total = 0;
  private byOperation = new Map<string, OperationStats>();
  private byStatus: Record<string, number> = {};
  private faults: Record<string, number> = {};
  private rateLimited = 0;
  private log: RequestLogEntry[] = [];
  private dropped = 0;

  constructor(private readonly logLimit: number) {}

  record(e: RequestLogEntry): void {
    this.total++;
    let o = this.byOperation.get(e.operationId);
    if (!o) this.byOperation.set(e.operationId, (o = { total: 0, byStatus: {} }));
    o.total++;
    o.byStatus[e.status] = (o.byStatus[e.status] ?? 0) + 1;
    this.byStatus[e.status] = (this.byStatus[e.status] ?? 0) + 1;
    if (e.fault) this.faults[e.fault] = (this.faults[e.fault] ?? 0) + 1;
    if (e.status === 429 && !e.fault) this.rateLimited++;
    if (this.log.length < this.logLimit) this.log.push(e);
    else this.dropped++;
  }

  snapshot(): StatsSnapshot {
    return {
      total: this.total,
      byOperation: Object.fromEntries([...this.byOperation].map(([k, v]) => [k, { total: v.total, byStatus: { ...v.byStatus } }])),
      byStatus: { ...this.byStatus },
      faults: { ...this.faults },
      rateLimited: this.rateLimited,
      requestLogDropped: this.dropped,
    };
  }

  requests(): RequestLogEntry[] {
    return this.log.slice();
  }

  reset(): void {
    this.total = 0;
    this.byOperation.clear();
    this.byStatus = {};
    this.faults = {};
    this.rateLimited = 0;
    this.log = [];
    this.dropped = 0;
  }
}
