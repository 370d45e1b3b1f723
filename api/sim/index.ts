// The simulated support centre: one import for servers, CLIs, tests and benchmarks.
export { createSimulator, DEFAULT_SEED, DEFAULT_TICKETS_PER_HOUR, type RawEvent, type Simulator, type SimulatorOptions } from './simulator';
export { generateHistory, type HistoryOptions } from './history';
export { startDemo, type DemoOptions } from './demo';
export { ticketsPerHourForDailyTickets, ticketsPerHourForEventRate, EVENTS_PER_TICKET, MEAN_ARRIVAL_SHAPE } from './rates';
export { ROSTER, TEAMS, type AgentProfile, type Team } from './centre';
