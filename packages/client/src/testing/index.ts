// Test helpers shared with tests/e2e through `@pigeon/client/testing` (a source-only export).
export { bringOnline, createMembers, disrupt, settle, type ChaosWorld } from "./chaos.js";
export { ChaosMember } from "./chaos-member.js";
export { recordByRoom, seqsUpTo, waitUntil } from "./keyed.js";
export { nextEvent } from "./next-event.js";
export { seededRandom, type Random } from "./prng.js";
