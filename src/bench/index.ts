import { analyticsSection } from './analytics.js';
import { rateLimitsSection } from './rate-limits.js';
import { throughputSection } from './throughput.js';
import type { BenchSection } from './types.js';

// Every benchmark section, in the order `bench` runs them.
export const SECTIONS: BenchSection[] = [analyticsSection, throughputSection, rateLimitsSection];
