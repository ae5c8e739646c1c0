// Shared by the game pages: the JSON API, the session panel (net and time),
// synthesised sounds with a per-player mute switch, vibration, the big-win
// shake and the result line. Strings come from #game-strings data attributes
// rendered (and translated) by the template.
//
// site.js is not imported: under the manifest static storage the page loads
// it by its hashed name, and an import here would run a second copy (two
// live sockets). Its live region is a plain element, written to directly.

const strings = document.getElementById("game-strings")?.dataset || {};
const playerId = strings.playerId || "anonymous";
const SESSION_KEY = `casino-club:session:${playerId}`;
const MUTE_KEY = `casino-club:muted:${playerId}`;
const reducedMotionQuery = window.matchMedia("(prefers-reduced-motion: reduce)");

export function announce(message) {
  const region = document.getElementById("live-region");
  if (!region) return;
  // Clearing first makes screen readers repeat an identical message.
  region.textContent = "";
  setTimeout(() => {
    region.textContent = message;
  }, 30);
}

export function reducedMotion() {
  return reducedMotionQuery.matches;
}

export function text(name, values = {}) {
  const template = strings[name] || "";
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// --- API -----------------------------------------------------------------

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || text("error"));
    this.status = status;
    this.code = error.code || "error";
    this.fields = error.fields || {};
  }
}

export async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json" };
  const options = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  if (method !== "GET") {
    headers["X-CSRFToken"] = csrfToken();
    // One key per click: a retried request is applied at most once.
    headers["Idempotency-Key"] = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch {
    throw new ApiError(0, { error: { code: "network", message: text("networkError") } });
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export function play(slug, params) {
  return api(`/api/games/${slug}/play`, { method: "POST", body: params });
}

// --- Balance and session ---------------------------------------------------

let shownBalance = null;
let playing = false;

export function setBalance(balance) {
  shownBalance = balance;
  for (const node of document.querySelectorAll("[data-balance]")) {
    node.textContent = Number(balance).toLocaleString();
  }
}

function readSession() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(SESSION_KEY));
    if (stored && Number.isFinite(stored.startedAt) && Number.isFinite(stored.net)) return stored;
  } catch {
    // A corrupt entry starts a new session.
  }
  const fresh = { startedAt: Date.now(), net: 0, rounds: 0 };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(fresh));
  return fresh;
}

export function recordRound(net) {
  const session = readSession();
  session.net += net;
  session.rounds = (session.rounds || 0) + 1;
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  renderSession();
}

function formatNet(net) {
  if (net > 0) return `+${net.toLocaleString()}`;
  if (net < 0) return `−${Math.abs(net).toLocaleString()}`;
  return "0";
}

function formatElapsed(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

function renderSession() {
  const session = readSession();
  for (const node of document.querySelectorAll("[data-session-net]")) {
    node.textContent = formatNet(session.net);
    node.dataset.sign = session.net > 0 ? "up" : session.net < 0 ? "down" : "even";
  }
  const elapsed = Date.now() - session.startedAt;
  for (const node of document.querySelectorAll("[data-session-time]")) {
    node.textContent = formatElapsed(elapsed);
    node.setAttribute("datetime", `PT${Math.floor(elapsed / 1000)}S`);
  }
}

// --- Sound and vibration ---------------------------------------------------

let audio = null;

export function muted() {
  return localStorage.getItem(MUTE_KEY) === "true";
}

function renderMute() {
  for (const button of document.querySelectorAll("[data-sound-toggle]")) {
    button.setAttribute("aria-pressed", String(muted()));
    const label = button.querySelector("[data-sound-label]");
    if (label) label.textContent = muted() ? strings.soundOff : strings.soundOn;
  }
}

function context() {
  if (muted()) return null;
  const AudioContextClass = window.AudioContext || window.webkitAudioContext;
  if (!AudioContextClass) return null;
  if (!audio) audio = new AudioContextClass();
  if (audio.state === "suspended") audio.resume();
  return audio;
}

function tone(ctx, { frequency, start = 0, duration = 0.15, type = "sine", gain = 0.15, slideTo = null }) {
  const when = ctx.currentTime + start;
  const oscillator = ctx.createOscillator();
  const envelope = ctx.createGain();
  oscillator.type = type;
  oscillator.frequency.setValueAtTime(frequency, when);
  if (slideTo) oscillator.frequency.exponentialRampToValueAtTime(slideTo, when + duration);
  envelope.gain.setValueAtTime(0.0001, when);
  envelope.gain.exponentialRampToValueAtTime(gain, when + 0.01);
  envelope.gain.exponentialRampToValueAtTime(0.0001, when + duration);
  oscillator.connect(envelope).connect(ctx.destination);
  oscillator.start(when);
  oscillator.stop(when + duration + 0.02);
}

const SOUNDS = {
  spin(ctx) {
    for (let i = 0; i < 8; i += 1) tone(ctx, { frequency: 300 + i * 40, start: i * 0.06, duration: 0.04, type: "square", gain: 0.05 });
  },
  win(ctx) {
    [523.25, 659.25, 783.99, 1046.5].forEach((frequency, i) => tone(ctx, { frequency, start: i * 0.09, duration: 0.22, type: "triangle" }));
  },
  bigWin(ctx) {
    [523.25, 659.25, 783.99, 1046.5, 783.99, 1046.5, 1318.5].forEach((frequency, i) =>
      tone(ctx, { frequency, start: i * 0.08, duration: 0.25, type: "triangle", gain: 0.18 }),
    );
  },
  push(ctx) {
    tone(ctx, { frequency: 440, duration: 0.18, type: "sine", gain: 0.08 });
  },
  loss(ctx) {
    tone(ctx, { frequency: 220, duration: 0.35, type: "sine", gain: 0.1, slideTo: 140 });
  },
  reward(ctx) {
    [880, 1174.66, 1760].forEach((frequency, i) => tone(ctx, { frequency, start: i * 0.07, duration: 0.3, type: "sine", gain: 0.12 }));
  },
};

export function sound(name) {
  const ctx = context();
  if (ctx && SOUNDS[name]) SOUNDS[name](ctx);
}

export function vibrate(pattern) {
  if (!muted() && typeof navigator.vibrate === "function") navigator.vibrate(pattern);
}

// --- Round feedback ----------------------------------------------------------

/**
 * Show and announce a settled round. Only a payout above the stake is a win;
 * a payout equal to it is "stake returned"; anything less is not celebrated.
 */
/** Show the character's line (the play response's `feedback.line`), if the page has the panel. */
export function showLine(line) {
  const node = document.querySelector("[data-character-line]");
  if (!node || !line || !line.message) return;
  node.textContent = line.message;
  const avatar = document.querySelector("[data-character-avatar]");
  if (avatar) {
    avatar.dataset.animation = "";
    // Restart the CSS animation named by the line (nod, bounce, wave, rest).
    requestAnimationFrame(() => { avatar.dataset.animation = line.animation || ""; });
  }
}

export function showResult(resultNode, { wager, payout, balance, line }, detail = "") {
  showLine(line);
  const net = payout - wager;
  const big = payout >= 10 * wager && payout > wager;
  let kind;
  let message;
  if (payout > wager) {
    kind = big ? "big-win" : "win";
    message = text(big ? "bigWin" : "win", { payout, net, wager });
  } else if (payout === wager) {
    kind = "push";
    message = text("push", { payout, net, wager });
  } else if (payout > 0) {
    kind = "partial";
    message = text("partial", { payout, wager, net: formatNet(net) });
  } else {
    kind = "loss";
    message = text("loss", { payout, wager, net: formatNet(net) });
  }
  if (resultNode) {
    resultNode.dataset.kind = kind;
    resultNode.textContent = detail ? `${detail} ${message}` : message;
  }
  if (Number.isFinite(balance)) setBalance(balance);
  recordRound(net);
  announce(`${detail} ${message} ${text("balanceLabel", { balance })}`.trim());

  if (kind === "big-win") {
    sound("bigWin");
    vibrate([60, 40, 60, 40, 120]);
    shake();
  } else if (kind === "win") {
    sound("win");
    vibrate(60);
  } else if (kind === "push" || kind === "partial") {
    sound("push");
  } else {
    sound("loss");
  }
  return kind;
}

export function showError(resultNode, error) {
  const message = error instanceof ApiError ? error.message : text("error");
  if (resultNode) {
    resultNode.dataset.kind = "error";
    resultNode.textContent = message;
  }
  announce(message);
}

function shake() {
  if (reducedMotion()) return;
  const target = document.querySelector("[data-shake-target]") || document.getElementById("main");
  target.classList.remove("shake");
  // Reading layout restarts the animation when two big wins come in a row.
  void target.offsetWidth;
  target.classList.add("shake");
  target.addEventListener("animationend", () => target.classList.remove("shake"), { once: true });
}

/** Mark a round as in flight so a balance push during it is not mistaken for a reward. */
export function setPlaying(value) {
  playing = value;
}

// --- Start-up ----------------------------------------------------------------

export async function loadBalance() {
  try {
    const wallet = await api("/api/wallet");
    if (wallet && Number.isFinite(wallet.balance)) setBalance(wallet.balance);
  } catch {
    // The panel keeps its placeholder; playing still reports the balance.
  }
}

export function initShell() {
  renderSession();
  renderMute();
  setInterval(renderSession, 1000);
  for (const button of document.querySelectorAll("[data-sound-toggle]")) {
    button.addEventListener("click", () => {
      localStorage.setItem(MUTE_KEY, String(!muted()));
      renderMute();
    });
  }
  document.addEventListener("live:wallet.balance", (event) => {
    const balance = event.detail && event.detail.balance;
    if (!Number.isFinite(balance)) return;
    const rewarded = !playing && shownBalance !== null && balance > shownBalance;
    setBalance(balance);
    if (rewarded) {
      sound("reward");
      vibrate(80);
      announce(text("reward", { balance }));
    }
  });
  loadBalance();
}
