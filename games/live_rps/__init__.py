"""Rock-paper-scissors live against another player over ``/ws/rps/`` (docs/live-rps.md)."""
