/** The MCP surface: every command of the registry as an MCP tool, over stdio or streamable HTTP. */
export { createMcpServer, mcpServerFactory, type McpServerOptions } from './server.ts';
export { toolCatalog, toolDefinition, type ToolCatalog } from './tools.ts';
export { jsonSafe, toolResult, KEY_FIELDS_TEXT_LIMIT, type McpJson } from './tool-result.ts';
export {
  DEFAULT_MCP_HTTP_PORT,
  mcpHttpApp,
  serveHttp,
  serveStdio,
  type HttpOptions,
  type RunningHttp,
  type RunningStdio,
  type StdioOptions,
} from './transports.ts';
export { McpOptionsError } from './errors.ts';
export { downloadsDirectory, downloadsSink, DOWNLOADS_DIR_ENV } from './downloads.ts';
