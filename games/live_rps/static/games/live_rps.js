// Live rock-paper-scissors against another player (protocol: docs/live-rps.md).
// The move never leaves the browser before both players have committed: we send
// sha256("move:salt") first and the move with its salt only in the reveal phase.

const root = document.querySelector("[data-live-rps]");

const el = {
  findForm: root.querySelector("[data-find-form]"),
  moveForm: root.querySelector("[data-move-form]"),
  cancel: root.querySelector("[data-cancel]"),
  rematch: root.querySelector("[data-rematch]"),
  status: root.querySelector("[data-status]"),
  deadline: root.querySelector("[data-deadline]"),
  balance: root.querySelector("[data-balance]"),
  rating: root.querySelector("[data-rating]"),
  opponent: root.querySelector("[data-opponent]"),
};

const OUTCOMES = {
  win: "You won!",
  loss: "You lost.",
  tie: "A tie: both stakes returned.",
  forfeit_win: "Your opponent did not reveal in time: you win.",
  forfeit_loss: "You did not reveal in time: you lose the stake.",
  refunded: "The match was called off: both stakes returned.",
};

let socket = null;
let match = null; // current match id
let lastMatch = null; // the finished match a rematch would repeat
let pending = null; // {move, salt} committed but not yet revealed
let timer = null;

function t(text) {
  return typeof window.gettext === "function" ? window.gettext(text) : text;
}

function say(text) {
  el.status.textContent = text;
}

function show({ find = false, move = false, cancel = false, rematch = false }) {
  el.findForm.hidden = !find;
  el.moveForm.hidden = !move;
  el.cancel.hidden = !cancel;
  el.rematch.hidden = !rematch;
}

function countdown(isoDeadline, label) {
  clearInterval(timer);
  const end = Date.parse(isoDeadline);
  const tick = () => {
    const left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    el.deadline.textContent = `${label}: ${left}s`;
    if (left === 0) clearInterval(timer);
  };
  tick();
  timer = setInterval(tick, 500);
}

function stopCountdown() {
  clearInterval(timer);
  el.deadline.textContent = "";
}

async function sha256Hex(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function randomSalt() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

// Kept per match in sessionStorage so a reloaded page can still reveal.
function remember(matchId, secret) {
  sessionStorage.setItem(`live-rps:${matchId}`, JSON.stringify(secret));
}

function recall(matchId) {
  const raw = sessionStorage.getItem(`live-rps:${matchId}`);
  return raw ? JSON.parse(raw) : null;
}

const handlers = {
  hello(m) {
    el.balance.textContent = m.balance;
    el.rating.textContent = m.rating;
    show({ find: true });
  },
  queued(m) {
    match = m.match;
    say(t("Waiting for an opponent at this stake…"));
    show({ cancel: true });
  },
  matched(m) {
    match = m.match;
    pending = recall(m.match);
    el.opponent.textContent = `${m.opponent} (${m.opponent_rating})`;
    say(t("Matched! Choose your move and lock it in."));
    show({ move: !pending, cancel: !pending });
    countdown(m.commit_deadline, t("Time to lock in"));
  },
  committed() {
    say(t("Move locked in. Waiting for your opponent…"));
    show({ cancel: true });
  },
  opponent_committed() {
    say(t("Your opponent has locked in a move."));
  },
  reveal_phase(m) {
    show({});
    countdown(m.reveal_deadline, t("Time to reveal"));
    pending = pending || recall(m.match);
    if (pending) {
      say(t("Both moves locked in. Revealing…"));
      send({ type: "reveal", match: m.match, move: pending.move, salt: pending.salt });
    } else {
      say(t("This browser does not hold your move any more; it cannot be revealed."));
    }
  },
  revealed() {
    say(t("Revealed. Waiting for your opponent's reveal…"));
  },
  opponent_revealed() {},
  result(m) {
    stopCountdown();
    sessionStorage.removeItem(`live-rps:${m.match}`);
    pending = null;
    lastMatch = m.match;
    match = null;
    const moves = m.your_move && m.their_move ? ` (${m.your_move} vs ${m.their_move})` : "";
    say(`${t(OUTCOMES[m.outcome] || m.outcome)}${moves} +${m.payout}`);
    el.balance.textContent = m.balance;
    el.rating.textContent = m.rating;
    show({ find: true, rematch: m.outcome !== "refunded" || Boolean(m.their_move) });
  },
  rematch_requested(m) {
    say(m.by === "you" ? t("Rematch requested. Waiting for your opponent…") : t("Your opponent wants a rematch."));
  },
  cancelled(m) {
    stopCountdown();
    match = null;
    say(m.reason === "insufficient_coins" ? t("You no longer have the stake; you left the queue.") : t("You left the queue."));
    show({ find: true });
  },
  error(m) {
    say(m.message);
    if (m.code === "bad_reveal" || m.code === "insufficient_coins") show({ find: !match });
  },
};

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}${root.dataset.socketPath}`);
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    (handlers[message.type] || (() => {}))(message);
  });
  socket.addEventListener("close", (event) => {
    if (event.code === 4401) {
      say(t("Sign in to play live."));
      return;
    }
    say(t("Connection lost. Reconnecting…"));
    setTimeout(connect, 2000);
  });
}

el.findForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const stake = Number(new FormData(el.findForm).get("stake"));
  el.opponent.textContent = "—";
  send({ type: "find", stake });
});

el.moveForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (match === null) return;
  const move = new FormData(el.moveForm).get("move");
  const salt = randomSalt();
  pending = { move, salt };
  remember(match, pending);
  send({ type: "commit", match, commitment: await sha256Hex(`${move}:${salt}`) });
});

el.cancel.addEventListener("click", () => send({ type: "cancel" }));
el.rematch.addEventListener("click", () => {
  if (lastMatch !== null) send({ type: "rematch", match: lastMatch });
});

connect();
