// Fault injection, deterministic by seed: rule i fires on its n-th eligible request when
// hash(seed, i, n) falls under its probability, so the same client sees the same faults.
import { hash, unit } from './hash.js';

export const FAULT_KINDS = ['500', '503', '429', '2726', 'slow', 'truncate', 'reset', 'expire'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  /**
   * 500/503: server error `{code, message}`; 429: rate limit code 8 with X-RateLimit headers;
   * 2726: analytics "Reporting query cost limit exceeded. Retry after N seconds";
   * slow: delay the response by `delayMs`; truncate: send half the body then destroy the socket;
   * reset: destroy the connection without a response; expire: the presented access token expires (401).
   */
  kind: FaultKind;
  /** 0..1, default 1. */
  probability?: number;
  /** Only these operationIds (e.g. `ads/analytics`, `report/download`); default all. */
  operations?: string[];
  /** slow: delay in ms (default 500). */
  delayMs?: number;
  /** 429/2726: seconds to wait announced to the client (default 1). */
  retryAfterSeconds?: number;
  /** Skip the first `after` eligible requests. */
  after?: number;
  /** Stop after this many injections. */
  max?: number;
}

interface RuleState {
  rule: FaultRule;
  seen: number;
  fired: number;
}

export class Faults {
  private rules: RuleState[] = [];
  constructor(private readonly seed: number) {}

  set(rules: FaultRule[]): void {
    for (const r of rules) {
      if (!FAULT_KINDS.includes(r.kind)) throw new Error(`unknown fault kind '${r.kind}' (${FAULT_KINDS.join(', ')})`);
      if (r.probability !== undefined && !(r.probability >= 0 && r.probability <= 1)) throw new Error(`fault probability must be within 0..1`);
    }
    this.rules = rules.map((rule) => ({ rule, seen: 0, fired: 0 }));
  }

  list(): FaultRule[] {
    return this.rules.map((r) => r.rule);
  }

  /** Faults to apply to this request (at most one terminal fault, plus `slow`). */
  decide(operationId: string): FaultRule[] {
    const out: FaultRule[] = [];
    let terminal = false;
    this.rules.forEach((st, i) => {
      const r = st.rule;
      if (r.operations && !r.operations.includes(operationId)) return;
      const n = st.seen++;
      if (n < (r.after ?? 0)) return;
      if (r.max !== undefined && st.fired >= r.max) return;
      if (r.kind !== 'slow' && terminal) return;
      if (unit(hash(this.seed, 7919, i, n)) >= (r.probability ?? 1)) return;
      st.fired++;
      if (r.kind !== 'slow') terminal = true;
      out.push(r);
    });
    return out;
  }
}

/**
 * CLI form: comma-separated `kind:probability[:param][@op1+op2]`, param = delayMs for slow,
 * retryAfterSeconds for 429/2726. Example: `500:0.05,slow:0.1:800@ads/analytics,truncate:0.02`.
 */
export function parseFaultSpec(spec: string): FaultRule[] {
  if (!spec.trim()) return [];
  return spec.split(',').map((part) => {
    const [main, ops] = part.trim().split('@');
    const [kind, prob, param] = main.split(':');
    if (!FAULT_KINDS.includes(kind as FaultKind)) throw new Error(`--faults: unknown fault kind '${kind}' (${FAULT_KINDS.join(', ')})`);
    const probability = prob === undefined || prob === '' ? 1 : Number(prob);
    if (!(probability >= 0 && probability <= 1)) throw new Error(`--faults: probability '${prob}' must be a number within 0..1`);
    const rule: FaultRule = { kind: kind as FaultKind, probability };
    if (param !== undefined) {
      const v = Number(param);
      if (!Number.isFinite(v) || v < 0) throw new Error(`--faults: bad parameter '${param}' for ${kind}`);
      if (kind === 'slow') rule.delayMs = v;
      else rule.retryAfterSeconds = v;
    }
    if (ops) rule.operations = ops.split('+').filter(Boolean);
    return rule;
  });
}
