// Pigeon's shared test harness. Private: only tests import it, and no build includes it.
export { bringOnline, churn, churnSummary, createMembers, disrupt, pickSender, settle, type Accepted, type ChaosWorld } from "./chaos.js";
export { expectEveryMemberHasAll, send } from "./chaos-checks.js";
export { ChaosMember, type Membership } from "./chaos-member.js";
export { MemoryStore, redisReachable, type RelayConfigInput } from "@pigeon/relay";
export { describeEachStore, STORES, type StoreKind } from "./each-store.js";
export { withStoreMethod, type StoreMethod } from "./store-method.js";
export { recordByRoom, seqsUpTo, severConnection } from "./keyed.js";
export { seededRandom, type Random } from "./prng.js";
export { encodingsOf } from "./secret-encodings.js";
export { openFileLimit, startGcRelay, type GcRelay } from "./gc-relay.js";
export {
  freePort,
  startRedisCluster,
  startRedisServer,
  type KilledMaster,
  type RedisClusterOptions,
  type RedisClusterProcesses,
  type RedisClusterShard,
  type RedisServerOptions,
  type RedisServerProcess,
} from "./redis-process.js";
export {
  aliceAndBobInTeam,
  base64,
  chatUntilTaken,
  createRoomGroup,
  greeting,
  helloOf,
  joinRoomGroup,
  originOf,
  memoryStore,
  roomGroupId,
  untyped,
  useKeyed,
  useMember,
  useMlsMember,
  useSocket,
  useSocketFrom,
  type MlsTestMember,
  type Taken,
  type TestSocket,
} from "./relay-sockets.js";
export { clientPool, recordingLogger, useClients, type ClientPool, type KeyedUser, type PoolClientOptions, type TestClients } from "./sdk-fixtures.js";
export { testIdentity, type LoginContext, type TestIdentity } from "./signer.js";
export { aliceMessage, CONTRACT_LIMITS, describeRelayStore, GUEST, KEY_A, KEY_B } from "./store-contract.js";
export {
  deleteKeysWithPrefix,
  describeWithRedis,
  describeWithRedisBinaries,
  keysPerMaster,
  keysWithPrefix,
  redisUrlForTests,
  scriptCalls,
  withRedis,
  type RedisTarget,
  shardSubscribers,
  TEST_REDIS_URL,
  testKeyPrefix,
} from "./test-redis.js";
export { useShardGate, type ShardGate } from "./shard-gate.js";
export { useRedisCluster } from "./use-redis-cluster.js";
export { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";
export { startTestServer, useRelay, useRelayPerTest, type TestServer, type TestServerOptions } from "./test-server.js";
export { gate, nextEvent, record, settledTimed, waitUntil } from "./wait.js";
