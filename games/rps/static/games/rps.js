// Rock-paper-scissors page: both hands pump while the server settles, then
// the house move is revealed.
import { initShell, play, reducedMotion, setPlaying, showError, showResult, sleep, sound, text } from "./play.js";

const form = document.querySelector("[data-rps-form]");
const hands = document.querySelector("[data-hands]");
const playerHand = hands.querySelector('[data-hand="player"]');
const houseHand = hands.querySelector('[data-hand="house"]');
const resultNode = document.querySelector("[data-result]");
const playButton = form.querySelector("button[type=submit]");
const betInput = form.elements.bet;
const MIN_SHAKE_MS = 900;

function moveName(move) {
  return text(`move${move[0].toUpperCase()}${move.slice(1)}`) || move;
}

function setHand(hand, move) {
  const icon = form.querySelector(`input[value="${move}"] + span [data-icon] svg`);
  if (icon) hand.querySelector("[data-hand-glyph]").replaceChildren(icon.cloneNode(true));
  hand.dataset.move = move;
}

function clampBet() {
  const min = Number(betInput.min);
  const max = Number(betInput.max);
  let value = Math.round(Number(betInput.value));
  if (!Number.isFinite(value)) value = min;
  value = Math.min(max, Math.max(min, value));
  betInput.value = String(value);
  return value;
}

async function playRound(event) {
  event.preventDefault();
  const move = form.elements.move.value;
  const bet = clampBet();
  playButton.disabled = true;
  setPlaying(true);
  playerHand.classList.remove("winner");
  houseHand.classList.remove("winner");
  setHand(playerHand, "rock");
  setHand(houseHand, "rock");
  resultNode.dataset.kind = "pending";
  resultNode.textContent = text("spinning");
  sound("spin");
  if (!reducedMotion()) hands.classList.add("shaking");
  const started = performance.now();
  try {
    const response = await play("rps", { bet, move });
    const round = response.round;
    if (!reducedMotion()) await sleep(Math.max(0, MIN_SHAKE_MS - (performance.now() - started)));
    hands.classList.remove("shaking");
    setHand(playerHand, round.outcome.player_move);
    setHand(houseHand, round.outcome.house_move);
    houseHand.dataset.testid = "house-move";
    if (round.outcome.result === "win") playerHand.classList.add("winner");
    if (round.outcome.result === "loss") houseHand.classList.add("winner");
    const detail = text("versus", {
      player: moveName(round.outcome.player_move),
      house: moveName(round.outcome.house_move),
    });
    showResult(resultNode, { wager: round.wager, payout: round.payout, balance: response.balance, line: response.feedback && response.feedback.line }, detail);
  } catch (error) {
    hands.classList.remove("shaking");
    showError(resultNode, error);
  } finally {
    setPlaying(false);
    playButton.disabled = false;
  }
}

initShell();
form.addEventListener("submit", playRound);
form.addEventListener("change", (event) => {
  if (event.target.name === "move") setHand(playerHand, event.target.value);
});
