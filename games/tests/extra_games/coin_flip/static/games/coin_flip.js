// Test-only game page: the shared shell (balance, session panel) is all it needs.
import { initShell } from "./play.js";

initShell();
