// Request accounting that tests read back: counts per operation and status, injected faults, and
// a bounded log of requests (method, path, query).

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  operationId: string;
  status: number;
  fault?: string;
  /** oauth/token refresh grants only: whether the form carried `continuous_refresh=true`. */
  continuousRefresh?: boolean;
}

/** Token life-cycle counters, so a test can check e.g. "one refresh per expiry". */
export interface AuthStats {
  /** Successful refresh_token grants. */
  refreshes: number;
  /** Of those, how many carried `continuous_refresh=true`. */
  continuousRefreshes: number;
  /** refresh_token grants refused (unknown/used refresh token, legacy refresh of an old app). */
  refusedRefreshes: number;
  /** Distinct access tokens a request found expired (each is one refresh a client must make). */
  accessTokenExpiries: number;
  /** Requests answered 401 code 2 because their access token had expired. */
  expiredTokenRejections: number;
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
  /** Requests refused 414 because their URL was longer than `maxUrlBytes`. */
  uriTooLong: number;
  auth: AuthStats;
  requestLogDropped: number;
}

const noAuth = (): AuthStats => ({ refreshes: 0, continuousRefreshes: 0, refusedRefreshes: 0, accessTokenExpiries: 0, expiredTokenRejections: 0 });

export class Stats {
  private total = 0;
  private byOperation = new Map<string, OperationStats>();
  private byStatus: Record<string, number> = {};
  private faults: Record<string, number> = {};
  private rateLimited = 0;
  private uriTooLongCount = 0;
  private authStats = noAuth();
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
    if (e.status === 414) this.uriTooLongCount++;
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
      uriTooLong: this.uriTooLongCount,
      auth: { ...this.authStats },
      requestLogDropped: this.dropped,
    };
  }

  /** Counts one auth event (see AuthStats). */
  countAuth(k: keyof AuthStats): void {
    this.authStats[k]++;
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
    this.uriTooLongCount = 0;
    this.authStats = noAuth();
    this.log = [];
    this.dropped = 0;
  }
}
