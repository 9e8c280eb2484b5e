import { crossNodeSuite } from "./cross-node-suite.js";
import { SHARED_REDIS_URL, sharedRedisUrl } from "./harness/redis.js";
import { describeWhen } from "./harness/suites.js";

const url = await sharedRedisUrl();

describeWhen(url !== undefined, "three nodes on one Redis", `no Redis at ${SHARED_REDIS_URL}`, () => {
  crossNodeSuite(() => ({ url: url ?? SHARED_REDIS_URL, cluster: false }), "multinode");
});
