import assert from "node:assert/strict";
import { test } from "node:test";
import { backoffDelay, MAX_RETRY_DELAY_MS } from "../../dist/index.js";

test("the delay doubles from half a second", () => {
  const middle = () => 0.5; // no jitter
  assert.deepEqual([0, 1, 2, 3, 4].map((n) => backoffDelay(n, middle)), [500, 1000, 2000, 4000, 8000]);
});

test("the delay stops growing at 30 seconds, however many attempts failed", () => {
  for (const n of [6, 7, 20, 1000, Number.MAX_SAFE_INTEGER]) assert.equal(backoffDelay(n, () => 0.5), MAX_RETRY_DELAY_MS);
});

test("jitter spreads the delay by 20% either way", () => {
  assert.equal(backoffDelay(1, () => 0), 800);
  assert.equal(backoffDelay(1, () => 0.999999), 1200);
  assert.equal(backoffDelay(10, () => 0.999999), 36_000);
  for (let i = 0; i < 200; i++) {
    const delay = backoffDelay(2);
    assert.ok(delay >= 1600 && delay <= 2400, `${delay} outside 1600..2400`);
  }
});

test("a negative or fractional count is taken as the first attempts", () => {
  assert.equal(backoffDelay(-3, () => 0.5), 500);
  assert.equal(backoffDelay(1.7, () => 0.5), 1000);
});
