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
# Edit mode: a feeder whose external grid was deleted, so the validation list has something
# to say, with the device menu of a bus open.
sed '/ExternalGrid/d' networks/three_bus_feeder.ron > /tmp/gridpilot-no-grid.ron
shot /tmp/gridpilot-no-grid.ron --edit --select substation --menu substation --screenshot screenshots/edit-menu.png
shot networks/case33bw_feeder.ron --edit --select 18 --screenshot screenshots/edit-feeder.png
# Presentation mode: the diagram takes the window.
shot networks/case33bw_feeder.ron --presentation --agent random --play-steps 40 --screenshot screenshots/presentation.png
# A failed step: the two industrial loads at 8 MW collapse the feeder's voltage at step 24.
sed 's/peak_mw: 0.42/peak_mw: 8.0/g' networks/case33bw_feeder.ron > /tmp/gridpilot-collapse.ron
shot /tmp/gridpilot-collapse.ron --play-steps 30 --tab safety --screenshot screenshots/failed-step.png
# N-1 on case118, with the state after the outage of branch 8-5 on the view.
shot networks/case118_transmission.ron --play-steps 3 --tab n-1 --outage 8-5 --screenshot screenshots/n-1.png
# The classroom classics.
shot networks/case14_classroom.ron --play-steps 40 --screenshot screenshots/case14.png
shot networks/case30_classroom.ron --play-steps 40 --screenshot screenshots/case30.png
# Imported and laid out: case1354pegase and case9241pegase, fitted, then zoomed in on a bus.
for case in case1354pegase case9241pegase; do
    "$bin" import "../shared/cases/$case.m" -o "/tmp/gridpilot-$case.ron" >/dev/null 2>&1
    shot "/tmp/gridpilot-$case.ron" --screenshot "screenshots/$case.png"
done
shot /tmp/gridpilot-case1354pegase.ron --focus 4231 --screenshot screenshots/case1354pegase-zoom.png
shot /tmp/gridpilot-case9241pegase.ron --focus 4231 --screenshot screenshots/case9241pegase-zoom.png
# The networks from pandapower.
for net in ieee13_powergrid ieee34_powergrid networked_microgrids cigre_mv_der; do
    shot "networks/$net.ron" --play-steps 12 --screenshot "screenshots/$net.png"
done
# Learning: a policy trained in the Train tab, then agents compared side by side.
shot --tab train --train 300 --screenshot screenshots/train.png
"$bin" train --network networks/anm6_easy.ron --iterations 300 --out /tmp/gridpilot-policy.ron >/dev/null
shot --agent linear:/tmp/gridpilot-policy.ron --tab compare --compare --screenshot screenshots/compare.png
# Zones: the networked microgrids coloured by operator.
shot networks/networked_microgrids.ron --zones --play-steps 12 --screenshot screenshots/zones.png
