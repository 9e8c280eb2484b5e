import { inject } from "vitest";

/** Why the browser tests cannot run here ("" when they can); global-setup decides, and fails in CI. */
export const skipReason = inject("skipReason");
