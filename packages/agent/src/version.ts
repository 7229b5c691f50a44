/** The agent's own version, reported to the server in every status report. */
export const AGENT_VERSION = '0.1.0';
