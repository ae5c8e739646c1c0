// Provably fair verification, recomputed in the player's browser.
//
// This is the algorithm of ARCHITECTURE.md ("Provably fair randomness") and
// games/fairness.py, written again from the spec so that a player does not
// have to trust the server's own verifier. Pure logic: no DOM, no fetch.
// Runs in browsers and in Node 20 (both expose WebCrypto as globalThis.crypto).

const WORD_BYTES = 4;
const WORD_RANGE = 2 ** 32;
export const RPS_MOVES = ["rock", "paper", "scissors"];
export const ROULETTE_POCKETS = 37;
const RED = new Set([1, 3, 5, 7, 9, 12, 14, 16, 18, 19, 21, 23, 25, 27, 30, 32, 34, 36]);

const encoder = new TextEncoder();

function subtle() {
  const crypto = globalThis.crypto;
  if (!crypto || !crypto.subtle) {
    throw new Error("WebCrypto is not available (it needs a secure context: https or localhost)");
  }
  return crypto.subtle;
}

export function toHex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** sha256 of the text's bytes, as lowercase hex: the commitment to a server seed. */
export async function sha256Hex(text) {
  const digest = await subtle().digest("SHA-256", encoder.encode(text));
  return toHex(new Uint8Array(digest));
}

async function hmacKey(serverSeed) {
  return subtle().importKey(
    "raw",
    encoder.encode(serverSeed),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
}

/** One 32-byte block: HMAC_SHA256(key = server seed text, msg = "client:nonce:cursor"). */
export async function hmacBlock(serverSeed, clientSeed, nonce, cursor, key = null) {
  const signingKey = key || (await hmacKey(serverSeed));
  const message = encoder.encode(`${clientSeed}:${nonce}:${cursor}`);
  return new Uint8Array(await subtle().sign("HMAC", signingKey, message));
}

/**
 * Unbiased integers drawn in order from one round's byte stream.
 *
 * `nextBlock` is an async function returning the next chunk of bytes; the
 * chunks are read as one continuous sequence, so a word may straddle two.
 * `draws` keeps every value handed out and `wordsRead` counts the 4-byte
 * words consumed, rejected ones included.
 */
export class DrawStream {
  constructor(nextBlock) {
    this.nextBlock = nextBlock;
    this.buffer = new Uint8Array(0);
    this.position = 0;
    this.draws = [];
    this.wordsRead = 0;
  }

  static forRound(serverSeed, clientSeed, nonce) {
    let cursor = 0;
    let keyPromise = null;
    return new DrawStream(async () => {
      keyPromise = keyPromise || hmacKey(serverSeed);
      const block = await hmacBlock(serverSeed, clientSeed, nonce, cursor, await keyPromise);
      cursor += 1;
      return block;
    });
  }

  /** A stream over given byte chunks (arrays of numbers or Uint8Arrays), for tests. */
  static fromChunks(chunks) {
    const queue = chunks.map((chunk) => Uint8Array.from(chunk));
    return new DrawStream(async () => {
      if (!queue.length) throw new Error("the stream ran out of bytes");
      return queue.shift();
    });
  }

  async nextWord() {
    while (this.buffer.length - this.position < WORD_BYTES) {
      const block = await this.nextBlock();
      const rest = this.buffer.subarray(this.position);
      const joined = new Uint8Array(rest.length + block.length);
      joined.set(rest, 0);
      joined.set(block, rest.length);
      this.buffer = joined;
      this.position = 0;
    }
    const b = this.buffer;
    const p = this.position;
    this.position += WORD_BYTES;
    this.wordsRead += 1;
    // Multiplication instead of << keeps the word unsigned (JS bit ops are signed 32-bit).
    return b[p] * 2 ** 24 + b[p + 1] * 2 ** 16 + b[p + 2] * 2 ** 8 + b[p + 3];
  }

  /** An integer in [0, n): words at or above the largest multiple of n below 2**32 are rejected. */
  async draw(n) {
    if (!Number.isInteger(n) || n < 1 || n > WORD_RANGE) {
      throw new RangeError(`draw range must be an integer in [1, 2**32], got ${n}`);
    }
    const limit = WORD_RANGE - (WORD_RANGE % n);
    let word = await this.nextWord();
    while (word >= limit) word = await this.nextWord();
    const value = word % n;
    this.draws.push(value);
    return value;
  }
}

/** Slot stops: one draw per reel, reel 0 first, each over its strip length. */
export async function slotStops(serverSeed, clientSeed, nonce, stripLengths) {
  const stream = DrawStream.forRound(serverSeed, clientSeed, nonce);
  const stops = [];
  for (const length of stripLengths) stops.push(await stream.draw(length));
  return stops;
}

/** The visible symbols per reel, window[reel][row] = strip[(stop + row) % length]. */
export function slotWindow(reels, stops, rows) {
  return reels.map((strip, reel) =>
    Array.from({ length: rows }, (_, row) => strip[(stops[reel] + row) % strip.length]),
  );
}

export async function roulettePocket(serverSeed, clientSeed, nonce) {
  return DrawStream.forRound(serverSeed, clientSeed, nonce).draw(ROULETTE_POCKETS);
}

export function rouletteColor(pocket) {
  if (pocket === 0) return "green";
  return RED.has(pocket) ? "red" : "black";
}

export async function rpsHouseMove(serverSeed, clientSeed, nonce) {
  const index = await DrawStream.forRound(serverSeed, clientSeed, nonce).draw(RPS_MOVES.length);
  return RPS_MOVES[index];
}

function sameJson(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Recompute one revealed round and compare it with what the server published.
 *
 * round: { game, server_seed, server_seed_hash, client_seed, nonce, outcome,
 *          config? (slots: { reels, rows }) }
 * Returns { hashMatches, outcomeMatches, matches, computed, checks: [{name, expected, actual, ok}] }.
 * The server seed hash is checked against the seed; the outcome is derived
 * from the seed only (never from the hash).
 */
export async function verifyRound(round) {
  const serverSeed = String(round.server_seed || "");
  const clientSeed = String(round.client_seed ?? "");
  const nonce = Number(round.nonce);
  if (!serverSeed) throw new Error("the server seed is not revealed yet: rotate the seed first");
  if (!Number.isInteger(nonce) || nonce < 0) throw new Error("the nonce must be a whole number");

  const checks = [];
  const actualHash = await sha256Hex(serverSeed);
  const hashMatches = actualHash === String(round.server_seed_hash || "").toLowerCase();
  checks.push({ name: "server_seed_hash", expected: round.server_seed_hash, actual: actualHash, ok: hashMatches });

  const outcome = round.outcome || {};
  const computed = {};
  if (round.game === "slots") {
    const config = round.config || {};
    const reels = config.reels;
    const lengths = reels ? reels.map((strip) => strip.length) : config.strip_lengths;
    if (!lengths || !lengths.length) throw new Error("the slot reel strips are needed to verify");
    computed.stops = await slotStops(serverSeed, clientSeed, nonce, lengths);
    checks.push({ name: "stops", expected: outcome.stops, actual: computed.stops, ok: sameJson(computed.stops, outcome.stops) });
    if (reels) {
      const rows = config.rows || (outcome.window && outcome.window[0] ? outcome.window[0].length : 3);
      computed.window = slotWindow(reels, computed.stops, rows);
      if (outcome.window) {
        checks.push({ name: "window", expected: outcome.window, actual: computed.window, ok: sameJson(computed.window, outcome.window) });
      }
    }
  } else if (round.game === "roulette") {
    computed.pocket = await roulettePocket(serverSeed, clientSeed, nonce);
    computed.color = rouletteColor(computed.pocket);
    checks.push({ name: "pocket", expected: outcome.pocket, actual: computed.pocket, ok: computed.pocket === outcome.pocket });
  } else if (round.game === "rps") {
    computed.house_move = await rpsHouseMove(serverSeed, clientSeed, nonce);
    checks.push({ name: "house_move", expected: outcome.house_move, actual: computed.house_move, ok: computed.house_move === outcome.house_move });
  } else {
    throw new Error(`unknown game: ${round.game}`);
  }
  const outcomeMatches = checks.slice(1).every((check) => check.ok);
  return { hashMatches, outcomeMatches, matches: hashMatches && outcomeMatches, computed, checks };
}
