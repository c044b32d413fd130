/** The MCP server's HTTP port when `--http` names none: beside KSC's 13299. */
export const DEFAULT_MCP_HTTP_PORT = 13300;
