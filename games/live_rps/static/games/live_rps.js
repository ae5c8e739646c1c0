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

// Django's JavaScript catalogue (/jsi18n/, the djangojs domain) defines
// window.gettext before this module runs; without it the English stays.
// The names are the ones makemessages -d djangojs extracts.
const gettext = typeof window.gettext === "function" ? window.gettext : (text) => text;
const interpolate =
  typeof window.interpolate === "function"
    ? window.interpolate
    : (format, values) => format.replace(/%\((\w+)\)s/g, (_, name) => String(values[name]));
const gettext_noop = (text) => text;

const OUTCOMES = {
  win: gettext_noop("You won!"),
  loss: gettext_noop("You lost."),
  tie: gettext_noop("A tie: both stakes returned."),
  forfeit_win: gettext_noop("Your opponent did not reveal in time: you win."),
  forfeit_loss: gettext_noop("You did not reveal in time: you lose the stake."),
  refunded: gettext_noop("The match was called off: both stakes returned."),
};

const MOVES = {
  rock: gettext_noop("rock"),
  paper: gettext_noop("paper"),
  scissors: gettext_noop("scissors"),
};

let socket = null;
let match = null; // current match id
let lastMatch = null; // the finished match a rematch would repeat
let pending = null; // {move, salt} committed but not yet revealed
let timer = null;

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
    el.deadline.textContent = interpolate(gettext("%(label)s: %(seconds)s s"), { label, seconds: left }, true);
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
    say(gettext("Waiting for an opponent at this stake…"));
    show({ cancel: true });
  },
  matched(m) {
    match = m.match;
    pending = recall(m.match);
    el.opponent.textContent = `${m.opponent} (${m.opponent_rating})`;
    say(gettext("Matched! Choose your move and lock it in."));
    show({ move: !pending, cancel: !pending });
    countdown(m.commit_deadline, gettext("Time to lock in"));
  },
  committed() {
    say(gettext("Move locked in. Waiting for your opponent…"));
    show({ cancel: true });
  },
  opponent_committed() {
    say(gettext("Your opponent has locked in a move."));
  },
  reveal_phase(m) {
    show({});
    countdown(m.reveal_deadline, gettext("Time to reveal"));
    pending = pending || recall(m.match);
    if (pending) {
      say(gettext("Both moves locked in. Revealing…"));
      send({ type: "reveal", match: m.match, move: pending.move, salt: pending.salt });
    } else {
      say(gettext("This browser does not hold your move any more; it cannot be revealed."));
    }
  },
  revealed() {
    say(gettext("Revealed. Waiting for your opponent's reveal…"));
  },
  opponent_revealed() {},
  result(m) {
    stopCountdown();
    sessionStorage.removeItem(`live-rps:${m.match}`);
    pending = null;
    lastMatch = m.match;
    match = null;
    const moves =
      m.your_move && m.their_move
        ? ` ${interpolate(gettext("(%(yours)s against %(theirs)s)"), { yours: gettext(MOVES[m.your_move] || m.your_move), theirs: gettext(MOVES[m.their_move] || m.their_move) }, true)}`
        : "";
    say(`${gettext(OUTCOMES[m.outcome] || m.outcome)}${moves} +${m.payout}`);
    el.balance.textContent = m.balance;
    el.rating.textContent = m.rating;
    show({ find: true, rematch: m.outcome !== "refunded" || Boolean(m.their_move) });
  },
  rematch_requested(m) {
    say(m.by === "you" ? gettext("Rematch requested. Waiting for your opponent…") : gettext("Your opponent wants a rematch."));
  },
  cancelled(m) {
    stopCountdown();
    match = null;
    say(m.reason === "insufficient_coins" ? gettext("You no longer have the stake; you left the queue.") : gettext("You left the queue."));
    show({ find: true });
  },
  error(m) {
    say(m.message);
    if (m.code === "bad_reveal" || m.code === "insufficient_coins") show({ find: !match });
  },
};

// "Find a match" waits for the socket: a click before it opens would be lost.
const findButton = el.findForm.querySelector("[data-find]");

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  findButton.disabled = true;
  socket = new WebSocket(`${scheme}://${location.host}${root.dataset.socketPath}`);
  socket.addEventListener("open", () => {
    findButton.disabled = false;
  });
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    (handlers[message.type] || (() => {}))(message);
  });
  socket.addEventListener("close", (event) => {
    findButton.disabled = true;
    if (event.code === 4401) {
      say(gettext("Sign in to play live."));
      return;
    }
    say(gettext("Connection lost. Reconnecting…"));
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
