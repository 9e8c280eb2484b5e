import { afterAll } from "vitest";
import { describeNodeLiveness } from "./reaper-suite.js";
import { deleteKeysWithPrefix, describeWithRedis, testKeyPrefix } from "./test-redis.js";

await describeWithRedis("RedisStore on one Redis", (url) => {
  const filePrefix = testKeyPrefix("reaper");
  let count = 0;
  afterAll(async () => {
    await deleteKeysWithPrefix(url, filePrefix);
  });

  describeNodeLiveness("one Redis", { url: () => url, cluster: false, prefix: () => `${filePrefix}:${(count += 1)}` });
});
