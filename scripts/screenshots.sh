#!/usr/bin/env bash
# Makes screenshots/ from the real app in a virtual display (Debian: apt-get install xvfb).
#   cargo build --release && scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/gridpilot
shot() { xvfb-run -a -s "-screen 0 1600x1000x24" "$bin" gui "$@"; }
shot --agent random --play-steps 40 --select storage --screenshot screenshots/run-random.png
shot --agent do-nothing --play-steps 12 --tab safety --screenshot screenshots/safety.png
"$bin" run --network networks/case33bw_feeder.ron --agent random --seed 3 --out /tmp/gridpilot-feeder.episode >/dev/null
shot /tmp/gridpilot-feeder.episode --play-steps 60 --select battery_30 --screenshot screenshots/replay-feeder.png
shot networks/case118_transmission.ron --play-steps 30 --screenshot screenshots/case118.png
