// The MLS client measurement as its own process (started by workloads/mls-client.ts, pinned to
// a core like the servers): grows a room, times joins and messages on both providers, profiles
// a join and a drain of held messages. Settings come as JSON in argv[2]; progress goes to
// stderr, the result to stdout as one `BENCH_MLS_RESULT {...}` line.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { summariseCpuProfile } from "../report/cpu-profile.js";
import { RESULT_MARK, type MlsClientResult, type MlsClientSettings, type MlsProfile } from "./client-result.js";
import { decryptAll, makeCiphertexts, measureJoin, measureMessages } from "./measure.js";
import { cpuProfileOf, MLS_LENS } from "./profile.js";
import { growRoom, restoreMember, type RoomSnapshot } from "./room.js";
import { PROVIDERS, suiteFor } from "./suites.js";

const TOP_FUNCTIONS = 12;

const settings = JSON.parse(process.argv[2] ?? "{}") as MlsClientSettings;
const log = (line: string) => process.stderr.write(`${line}\n`);

const nodeSuite = await suiteFor("node");
const sizes = [...new Set([...settings.joinSizes, settings.messageRoomSize, settings.profileJoinSize])].sort((a, b) => a - b);
const buildStarted = performance.now();
const rooms = await growRoom(sizes, nodeSuite, (members) => {
  log(`mls: room grown to ${String(members)} members`);
});
const buildSeconds = (performance.now() - buildStarted) / 1000;
const roomOf = (members: number): RoomSnapshot => {
  const room = rooms.find((snapshot) => snapshot.members === members);
  if (!room) throw new Error(`no room of ${String(members)}`);
  return room;
};

const messageRoom = roomOf(settings.messageRoomSize);
// Ciphertexts do not depend on the provider that made them: make the held ones quickly, once.
const held = await makeCiphertexts(messageRoom, nodeSuite, settings.heldMessages);
const profiled = held.slice(0, settings.profileDecryptMessages);

const result: MlsClientResult = { buildSeconds, joins: [], messages: [], profiles: [] };
for (const provider of PROVIDERS) {
  const suite = provider === "node" ? nodeSuite : await suiteFor(provider);
  for (const members of settings.joinSizes) {
    const measured = await measureJoin(roomOf(members), suite, settings.joinRepetitions);
    log(`mls ${provider}: join of ${String(members)}: newcomer ${measured.newcomerMs.toFixed(0)} ms, member ${measured.processMs.toFixed(0)} ms`);
    result.joins.push({ provider, ...measured });
  }
  const messages = await measureMessages(messageRoom, suite, settings.encryptMessages, held);
  log(`mls ${provider}: ${String(messages.held)} held messages decrypted in ${messages.heldSeconds.toFixed(2)} s`);
  result.messages.push({ provider, ...messages });

  const profileRoom = roomOf(settings.profileJoinSize);
  const joinProfile = await cpuProfileOf(async () => {
    await measureJoin(profileRoom, suite, settings.profileJoinRepetitions);
  });
  const receiver = await restoreMember(messageRoom.previous, suite);
  const decryptProfile = await cpuProfileOf(() => decryptAll(receiver, profiled));
  const profiles: MlsProfile[] = [
    { phase: "join", provider, detail: `${String(settings.profileJoinRepetitions)} joins of a room of ${String(profileRoom.members)}, each processed by a member`, summary: summariseCpuProfile(joinProfile, TOP_FUNCTIONS, undefined, MLS_LENS) },
    { phase: "decrypt", provider, detail: `${String(profiled.length)} held messages decrypted in a room of ${String(messageRoom.members)}`, summary: summariseCpuProfile(decryptProfile, TOP_FUNCTIONS, undefined, MLS_LENS) },
  ];
  result.profiles.push(...profiles);
  if (settings.profileDir !== undefined) {
    mkdirSync(settings.profileDir, { recursive: true });
    writeFileSync(join(settings.profileDir, `join-${provider}.cpuprofile`), JSON.stringify(joinProfile));
    writeFileSync(join(settings.profileDir, `decrypt-${provider}.cpuprofile`), JSON.stringify(decryptProfile));
  }
}
process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
process.exit(0);
