import { readFileSync } from 'node:fs';

// Endpoint/resource schemas and the OAuth2 block live in resources/spec as plain JSON.
const specFile = (name: string) => new URL(`../../resources/spec/${name}`, import.meta.url);
const load = (name: string) => JSON.parse(readFileSync(specFile(name), 'utf8')) as Record<string, unknown>;

export const CONFIG_SCHEMA = load('config.schema.json');
export const RESOURCE_SCHEMA = load('resource.schema.json');
export const OAUTH2_SPEC = load('oauth2.json');
export const DOCUMENTATION_URL = 'https://go.estuary.dev/source-pinterest';
