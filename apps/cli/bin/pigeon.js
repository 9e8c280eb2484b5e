#!/usr/bin/env node
// @ts-check
// The `pigeon` command (the package's bin, and `pnpm pigeon` at the repository root): rebuilds
// dist/ if the sources changed since the last build, then runs the built CLI in this process.
import process from "node:process";
import { URL } from "node:url";
import { buildIfStale } from "./build-if-stale.js";

if (buildIfStale()) {
  // A computed specifier, so that type-checking does not need dist/ to exist.
  await import(new URL("../dist/main.js", import.meta.url).href);
} else {
  process.exitCode = 1;
}
