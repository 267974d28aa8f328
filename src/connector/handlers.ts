import type { Logger } from '../log.js';
import { OAUTH2_FIELDS, PROTOCOL_VERSION, type OAuth2Spec, type Request, type Response } from '../protocol/messages.js';
import { resolveResource, streamMap } from './resources.js';
import type { ResourceConfig, Source, SessionHooks } from './source.js';

// Unary request handlers: each returns exactly the one response the runtime expects, with only
// fields Flow's protocol defines.

function pickOAuth2(raw: Record<string, unknown>): OAuth2Spec {
  const out: Record<string, unknown> = {};
  for (const k of OAUTH2_FIELDS) if (raw[k] !== undefined) out[k] = raw[k];
  return out as unknown as OAuth2Spec;
}

export function handleSpec(source: Source): Response {
  const s = source.spec();
  return {
    spec: {
      protocol: PROTOCOL_VERSION,
      configSchema: s.configSchema,
      resourceConfigSchema: s.resourceConfigSchema,
      documentationUrl: s.documentationUrl,
      ...(s.oauth2 ? { oauth2: pickOAuth2(s.oauth2) } : {}),
      resourcePathPointers: s.resourcePathPointers,
    },
  };
}

export function handleDiscover<C>(source: Source<C>, req: NonNullable<Request['discover']>): Response {
  const config = source.parseConfig(req.config);
  return {
    discovered: {
      bindings: source.streams(config).map((s) => ({
        recommendedName: s.name,
        resourceConfig: { stream: s.name, syncMode: s.syncModes[0], interval: s.defaultInterval },
        documentSchema: { ...s.documentSchema, 'x-infer-schema': true },
        key: s.key,
      })),
    },
  };
}

export async function handleValidate<C>(
  source: Source<C>,
  req: NonNullable<Request['validate']>,
  log: Logger,
  persistConfig?: SessionHooks['persistConfig'],
): Promise<Response> {
  const config = source.parseConfig(req.config);
  const streams = streamMap(source.streams(config));
  const resources: ResourceConfig[] = (req.bindings ?? []).map((b, i) => resolveResource(streams, b.resourceConfig, i, b.collection?.name));
  await source.validate(config, resources, { log, persistConfig });
  return { validated: { bindings: resources.map((r) => ({ resourcePath: [r.stream] })) } };
}

export function handleApply(): Response {
  // Nothing to set up at Pinterest: an empty description tells Flow the Apply was a no-op.
  return { applied: { actionDescription: '' } };
}
