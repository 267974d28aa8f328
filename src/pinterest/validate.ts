import type { ResourceConfig } from '../connector/source.js';
import type { Logger } from '../log.js';
import type { PinterestConfig } from './config.js';

// PLACEHOLDER, replaced by the `entities` branch: credential and scope checks against Pinterest.
export async function validateAccess(_config: PinterestConfig, _bindings: ResourceConfig[], _log: Logger): Promise<void> {}
