// Server
export { startServer } from './start-server.js';
export type { AionServer } from './start-server.js';
export { SERVER_FILE_NAME, resolveServeOptions } from './serve-options.js';
export type { ResolvedServeOptions, ServeOptions } from './serve-options.js';

// Server file: how tools find a running engine
export { readServerFile, serverFilePath } from './server-file.js';
export type { ServerFile } from './server-file.js';

// Client of the HTTP API
export { createApiClient, connectToServer } from './api-client.js';
export type { AionApi, ApiClientOptions, RunFilter, RunRow, StartRequest } from './api-client.js';
export { ApiError } from './api-errors.js';

// JSON of payloads
export { toJsonText } from './json-text.js';
