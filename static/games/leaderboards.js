// The leaderboard page: subscribe to this board's topic on the shared live
// socket (site.js) and apply `leaderboard.update` events without a reload.

const root = document.querySelector("[data-leaderboard]");
const { board, period, topic, me, meHidden, youLabel, anonymousLabel } = root.dataset;
// Opted-out players arrive as the token "Anonymous" (no player may take that
// nickname); show it in the page's language.
const ANONYMOUS = "Anonymous";
const body = root.querySelector("[data-leaderboard-rows]");
const empty = root.querySelector("[data-leaderboard-empty]");

function subscribe(socket) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({ type: "subscribe", topic }));
  }
}
// site.js opens the socket (and reopens it after a drop): subscribe each time.
document.addEventListener("live:open", (event) => subscribe(event.detail));
subscribe(window.casinoLive);
document.addEventListener("live:subscribed", (event) => {
  if (event.detail.topic === topic) root.dataset.subscribed = "true";
});

function fillRow(row, { rank, nickname, score }) {
  row.replaceChildren();
  const rankCell = document.createElement("th");
  rankCell.scope = "row";
  rankCell.textContent = String(rank);
  const nameCell = document.createElement("td");
  nameCell.textContent = nickname === ANONYMOUS ? anonymousLabel || nickname : nickname;
  const isYou = meHidden !== "true" && nickname === me;
  if (isYou) {
    const label = document.createElement("span");
    label.className = "you-label";
    label.textContent = ` ${youLabel}`;
    nameCell.append(label);
  }
  const scoreCell = document.createElement("td");
  scoreCell.textContent = String(score);
  row.append(rankCell, nameCell, scoreCell);
  row.classList.toggle("is-you", isYou);
}

async function refreshFromApi() {
  // A player who hides their nickname appears as "Anonymous" in pushes; the
  // API still shows them their own row and rank.
  const response = await fetch(`/api/leaderboards/${board}?period=${period}`, {
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  if (!response.ok) return;
  const data = await response.json();
  body.replaceChildren();
  for (const row of data.rows) {
    const tr = document.createElement("tr");
    fillRow(tr, row);
    if (row.is_you) tr.classList.add("is-you");
    body.append(tr);
  }
  empty.hidden = data.rows.length > 0;
}

document.addEventListener("live:leaderboard.update", (event) => {
  const update = event.detail;
  if (update.board !== board || update.period !== period) return;
  if (update.period_key !== root.dataset.periodKey) {
    // A new day or week began: the board starts empty.
    root.dataset.periodKey = update.period_key;
    body.replaceChildren();
  }
  for (const change of update.changes) {
    let row = body.rows[change.rank - 1];
    while (!row) {
      body.append(document.createElement("tr"));
      row = body.rows[change.rank - 1];
    }
    fillRow(row, change);
  }
  while (body.rows.length > update.size) body.deleteRow(-1);
  empty.hidden = body.rows.length > 0;
  if (meHidden === "true") refreshFromApi();
});
