// Test helpers shared with tests/e2e through `@pigeon/client/testing` (a source-only export).
export { ChaosMember } from "./chaos-member.js";
export { seededRandom, type Random } from "./prng.js";
