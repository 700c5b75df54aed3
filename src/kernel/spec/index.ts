/** spec/: the harness document — schema, parser with path-precise issues, migrations, JSON Schema. */
export * from './schema';
export { parseHarness, parseJsonText, checkReferences, formatPath, fromZod, type SpecIssue, type ParseResult } from './parse';
export { MAX_NESTING, nestsDeeperThan } from './structure';
export { migrate, MIGRATIONS, type Migration, type MigrationTable } from './migrate';
export { harnessJsonSchema } from './jsonSchema';
export { REDACTED, documentSecrets, redactDocument, redactSecrets, redactValue, redactWindow, secretValues } from './secrets';
export { specDefaults, fieldDefaults, type FieldDefaults } from './defaults';
export { mcpServerOf, toolTrust } from './mcpServers';
export { remoteAgentOf, remoteSink } from './remoteAgents';
