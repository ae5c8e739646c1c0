// Roulette page: click table cells to stack chips, spin, and the wheel turns
// until the server's pocket sits under the pointer.
import { initShell, play, reducedMotion, setPlaying, showError, showResult, sleep, sound, text } from "./play.js";

const wheelData = JSON.parse(document.getElementById("roulette-wheel").textContent);
const RED = new Set(wheelData.red);
const ORDER = wheelData.order;
const STEP = 360 / ORDER.length;
const SVG = "http://www.w3.org/2000/svg";

const wheel = document.querySelector("[data-wheel]");
const table = document.querySelector("[data-bet-table]");
const betsList = document.querySelector("[data-bets-list]");
const totalNode = document.querySelector("[data-total-bet]");
const spinButton = document.querySelector("[data-spin]");
const clearButton = document.querySelector("[data-clear-bets]");
const resultNode = document.querySelector("[data-result]");
const lastPocket = document.querySelector("[data-last-pocket]");
const recentList = document.querySelector("[data-recent-pockets]");
const advancedForm = document.querySelector("[data-advanced-form]");

const bets = new Map(); // key -> {type, value, amount, label}
let turn = 0;

function colorOf(pocket) {
  if (pocket === 0) return "green";
  return RED.has(pocket) ? "red" : "black";
}

// --- Wheel -------------------------------------------------------------------

function polar(radius, degrees) {
  const radians = ((degrees - 90) * Math.PI) / 180;
  return [radius * Math.cos(radians), radius * Math.sin(radians)];
}

function buildWheel() {
  const rim = document.createElementNS(SVG, "circle");
  rim.setAttribute("r", "49");
  rim.setAttribute("class", "rim");
  wheel.append(rim);
  ORDER.forEach((pocket, index) => {
    const start = index * STEP - STEP / 2;
    const end = start + STEP;
    const [x1, y1] = polar(46, start);
    const [x2, y2] = polar(46, end);
    const [x3, y3] = polar(28, end);
    const [x4, y4] = polar(28, start);
    const wedge = document.createElementNS(SVG, "path");
    wedge.setAttribute("d", `M${x1} ${y1} A46 46 0 0 1 ${x2} ${y2} L${x3} ${y3} A28 28 0 0 0 ${x4} ${y4} Z`);
    wedge.setAttribute("class", `pocket-${colorOf(pocket)}`);
    wedge.dataset.pocket = String(pocket);
    const [tx, ty] = polar(40.5, index * STEP);
    const label = document.createElementNS(SVG, "text");
    label.setAttribute("x", tx.toFixed(2));
    label.setAttribute("y", ty.toFixed(2));
    label.setAttribute("transform", `rotate(${index * STEP} ${tx.toFixed(2)} ${ty.toFixed(2)})`);
    label.textContent = String(pocket);
    wheel.append(wedge, label);
  });
  const hub = document.createElementNS(SVG, "circle");
  hub.setAttribute("r", "14");
  hub.setAttribute("class", "hub");
  wheel.append(hub);
}

function turnTo(pocket) {
  const index = ORDER.indexOf(pocket);
  const landing = (360 - index * STEP) % 360;
  const fullTurns = reducedMotion() ? 0 : 4;
  turn = Math.ceil(turn / 360) * 360 + fullTurns * 360 + landing;
  wheel.style.setProperty("--wheel-duration", reducedMotion() ? "0s" : "3.2s");
  wheel.style.setProperty("--wheel-turn", `${turn}deg`);
  for (const wedge of wheel.querySelectorAll(".pocket-win")) wedge.classList.remove("pocket-win");
  wheel.querySelector(`[data-pocket="${pocket}"]`)?.classList.add("pocket-win");
  if (reducedMotion()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => resolve();
    wheel.addEventListener("transitionend", done, { once: true });
    setTimeout(done, 3600); // in case the transition never reports (hidden tab)
  });
}

// --- Bets --------------------------------------------------------------------

function chipValue() {
  const checked = document.querySelector("input[name=chip]:checked");
  return checked ? Number(checked.value) : 1;
}

function keyOf(type, value) {
  return `${type}:${JSON.stringify(value)}`;
}

function cellFor(type, value) {
  const selector = value === null ? `[data-bet-type="${type}"]:not([data-bet-value])` : `[data-bet-type="${type}"][data-bet-value="${value}"]`;
  return table.querySelector(selector);
}

function addBet(type, value, label) {
  const key = keyOf(type, value);
  const existing = bets.get(key);
  const amount = (existing ? existing.amount : 0) + chipValue();
  bets.set(key, { type, value, amount, label });
  render();
}

function render() {
  let total = 0;
  for (const cell of table.querySelectorAll(".bet-cell")) {
    cell.querySelector(".chip")?.remove();
    cell.setAttribute("aria-label", cell.dataset.label);
  }
  betsList.replaceChildren();
  for (const [key, bet] of bets) {
    total += bet.amount;
    const cell = typeof bet.value === "object" && bet.value !== null ? null : cellFor(bet.type, bet.value);
    if (cell) {
      const chip = document.createElement("span");
      chip.className = "chip";
      chip.setAttribute("aria-hidden", "true");
      chip.textContent = String(bet.amount);
      cell.append(chip);
      cell.setAttribute("aria-label", text("chipOn", { label: cell.dataset.label, amount: bet.amount }));
    }
    const item = document.createElement("li");
    item.dataset.key = key;
    item.append(`${bet.label}: ${bet.amount}`);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "×";
    remove.setAttribute("aria-label", text("removeBet", { label: bet.label }));
    remove.addEventListener("click", () => {
      bets.delete(key);
      render();
    });
    item.append(remove);
    betsList.append(item);
  }
  totalNode.textContent = String(total);
  spinButton.disabled = total === 0;
}

function parseNumbers(raw) {
  const parts = raw.split(/[\s,;/-]+/).filter(Boolean);
  const numbers = parts.map(Number);
  if (!numbers.length || numbers.some((n) => !Number.isInteger(n) || n < 0 || n > 36)) return null;
  return numbers;
}

function advancedBet(event) {
  event.preventDefault();
  const type = advancedForm.elements.type.value;
  const numbers = parseNumbers(advancedForm.elements.numbers.value);
  if (!numbers) {
    resultNode.dataset.kind = "error";
    resultNode.textContent = text("badNumbers");
    return;
  }
  const sorted = [...numbers].sort((a, b) => a - b);
  let value;
  if (type === "street" || type === "six_line") {
    const n = sorted[0];
    value = n === 0 ? 0 : n - ((n - 1) % 3); // the first number of its row; the server checks the rest
  } else {
    value = sorted;
  }
  const typeLabel = advancedForm.elements.type.selectedOptions[0].textContent.trim();
  const shown = Array.isArray(value) ? value.join("/") : String(value);
  addBet(type, value, `${typeLabel} ${shown}`);
  advancedForm.elements.numbers.value = "";
}

// --- Spin ----------------------------------------------------------------------

function markResult(outcome) {
  for (const cell of table.querySelectorAll(".hit")) cell.classList.remove("hit");
  table.querySelector(`[data-bet-type="straight"][data-bet-value="${outcome.pocket}"]`)?.classList.add("hit");
  const won = new Set(
    (outcome.bets || []).filter((bet) => bet.won).map((bet) => keyOf(bet.type, bet.value)),
  );
  for (const item of betsList.children) item.classList.toggle("won", won.has(item.dataset.key));
  lastPocket.textContent = String(outcome.pocket);
  lastPocket.dataset.color = outcome.color || colorOf(outcome.pocket);
  wheel.setAttribute("aria-label", text("wheelLabel", { pocket: outcome.pocket }));
  const badge = document.createElement("li");
  badge.className = `pocket-badge ${colorOf(outcome.pocket)}`;
  badge.textContent = String(outcome.pocket);
  recentList.prepend(badge);
  while (recentList.children.length > 12) recentList.lastElementChild.remove();
}

async function spin() {
  const payload = { bets: Array.from(bets.values(), ({ type, value, amount }) => ({ type, value, amount })) };
  if (!payload.bets.length) return;
  spinButton.disabled = true;
  setPlaying(true);
  resultNode.dataset.kind = "pending";
  resultNode.textContent = text("spinning");
  sound("spin");
  try {
    const response = await play("roulette", payload);
    const round = response.round;
    const pocket = round.outcome.pocket;
    await turnTo(pocket);
    if (!reducedMotion()) await sleep(150);
    markResult(round.outcome);
    const color = round.outcome.color || colorOf(pocket);
    const detail = text(`pocket${color[0].toUpperCase()}${color.slice(1)}`, { pocket });
    showResult(resultNode, { wager: round.wager, payout: round.payout, balance: response.balance, line: response.feedback && response.feedback.line }, detail);
  } catch (error) {
    showError(resultNode, error);
  } finally {
    setPlaying(false);
    spinButton.disabled = bets.size === 0;
  }
}

initShell();
buildWheel();
table.addEventListener("click", (event) => {
  const cell = event.target.closest(".bet-cell");
  if (!cell) return;
  const type = cell.dataset.betType;
  const value = cell.dataset.betValue === undefined ? null : Number(cell.dataset.betValue);
  addBet(type, value, cell.dataset.label);
});
clearButton.addEventListener("click", () => {
  bets.clear();
  render();
});
advancedForm.addEventListener("submit", advancedBet);

// Arrow keys move between the table's cells as they are laid out on screen
// (the grid differs between a phone and a desktop); Enter or Space places a chip.
const DIRECTIONS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
function centre(node) {
  const box = node.getBoundingClientRect();
  return [box.left + box.width / 2, box.top + box.height / 2];
}
// One tab stop for the whole table (a roving tabindex): Tab moves past it, arrows move inside.
const cells = Array.from(table.querySelectorAll(".bet-cell"));
cells.forEach((cell, index) => { cell.tabIndex = index === 0 ? 0 : -1; });
table.addEventListener("focusin", (event) => {
  const cell = event.target.closest(".bet-cell");
  if (!cell) return;
  for (const other of cells) other.tabIndex = other === cell ? 0 : -1;
});
table.addEventListener("keydown", (event) => {
  const direction = DIRECTIONS[event.key];
  const from = event.target.closest(".bet-cell");
  if (!direction || !from) return;
  event.preventDefault();
  const [fx, fy] = centre(from);
  let best = null;
  let bestScore = Infinity;
  for (const cell of cells) {
    if (cell === from) continue;
    const [x, y] = centre(cell);
    const along = (x - fx) * direction[0] + (y - fy) * direction[1];
    if (along <= 1) continue; // not in that direction
    const across = Math.abs((x - fx) * direction[1] + (y - fy) * direction[0]);
    const score = along + across * 3; // prefer the cell straight ahead
    if (score < bestScore) {
      best = cell;
      bestScore = score;
    }
  }
  best?.focus();
});
spinButton.addEventListener("click", spin);
render();
