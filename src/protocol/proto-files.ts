import { fileURLToPath } from 'node:url';

// The project's own .proto files (proto/ at the repository root), shared by the proto codec and
// the gRPC server. Resolved relative to this module so it works from src/ (tsx) and dist/.
export const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));
export const CAPTURE_PROTO = fileURLToPath(new URL('../../proto/capture.proto', import.meta.url));
