// Known-answer tests for fair.js, run with `node --test static/games/fair.test.mjs`
// (games/tests/test_fair_js.py runs it under pytest). The vectors are copied
// from the shared fairness-vectors.json so this file needs nothing beside it.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  DrawStream,
  hmacBlock,
  roulettePocket,
  rpsHouseMove,
  sha256Hex,
  slotStops,
  slotWindow,
  toHex,
  verifyRound,
} from "./fair.js";

const LENGTHS = [30, 33, 36, 40, 47];
const VECTORS = [
  {
    server_seed: "0000000000000000000000000000000000000000000000000000000000000000",
    server_seed_hash: "60e05bd1b195af2f94112fa7197a5c88289058840ce7c6df9693756bc6250f55",
    client_seed: "casino-club",
    nonce: 0,
    first_hmac_block_hex: "6da07225adb261e7891f8d6cf0868e41af9f1df06bc7300862f567da63127a83",
    stops: [15, 19, 0, 1, 19],
    roulette_pocket: 5,
    rps_house_move: "rock",
  },
  {
    server_seed: "a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1",
    server_seed_hash: "40f01b99607201f4d394d89042b93e62aab9ced9a54c030f1549512dcb675f5f",
    client_seed: "player-chosen-seed",
    nonce: 7,
    first_hmac_block_hex: "7b43a5449b7edb38d6e8ebaac372e9006d6b6e9c744d71d53faaf3d0b631b01a",
    stops: [18, 4, 14, 32, 4],
    roulette_pocket: 0,
    rps_house_move: "rock",
  },
];

const words = (...values) =>
  values.map((v) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);

for (const [index, v] of VECTORS.entries()) {
  test(`vector ${index}: server seed hash`, async () => {
    assert.equal(await sha256Hex(v.server_seed), v.server_seed_hash);
  });

  test(`vector ${index}: first HMAC block`, async () => {
    const block = await hmacBlock(v.server_seed, v.client_seed, v.nonce, 0);
    assert.equal(toHex(block), v.first_hmac_block_hex);
  });

  test(`vector ${index}: slot stops for strip lengths ${LENGTHS}`, async () => {
    assert.deepEqual(await slotStops(v.server_seed, v.client_seed, v.nonce, LENGTHS), v.stops);
  });

  test(`vector ${index}: roulette pocket`, async () => {
    assert.equal(await roulettePocket(v.server_seed, v.client_seed, v.nonce), v.roulette_pocket);
  });

  test(`vector ${index}: rps house move`, async () => {
    assert.equal(await rpsHouseMove(v.server_seed, v.client_seed, v.nonce), v.rps_house_move);
  });
}

test("the stream continues into later blocks", async () => {
  const v = VECTORS[0];
  const stream = DrawStream.forRound(v.server_seed, v.client_seed, 0);
  const drawn = [];
  for (let i = 0; i < 9; i += 1) drawn.push(await stream.draw(2 ** 32));
  const bytes = [
    ...(await hmacBlock(v.server_seed, v.client_seed, 0, 0)),
    ...(await hmacBlock(v.server_seed, v.client_seed, 0, 1)),
  ];
  const expected = [];
  for (let i = 0; i < 36; i += 4) {
    expected.push(bytes[i] * 2 ** 24 + bytes[i + 1] * 2 ** 16 + bytes[i + 2] * 2 ** 8 + bytes[i + 3]);
  }
  assert.deepEqual(drawn, expected);
  assert.equal(stream.wordsRead, 9);
});

test("words at or above the limit are rejected and the next is read", async () => {
  const limit = 2 ** 32 - 7; // 2**32 % 37 == 7
  const stream = DrawStream.fromChunks(words(limit, 2 ** 32 - 1, 40));
  assert.equal(await stream.draw(37), 40 % 37);
  assert.equal(stream.wordsRead, 3);
});

test("the word just below the limit is accepted", async () => {
  const limit = 2 ** 32 - (2 ** 32 % 37);
  const stream = DrawStream.fromChunks(words(limit - 1));
  assert.equal(await stream.draw(37), 36);
  assert.equal(stream.wordsRead, 1);
});

test("words may straddle chunks", async () => {
  const stream = DrawStream.fromChunks([[0, 0], [0, 5, 0], [0, 0, 9]]);
  assert.deepEqual([await stream.draw(10), await stream.draw(10)], [5, 9]);
});

test("impossible ranges are refused", async () => {
  for (const bad of [0, -1, 2 ** 32 + 1, 3.5]) {
    await assert.rejects(DrawStream.fromChunks(words(1)).draw(bad), RangeError);
  }
});

test("the window wraps around the strip", () => {
  const reels = [["A", "B", "C"], ["D", "E", "F", "G"]];
  assert.deepEqual(slotWindow(reels, [2, 3], 3), [["C", "A", "B"], ["G", "D", "E"]]);
});

test("verifyRound matches an honest roulette round and flags a changed one", async () => {
  const v = VECTORS[0];
  const round = {
    game: "roulette",
    server_seed: v.server_seed,
    server_seed_hash: v.server_seed_hash,
    client_seed: v.client_seed,
    nonce: v.nonce,
    outcome: { pocket: v.roulette_pocket },
  };
  assert.equal((await verifyRound(round)).matches, true);
  const tampered = await verifyRound({ ...round, outcome: { pocket: 6 } });
  assert.equal(tampered.hashMatches, true);
  assert.equal(tampered.outcomeMatches, false);
  const wrongSeed = await verifyRound({ ...round, server_seed_hash: "0".repeat(64) });
  assert.equal(wrongSeed.hashMatches, false);
  assert.equal(wrongSeed.matches, false);
});

test("verifyRound recomputes slot stops and window from the strips", async () => {
  const v = VECTORS[1];
  const reels = LENGTHS.map((length, reel) => Array.from({ length }, (_, i) => `R${reel}S${i}`));
  const window = slotWindow(reels, v.stops, 3);
  const result = await verifyRound({
    game: "slots",
    server_seed: v.server_seed,
    server_seed_hash: v.server_seed_hash,
    client_seed: v.client_seed,
    nonce: v.nonce,
    config: { reels, rows: 3 },
    outcome: { stops: v.stops, window },
  });
  assert.equal(result.matches, true);
  assert.deepEqual(result.computed.window[0], ["R0S18", "R0S19", "R0S20"]);
});

test("verifyRound checks the rps house move", async () => {
  const v = VECTORS[1];
  const base = {
    game: "rps",
    server_seed: v.server_seed,
    server_seed_hash: v.server_seed_hash,
    client_seed: v.client_seed,
    nonce: v.nonce,
  };
  assert.equal((await verifyRound({ ...base, outcome: { house_move: "rock" } })).matches, true);
  assert.equal((await verifyRound({ ...base, outcome: { house_move: "paper" } })).matches, false);
});
