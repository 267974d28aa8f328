// Reference call counts the analytics benchmark compares the connector's plan with.

/** The fewest calls any client could make: ceil(ids / batch) per window of maxRange days, per account. */
export function minimalCalls(entityCounts: number[], days: number, batch: number, maxRange: number): number {
  const windows = Math.ceil(days / maxRange);
  return entityCounts.reduce((n, c) => n + Math.ceil(c / batch) * windows, 0);
}

/** What a one-entity-per-call, 30-day-window client (Airbyte) makes for the same data. */
export function airbyteStyleCalls(entityCounts: number[], days: number): number {
  const windows = Math.ceil(days / 30);
  return entityCounts.reduce((n, c) => n + c * windows, 0);
}
