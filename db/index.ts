export * from './schema/agents';
export * from './schema/current';
export * from './schema/events';
export * from './schema/facts';
export * from './schema/rollups';
export * from './schema/tokens';
export * from './schema/users';
export * from './schema/backlog';
