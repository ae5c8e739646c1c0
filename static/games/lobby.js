// The lobby only needs the session panel (balance, net, time, sound switch).
import { initShell } from "./play.js";

initShell();
