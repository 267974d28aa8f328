// Date-window rules of the analytics and report APIs (operation descriptions, spec 5.23.0).
import { parseDay } from './dates.js';
import { badRequest } from './errors.js';

export interface Window {
  start: number;
  end: number;
}

export interface WindowRule {
  /** How far back start_date may be, in days before today (UTC). */
  maxBack: number;
  /** Max end_date − start_date in days. */
  maxRange: number;
}

export const SYNC_RULE: WindowRule = { maxBack: 90, maxRange: 90 };
export const SYNC_HOUR_RULE: WindowRule = { maxBack: 8, maxRange: 3 };
export const REPORT_RULE: WindowRule = { maxBack: 914, maxRange: 186 };
export const REPORT_HOUR_RULE: WindowRule = { maxBack: 8, maxRange: 3 };
export const REPORT_PRODUCT_ITEM_RULE: WindowRule = { maxBack: 92, maxRange: 31 };

export function checkWindow(startRaw: string, endRaw: string, today: number, rule: WindowRule): Window {
  const start = parseDay(startRaw);
  if (start === null) throw badRequest(`'${startRaw}' is not a 'date' - 'start_date'`);
  const end = parseDay(endRaw);
  if (end === null) throw badRequest(`'${endRaw}' is not a 'date' - 'end_date'`);
  if (end < start) throw badRequest('end_date must be on or after start_date.');
  if (start < today - rule.maxBack) throw badRequest(`You can only get data from the last ${rule.maxBack} days.`);
  if (end - start > rule.maxRange) throw badRequest(`The date range can't be more than ${rule.maxRange} days (start_date ${startRaw}, end_date ${endRaw}).`);
  return { start, end };
}
