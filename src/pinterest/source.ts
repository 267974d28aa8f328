import type { Source, StreamInfo } from '../connector/source.js';
import type { PinterestConfig } from './config.js';
import { parseConfig } from './config-parse.js';
import { rememberRawConfig } from './config-update.js';
import { openPinterestSession } from './session.js';
import { CONFIG_SCHEMA, DOCUMENTATION_URL, OAUTH2_SPEC, RESOURCE_SCHEMA } from './spec-files.js';
import { streamSchema } from './streams/schemas.js';
import { streamDefs } from './streams/table.js';
import { validateAccess } from './validate.js';

export function pinterestStreams(config: PinterestConfig): StreamInfo[] {
  return streamDefs(config).map((def) => ({
    name: def.name,
    key: def.key,
    syncModes: def.syncModes,
    defaultInterval: def.interval,
    documentSchema: streamSchema(def),
  }));
}

export function createPinterestSource(): Source<PinterestConfig> {
  return {
    spec: () => ({
      configSchema: CONFIG_SCHEMA,
      resourceConfigSchema: RESOURCE_SCHEMA,
      documentationUrl: DOCUMENTATION_URL,
      oauth2: OAUTH2_SPEC,
      resourcePathPointers: ['/stream'],
    }),
    // The raw config is kept beside the parsed one: a configUpdate publishes the user's fields only.
    parseConfig: (raw) => rememberRawConfig(parseConfig(raw), raw),
    streams: pinterestStreams,
    validate: (config, bindings, hooks) => validateAccess(config, bindings, hooks.log, hooks.persistConfig),
    openSession: (config, bindings, range, hooks) => openPinterestSession(config, bindings, range, hooks),
  };
}
